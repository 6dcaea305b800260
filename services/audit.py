"""The audit log: every change, who made it, before and after, with its correlation id."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.db.models import AuditEvent
from services.scope import Right, Scope


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
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def refused(self, actor: str, organization_id: str | None, verb: str, reason: str,
                      data: dict[str, Any] | None = None, cid: str | None = None) -> None:
        """A card action refused on the server (forged, replayed, out of scope, not an
        operator): who, which verb, why, and the ids the card sent (never trusted)."""
        safe = {k: str(v)[:200] for k, v in list((data or {}).items())[:20]
                if isinstance(k, str)}
        async with self._sessions() as session, session.begin():
            session.add(AuditEvent(actor=actor[:320], organization_id=organization_id,
                                   action="action.refused", target=verb[:320] or None,
                                   before=None, after={"reason": reason[:64], "data": safe},
                                   correlation_id=cid))

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
