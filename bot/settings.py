"""Settings: one typed object, read once at start-up and passed down."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class BotType(StrEnum):
    MULTI_TENANT = "MultiTenant"
    SINGLE_TENANT = "SingleTenant"
    USER_ASSIGNED_MSI = "UserAssignedMSI"


LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


class MailTransport(StrEnum):
    LOG = "log"
    SMTP = "smtp"
    GRAPH = "graph"


DURATION_RE = re.compile(r"^\s*(\d+)\s*([smhd]?)\s*$")
UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(value: Any) -> int:
    """Seconds from 7d, 48h, 30m, 90s or a plain number of seconds."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    match = DURATION_RE.match(str(value).lower())
    if match is None:
        raise ValueError("must be a duration such as 7d, 48h, 30m or 3600")
    return int(match.group(1)) * UNIT_SECONDS[match.group(2)]


class SettingsError(Exception):
    """A setting has a bad value; the message names the variable."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False,
        populate_by_name=True,
    )

    bot_id: str = Field(default="", alias="BOT_ID")
    bot_password: str = Field(default="", alias="BOT_PASSWORD", repr=False)
    bot_tenant_id: str = Field(default="", alias="BOT_TENANT_ID")
    bot_type: BotType = Field(default=BotType.MULTI_TENANT, alias="BOT_TYPE")
    database_url: str = Field(
        default="sqlite+aiosqlite:///./partnerbot.db", alias="DATABASE_URL", repr=False
    )
    # PostgreSQL connections per process (pool, and extra ones under bursts).
    db_pool_size: int = Field(default=10, alias="DB_POOL_SIZE", ge=1, le=200)
    db_max_overflow: int = Field(default=10, alias="DB_MAX_OVERFLOW", ge=0, le=200)
    # Directory answers kept per process until the data changes (0: off).
    answer_cache_size: int = Field(default=512, alias="ANSWER_CACHE_SIZE", ge=0, le=100_000)
    # Questions per operator and process: a bucket of QUESTION_BURST refilled at
    # QUESTION_RATE per minute (0: no limit).
    question_rate: float = Field(default=60, alias="QUESTION_RATE", ge=0, le=1_000_000)
    question_burst: int = Field(default=20, alias="QUESTION_BURST", ge=1, le=100_000)
    # "Find a customer" queries (Teams sends one as the user pauses typing): a bucket of
    # their own, so that searching never uses up the operator's questions.
    search_rate: float = Field(default=240, alias="SEARCH_RATE", ge=0, le=1_000_000)
    search_burst: int = Field(default=60, alias="SEARCH_BURST", ge=1, le=100_000)
    # Seconds the Bot Connector has to accept a reply before the turn gives up.
    connector_timeout: float = Field(default=10, alias="CONNECTOR_TIMEOUT", gt=0, le=120)
    # The live data feed (POST /api/feed): an Entra app-only token from one of these
    # app ids (comma-separated), or an HMAC signed with FEED_SECRET; neither set: off.
    feed_allowed_app_ids: str = Field(default="", alias="FEED_ALLOWED_APP_IDS")
    feed_secret: str = Field(default="", alias="FEED_SECRET", repr=False)
    # A licence count changing by more than this percentage is announced to channels.
    feed_alert_pct: float = Field(default=25, alias="FEED_ALERT_PCT", ge=0, le=100_000)
    feed_rate: float = Field(default=60, alias="FEED_RATE", ge=0, le=100_000)  # per minute
    feed_burst: int = Field(default=10, alias="FEED_BURST", ge=1, le=10_000)
    # Entra app-only tokens for the feed: only from these tenants (comma-separated; empty:
    # no token is accepted), and only with this app role in `roles`.
    feed_allowed_tenants: str = Field(default="", alias="FEED_ALLOWED_TENANTS")
    feed_app_role: str = Field(default="Feed.ReadWrite", alias="FEED_APP_ROLE")
    # Whether the feed may change operators and roles (default: it may not; a billing
    # system must not be able to make anyone an admin).
    feed_manages_operators: bool = Field(default=False, alias="FEED_MANAGES_OPERATORS")
    # Teams tenants whose users may use the bot at all (comma-separated; empty: any tenant
    # that is an operator's organization's tenant).
    allowed_tenants: str = Field(default="", alias="ALLOWED_TENANTS")
    # Longest question answered, in characters; a longer one gets a polite reply.
    max_question_chars: int = Field(default=500, alias="MAX_QUESTION_CHARS", ge=20,
                                    le=10_000)
    # Seconds any outbound call (login, Graph, Bot Connector token, mail API) may take.
    outbound_timeout: float = Field(default=10, alias="OUTBOUND_TIMEOUT", gt=0, le=120)
    # Days kept of rows that grow with traffic (sent outbox messages, SSO token-exchange
    # state, refused-action audit rows past the per-actor limit).
    retention_days: int = Field(default=30, alias="RETENTION_DAYS", ge=1, le=3650)
    port: int = Field(default=3978, alias="PORT", ge=1, le=65535)
    host: str = Field(default="", alias="HOST")
    # serving processes on PORT (SO_REUSEPORT); `serve --workers` overrides it
    workers: int = Field(default=1, alias="WORKERS", ge=1, le=64)
    public_base_url: str = Field(default="", alias="PUBLIC_BASE_URL")
    log_level: str = Field(default="INFO", alias="LOG_LEVEL")
    # OpenID metadata of the Bot Framework channel tokens; only changed by tests
    # (a local issuer) or sovereign clouds.
    bot_openid_metadata_url: str = Field(default="", alias="BOT_OPENID_METADATA_URL")
    # Teams SSO: the Azure Bot OAuth connection (empty: operators are identified by the
    # activity's aadObjectId, as in local mode).
    oauth_connection_name: str = Field(default="", alias="OAUTH_CONNECTION_NAME")
    sso_session_seconds: int = Field(default=900, alias="SSO_SESSION_SECONDS", ge=0,
                                     le=86400)
    entra_openid_metadata_url: str = Field(
        default="https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration",
        alias="ENTRA_OPENID_METADATA_URL")
    login_base_url: str = Field(default="https://login.microsoftonline.com",
                                alias="LOGIN_BASE_URL")
    graph_base_url: str = Field(default="https://graph.microsoft.com", alias="GRAPH_BASE_URL")
    # Local mode has no inbound authentication: binding it to a public address needs
    # this explicit opt-in (e.g. a dev container whose port is forwarded).
    allow_public_local_mode: bool = Field(default=False, alias="ALLOW_PUBLIC_LOCAL_MODE")
    # Activation links (onboarding a customer tenant by admin consent).
    activation_ttl: int = Field(default=7 * 86400, alias="ACTIVATION_TTL")  # seconds
    activation_rate: int = Field(default=20, alias="ACTIVATION_RATE", ge=1, le=10000)
    # Signs the consent `state`; derived from BOT_PASSWORD when empty.
    activation_secret: str = Field(default="", alias="ACTIVATION_SECRET", repr=False)
    # Signs CSV export links (/export/...); derived from ACTIVATION_SECRET or BOT_PASSWORD
    # when empty.
    export_secret: str = Field(default="", alias="EXPORT_SECRET", repr=False)
    # E-mail: log (local default), smtp or graph.
    mail_transport: MailTransport = Field(default=MailTransport.LOG, alias="MAIL_TRANSPORT")
    mail_sender: str = Field(default="", alias="MAIL_SENDER")
    smtp_host: str = Field(default="", alias="SMTP_HOST")
    smtp_port: int = Field(default=587, alias="SMTP_PORT", ge=1, le=65535)
    smtp_username: str = Field(default="", alias="SMTP_USERNAME")
    smtp_password: str = Field(default="", alias="SMTP_PASSWORD", repr=False)
    smtp_starttls: bool = Field(default=True, alias="SMTP_STARTTLS")

    # Expiry notifications: the in-process scheduler's daily time and zone; off when
    # passes are run from outside (`partnerbot notify run` from cron).
    notify_scheduler: bool = Field(default=True, alias="NOTIFY_SCHEDULER")
    notify_at: str = Field(default="08:00", alias="NOTIFY_AT", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    notify_tz: str = Field(default="UTC", alias="NOTIFY_TZ")
    # the pass runs this often; each subscription is sent at its own time (NOTIFY_AT and
    # NOTIFY_TZ unless it set its own), once per local day
    notify_every: int = Field(default=5, alias="NOTIFY_EVERY", ge=1, le=60)
    notify_max_rps: float = Field(default=50, alias="NOTIFY_MAX_RPS", gt=0, le=1000)

    @field_validator("notify_scheduler", mode="before")
    @classmethod
    def _on_off(cls, value: Any) -> Any:
        return {"on": True, "off": False}.get(str(value).strip().lower(), value)

    @field_validator("notify_tz")
    @classmethod
    def _time_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (e.g. Europe/Paris)") from None
        return value

    @field_validator("activation_ttl", mode="before")
    @classmethod
    def _activation_ttl(cls, value: Any) -> int:
        seconds = parse_duration(value)
        if not 300 <= seconds <= 90 * 86400:
            raise ValueError("must be between 5m and 90d (e.g. 7d, 48h, 3600)")
        return seconds

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        upper = value.upper()
        if upper not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        return upper

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError(
                "must start with sqlite+aiosqlite:// or postgresql+asyncpg://"
            )
        return value

    @field_validator("public_base_url")
    @classmethod
    def _public_base_url(cls, value: str) -> str:
        if value and not value.startswith(("https://", "http://")):
            raise ValueError("must be an http(s) URL")
        return value.rstrip("/")

    def bind_problem(self) -> str | None:
        """Why this bind address is refused, if it is (local mode on a public address)."""
        if self.local_mode and self.bind_host not in LOOPBACK \
                and not self.allow_public_local_mode:
            return (f"HOST={self.bind_host} with BOT_ID empty would expose an "
                    "unauthenticated bot; set BOT_ID, bind to 127.0.0.1, or set "
                    "ALLOW_PUBLIC_LOCAL_MODE=true")
        return None

    def mail_problem(self) -> str | None:
        """What the chosen mail transport lacks, if anything."""
        if self.mail_transport is MailTransport.LOG:
            return None
        missing = [name for name, value in (
            ("MAIL_SENDER", self.mail_sender), ("PUBLIC_BASE_URL", self.public_base_url),
        ) if not value]
        if self.mail_transport is MailTransport.SMTP and not self.smtp_host:
            missing.append("SMTP_HOST")
        if self.mail_transport is MailTransport.GRAPH:
            missing += [name for name, value in (
                ("BOT_ID", self.bot_id), ("BOT_PASSWORD", self.bot_password),
                ("BOT_TENANT_ID", self.bot_tenant_id)) if not value]
        if missing:
            return (f"MAIL_TRANSPORT={self.mail_transport.value} needs "
                    + ", ".join(missing))
        return None

    @model_validator(mode="after")
    def _bot_identity(self) -> Settings:
        problem = self.bind_problem() or self.mail_problem()
        if problem:
            raise ValueError(problem)
        if not self.bot_id:
            return self
        if self.mail_transport is MailTransport.LOG:
            raise ValueError("MAIL_TRANSPORT=log writes live activation links to the log: "
                             "with BOT_ID set (production) choose MAIL_TRANSPORT=smtp or "
                             "graph")
        if self.bot_type is not BotType.MULTI_TENANT and not self.bot_tenant_id:
            raise ValueError(f"BOT_TENANT_ID is required when BOT_TYPE is {self.bot_type.value}")
        if self.bot_type is not BotType.USER_ASSIGNED_MSI and not self.bot_password:
            raise ValueError(f"BOT_PASSWORD is required when BOT_ID is set and BOT_TYPE is "
                             f"{self.bot_type.value}")
        return self

    @property
    def sso(self) -> bool:
        return bool(self.oauth_connection_name) and not self.local_mode

    @property
    def local_mode(self) -> bool:
        """No bot id: inbound authentication is off (local development, Agents Playground)."""
        return not self.bot_id

    @property
    def allowed_tenant_ids(self) -> frozenset[str]:
        return _id_set(self.allowed_tenants)

    @property
    def feed_tenant_ids(self) -> frozenset[str]:
        return _id_set(self.feed_allowed_tenants)

    @property
    def feed_app_ids(self) -> frozenset[str]:
        return _id_set(self.feed_allowed_app_ids)

    def engine_options(self) -> dict[str, Any]:
        """Connection pool settings for DATABASE_URL (PostgreSQL; SQLite needs none)."""
        if self.database_url.startswith("sqlite"):
            return {}
        return {"pool_size": self.db_pool_size, "max_overflow": self.db_max_overflow}

    @property
    def base_url(self) -> str:
        """Where people reach this host (activation links): PUBLIC_BASE_URL, else the local
        address."""
        if self.public_base_url:
            return self.public_base_url
        host = self.bind_host if self.bind_host not in {"0.0.0.0", "::"} else "127.0.0.1"
        return f"http://{host}:{self.port}"

    @property
    def bind_host(self) -> str:
        if self.host:
            return self.host
        return "127.0.0.1" if self.local_mode else "0.0.0.0"  # noqa: S104


def _id_set(value: str) -> frozenset[str]:
    """Lower-cased ids of a comma-separated setting."""
    return frozenset(a.strip().lower() for a in value.split(",") if a.strip())


def load_settings(**overrides: Any) -> Settings:
    """Read the settings from the environment (and `.env`); a bad value raises
    SettingsError naming the variable."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = error.get("loc") or ()
            msg = str(error.get("msg", "")).removeprefix("Value error, ")
            problems.append(f"{str(loc[0]).upper()}: {msg}" if loc else msg)
        raise SettingsError("Invalid setting " + "; ".join(problems)) from None
