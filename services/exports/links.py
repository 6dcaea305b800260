"""Export links (`/export/<token>`): signed, single use, valid 10 minutes, bound to the
operator and the question, never to the data.

A token is `<32 random characters>.<HMAC-SHA256 of them with the server key>` (URL-safe
base64); only the SHA-256 of the whole token is stored, with the operator's id and the
question as structured data (intent, kind, filters, measure, grouping, limit, language,
day). A token whose signature does not verify is refused before any database read; a
stored one is checked (unused, unexpired) before the question runs again with the
operator's current scope, then marked used in the same statement that checks it again,
in the transaction that writes the download's audit event (`export.downloaded`: the
operator, the question's intent, the number of rows and the link's id, never the
token): two downloads of one link cannot both succeed, on any number of instances, and
every file served has its audit row."""

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

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.clock import Clock, utc_now
from services.db.engine import engine_of
from services.db.models import AuditEvent, ExportLink, Operator
from services.scope import Scope
from services.understanding.model import GROUPINGS, MEASURES, Filters, Intent

EXPORT_TTL_S = 600
EXPORT_INTENTS = (Intent.LIST, Intent.RANKING, Intent.BREAKDOWN, Intent.LICENCE_REPORT)
KINDS = ("customer", "partner", "distributor")
LANGUAGES = ("en", "fr")
TOKEN_RE = re.compile(r"^([A-Za-z0-9_-]{32})\.([A-Za-z0-9_-]{43})$")
PRUNE_AFTER = dt.timedelta(days=1)  # used and expired rows are kept this long
PRUNE_EVERY = 200  # links made by a process between two prunes (and the daily retention)
DOWNLOADED = "export.downloaded"  # the audit event of a file served
_NEW_LINK = insert(ExportLink.metadata.tables[ExportLink.__tablename__])


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


@dataclass(frozen=True)
class StoredLink:
    """A stored link, the operator it was made for and what it asks: what the audit log
    names of a download or a refused one (never the token)."""

    link_id: int
    operator_id: int
    email: str
    organization_id: str
    intent: str | None  # as stored (a refused link's question may not validate)
    kind: str | None

    def audit_data(self) -> dict[str, Any]:
        asked = {"intent": self.intent, "kind": self.kind}
        return {"link": self.link_id, **{k: v for k, v in asked.items() if v is not None}}


class ExportRefused(Exception):  # noqa: N818 - a refusal, not an error
    def __init__(self, reason: Refusal, stored: StoredLink | None = None) -> None:
        super().__init__(reason.value)
        self.reason = reason
        self.stored = stored  # None when no stored link matches (forged, unknown)


@dataclass(frozen=True)
class Redeemed:
    """A link that may be downloaded (checked, not yet used) and its question."""

    stored: StoredLink
    question: ExportQuestion

    @property
    def link_id(self) -> int:
        return self.stored.link_id

    @property
    def operator_id(self) -> int:
        return self.stored.operator_id


class ExportService:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], key: bytes,
                 base_url: str, *, ttl_s: int = EXPORT_TTL_S, clock: Clock = utc_now) -> None:
        self._sessions = sessions
        self._engine = engine_of(sessions)
        self._key = key
        self._base_url = base_url.rstrip("/")
        self._ttl = dt.timedelta(seconds=ttl_s)
        self._clock = clock
        self._until_prune = 0  # the first link of a process prunes

    def url(self, token: str) -> str:
        return f"{self._base_url}/export/{token}"

    async def link(self, scope: Scope, question: ExportQuestion) -> str:
        """A new link for SCOPE's operator to download the answer to QUESTION."""
        nonce = secrets.token_urlsafe(24)
        token = f"{nonce}.{_signature(self._key, nonce)}"
        data = question.to_data()
        ExportQuestion.from_data(data)  # validated before the write
        now = self._clock()
        async with self._engine.begin() as conn:  # a Core statement: every list answer
            await conn.execute(_NEW_LINK, {
                "token_hash": token_hash(token), "operator_id": scope.operator_id,
                "question": data, "created_at": now, "expires_at": now + self._ttl})
        self._until_prune -= 1
        if self._until_prune <= 0:
            self._until_prune = PRUNE_EVERY
            await self.prune(now)
        return self.url(token)

    async def prune(self, now: dt.datetime | None = None) -> int:
        """Remove the links that expired PRUNE_AFTER ago or more (used or not); how many."""
        before = (now or self._clock()) - PRUNE_AFTER
        async with self._sessions.begin() as session:
            result = await session.execute(delete(ExportLink).where(
                ExportLink.expires_at < before))
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def check(self, token: str) -> Redeemed:
        """The link's operator and question if it may be downloaded now (nothing is
        written: `claim` uses it); ExportRefused otherwise."""
        if not signed(self._key, token):
            raise ExportRefused(Refusal.INVALID)
        hashed, now = token_hash(token), self._clock()
        async with self._sessions() as session:
            row = (await session.execute(
                select(ExportLink, Operator.email, Operator.organization_id)
                .join(Operator, Operator.id == ExportLink.operator_id)
                .where(ExportLink.token_hash == hashed))).first()
        if row is None:
            raise ExportRefused(Refusal.INVALID)
        link, email, organization_id = row
        stored = StoredLink(link.id, link.operator_id, email, organization_id,
                            _text(link.question, "intent"), _text(link.question, "kind"))
        if link.used_at is not None:
            raise ExportRefused(Refusal.USED, stored)
        if _aware(link.expires_at) <= now:
            raise ExportRefused(Refusal.EXPIRED, stored)
        try:
            question = ExportQuestion.from_data(link.question)
        except (ValueError, KeyError):
            raise ExportRefused(Refusal.INVALID, stored) from None
        return Redeemed(stored, question)

    async def claim(self, link: Redeemed, scope: Scope, rows: int,
                    cid: str | None = None) -> None:
        """Mark LINK used, if it still is unused and unexpired, with the audit event of
        SCOPE's operator downloading ROWS rows, in one transaction; ExportRefused (used:
        another download took it first, or expired meanwhile) otherwise."""
        now = self._clock()
        async with self._sessions.begin() as session:
            claimed = await session.execute(update(ExportLink).where(
                ExportLink.id == link.link_id, ExportLink.used_at.is_(None),
                ExportLink.expires_at > now).values(used_at=now))
            if not claimed.rowcount:  # type: ignore[attr-defined]
                expired = (await session.execute(select(ExportLink.used_at).where(
                    ExportLink.id == link.link_id))).scalar_one_or_none() is None
                raise ExportRefused(Refusal.EXPIRED if expired else Refusal.USED, link.stored)
            session.add(AuditEvent(
                actor=scope.email, organization_id=scope.organization_id, action=DOWNLOADED,
                target=f"export-link:{link.link_id}", before=None,
                after={"link": link.link_id, "intent": str(link.question.intent),
                       "kind": link.question.kind, "rows": rows},
                correlation_id=cid, created_at=now))


def _text(data: Any, key: str) -> str | None:
    value = data.get(key) if isinstance(data, dict) else None
    return None if value is None else str(value)[:40]


def _aware(value: dt.datetime) -> dt.datetime:
    """SQLite gives naive datetimes back (stored in UTC)."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
