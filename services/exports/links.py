"""Export links (`/export/<token>`): signed, single use, valid 10 minutes, bound to the
operator and the question, never to the data.

A token is `<32 random characters>.<HMAC-SHA256 of them with the server key>` (URL-safe
base64); only the SHA-256 of the whole token is stored, with the operator's id and the
question as structured data (intent, kind, filters, measure, grouping, limit, language,
day). A token whose signature does not verify is refused before any database read; a
stored one is marked used in the same statement that checks it is unused and unexpired,
so two downloads of one link cannot both succeed, on any number of instances. The
question runs again at download time with the operator's current scope."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.clock import Clock, utc_now
from services.db.models import ExportLink
from services.scope import Scope
from services.understanding.model import GROUPINGS, MEASURES, Filters, Intent

EXPORT_TTL_S = 600
EXPORT_INTENTS = (Intent.LIST, Intent.RANKING, Intent.BREAKDOWN, Intent.LICENCE_REPORT)
KINDS = ("customer", "partner", "distributor")
LANGUAGES = ("en", "fr")
TOKEN_RE = re.compile(r"^([A-Za-z0-9_-]{32})\.([A-Za-z0-9_-]{43})$")
PRUNE_AFTER = dt.timedelta(days=1)  # used and expired rows are kept this long


def export_key(secret: str, fallback: str) -> bytes:
    """The server key: EXPORT_SECRET, else derived from FALLBACK (the activation secret
    or the bot's password). Local mode (neither) still needs the stored hash of a random
    token, which nobody can derive from the key."""
    return hashlib.sha256(f"partnerbot-export|{secret or fallback}".encode()).digest()


def _signature(key: bytes, nonce: str) -> str:
    mac = hmac.new(key, f"export|{nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def signed(key: bytes, token: str) -> bool:
    """Whether TOKEN is well formed and signed with KEY (constant-time)."""
    match = TOKEN_RE.match(token or "")
    if match is None:
        return False
    return hmac.compare_digest(match.group(2).encode(), _signature(key, match.group(1)).encode())


@dataclass(frozen=True)
class ExportQuestion:
    """The question an export answers again: what the card was built from."""

    intent: str
    kind: str | None
    language: str
    today: dt.date
    filters: Filters = field(default_factory=Filters)
    measure: str | None = None
    group_by: str | None = None
    limit: int | None = None

    def to_data(self) -> dict[str, Any]:
        return {"intent": str(self.intent), "kind": self.kind, "language": self.language,
                "today": self.today.isoformat(), "filters": self.filters.to_data(),
                "measure": self.measure, "group_by": self.group_by, "limit": self.limit}

    @classmethod
    def from_data(cls, data: Any) -> ExportQuestion:
        """Validated strictly (ValueError), as anything read back is."""
        if not isinstance(data, dict):
            raise ValueError("an export question is an object")
        intent, kind, language = data.get("intent"), data.get("kind"), data.get("language")
        measure, group_by, limit = data.get("measure"), data.get("group_by"), data.get("limit")
        if intent not in EXPORT_INTENTS:
            raise ValueError(f"no export of {intent!r}")
        if kind is not None and kind not in KINDS or language not in LANGUAGES:
            raise ValueError("bad kind or language")
        if measure is not None and measure not in MEASURES \
                or group_by is not None and group_by not in GROUPINGS:
            raise ValueError("bad measure or grouping")
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int)
                                  or not 1 <= limit <= 1000):
            raise ValueError("bad limit")
        today = dt.date.fromisoformat(str(data.get("today")))
        return cls(intent=str(intent), kind=kind, language=language, today=today,
                   filters=Filters.from_data(data.get("filters", {})), measure=measure,
                   group_by=group_by, limit=limit)


class Refusal(StrEnum):
    INVALID = "invalid"  # malformed, badly signed or unknown: 404
    USED = "used"  # 410
    EXPIRED = "expired"  # 410
    REMOVED = "removed"  # the operator is no longer active: 403


class ExportRefused(Exception):  # noqa: N818 - a refusal, not an error
    def __init__(self, reason: Refusal) -> None:
        super().__init__(reason.value)
        self.reason = reason


@dataclass(frozen=True)
class Redeemed:
    link_id: int
    operator_id: int
    question: ExportQuestion


class ExportService:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], key: bytes,
                 base_url: str, *, ttl_s: int = EXPORT_TTL_S, clock: Clock = utc_now) -> None:
        self._sessions = sessions
        self._key = key
        self._base_url = base_url.rstrip("/")
        self._ttl = dt.timedelta(seconds=ttl_s)
        self._clock = clock

    def url(self, token: str) -> str:
        return f"{self._base_url}/export/{token}"

    async def link(self, scope: Scope, question: ExportQuestion) -> str:
        """A new link for SCOPE's operator to download the answer to QUESTION."""
        nonce = secrets.token_urlsafe(24)
        token = f"{nonce}.{_signature(self._key, nonce)}"
        data = question.to_data()
        ExportQuestion.from_data(data)  # validated before the write
        now = self._clock()
        async with self._sessions.begin() as session:
            await session.execute(delete(ExportLink).where(
                ExportLink.expires_at < now - PRUNE_AFTER))
            session.add(ExportLink(token_hash=token_hash(token), operator_id=scope.operator_id,
                                   question=data, created_at=now,
                                   expires_at=now + self._ttl))
        return self.url(token)

    async def redeem(self, token: str) -> Redeemed:
        """The link's operator and question, marking it used; ExportRefused otherwise."""
        if not signed(self._key, token):
            raise ExportRefused(Refusal.INVALID)
        hashed, now = token_hash(token), self._clock()
        async with self._sessions.begin() as session:
            link = (await session.execute(select(ExportLink).where(
                ExportLink.token_hash == hashed))).scalar_one_or_none()
            if link is None:
                raise ExportRefused(Refusal.INVALID)
            if link.used_at is not None:
                raise ExportRefused(Refusal.USED)
            if _aware(link.expires_at) <= now:
                raise ExportRefused(Refusal.EXPIRED)
            claimed = await session.execute(update(ExportLink).where(
                ExportLink.id == link.id, ExportLink.used_at.is_(None)).values(used_at=now))
            if not claimed.rowcount:  # type: ignore[attr-defined]
                raise ExportRefused(Refusal.USED)  # another download took it first
            try:
                question = ExportQuestion.from_data(link.question)
            except (ValueError, KeyError):
                raise ExportRefused(Refusal.INVALID) from None
            return Redeemed(link.id, link.operator_id, question)


def _aware(value: dt.datetime) -> dt.datetime:
    """SQLite gives naive datetimes back (stored in UTC)."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
