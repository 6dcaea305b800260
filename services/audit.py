"""The audit log: every change, who made it, before and after, with its correlation id.

Refused card actions grow with hostile traffic, not with changes: at most
REFUSED_PER_HOUR of them are written per actor and clock hour (counted in the database,
so every instance agrees); the rest are counted in the log, not written. They are also
the only audit rows the daily retention removes (`prune_refused`)."""

from __future__ import annotations

import datetime as dt
import logging
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.clock import utc_now
from services.db.models import AuditEvent
from services.scope import Right, Scope

logger = logging.getLogger(__name__)

REFUSED = "action.refused"
REFUSED_PER_HOUR = 20
LOG_EVERY = 100  # suppressed refusals between two log lines for one actor
MAX_ACTORS = 10_000  # actors whose hourly counts this process remembers


@dataclass
class _Hour:
    start: dt.datetime
    written: int = 0
    suppressed: int = 0


@dataclass(frozen=True)
class AuditEntry:
    at: dt.datetime
    actor: str
    organization_id: str | None
    action: str
    target: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    correlation_id: str | None


class AuditLog:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], *,
                 refused_per_hour: int = REFUSED_PER_HOUR,
                 clock: Callable[[], dt.datetime] = utc_now) -> None:
        self._sessions = sessions
        self._refused_per_hour = refused_per_hour
        self._clock = clock
        self._hours: OrderedDict[str, _Hour] = OrderedDict()

    async def refused(self, actor: str, organization_id: str | None, verb: str, reason: str,
                      data: dict[str, Any] | None = None, cid: str | None = None) -> bool:
        """A card action refused on the server (forged, replayed, out of scope, not an
        operator): who, which verb, why, and the ids the card sent (never trusted).
        False when ACTOR is past this hour's limit: counted in the log, not written."""
        actor = actor[:320]
        now = self._clock()
        hour = self._hour(actor, now)
        if hour.written < self._refused_per_hour:
            safe = {k: str(v)[:200] for k, v in list((data or {}).items())[:20]
                    if isinstance(k, str)}
            async with self._sessions() as session, session.begin():
                written = int((await session.execute(select(func.count()).where(
                    AuditEvent.action == REFUSED, AuditEvent.actor == actor,
                    AuditEvent.created_at >= hour.start))).scalar_one())
                hour.written = max(hour.written, written)
                if written < self._refused_per_hour:
                    session.add(AuditEvent(
                        actor=actor, organization_id=organization_id, action=REFUSED,
                        target=verb[:320] or None, before=None,
                        after={"reason": reason[:64], "data": safe}, correlation_id=cid,
                        created_at=now))
                    hour.written = written + 1
                    return True
        hour.suppressed += 1
        if hour.suppressed == 1:
            logger.warning("refused actions by %s: over %d this hour; the rest are counted "
                           "here, not written to the audit log", actor,
                           self._refused_per_hour)
        elif hour.suppressed % LOG_EVERY == 0:
            logger.warning("refused actions by %s: %d not written this hour", actor,
                           hour.suppressed)
        return False

    def _hour(self, actor: str, now: dt.datetime) -> _Hour:
        """ACTOR's counts for the clock hour of NOW (a new hour logs the last one's)."""
        start = now.replace(minute=0, second=0, microsecond=0)
        hour = self._hours.pop(actor, None)
        if hour is None or hour.start != start:
            if hour is not None and hour.suppressed:
                logger.warning("refused actions by %s: %d not written in the hour from %s",
                               actor, hour.suppressed, hour.start.isoformat())
            hour = _Hour(start)
        self._hours[actor] = hour
        while len(self._hours) > MAX_ACTORS:
            self._hours.popitem(last=False)
        return hour

    async def prune_refused(self, before: dt.datetime) -> int:
        """Delete refused-action rows older than BEFORE (every other event stays); how
        many."""
        async with self._sessions() as session, session.begin():
            result = await session.execute(delete(AuditEvent).where(
                AuditEvent.action == REFUSED, AuditEvent.created_at < before))
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def entries(self, *, organization_id: str | None = None,
                      since: dt.datetime | None = None, limit: int = 100) -> list[AuditEntry]:
        """Newest first; for the command line (all organizations unless one is named)."""
        stmt = select(AuditEvent).order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        if organization_id is not None:
            stmt = stmt.where(AuditEvent.organization_id == organization_id)
        if since is not None:
            stmt = stmt.where(AuditEvent.created_at >= since)
        async with self._sessions() as session:
            rows = (await session.execute(stmt.limit(limit))).scalars().all()
        return [AuditEntry(e.created_at, e.actor, e.organization_id, e.action, e.target,
                           e.before, e.after, e.correlation_id) for e in rows]

    async def for_admin(self, scope: Scope, limit: int = 20) -> list[AuditEntry]:
        """An admin's view: their own organization's events only."""
        scope.require(Right.MANAGE_OPERATORS)
        return await self.entries(organization_id=scope.organization_id, limit=limit)
