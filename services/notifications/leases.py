"""Named leases in the database, so scheduled work (a notification pass) runs on one
instance at a time, whichever instances run the scheduler."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.db.models import Lease


class Leases:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def acquire(self, name: str, holder: str, ttl_s: float) -> bool:
        """Take NAME for TTL_S seconds unless another holder has it; renewing is allowed."""
        now = dt.datetime.now(dt.UTC)
        until = now + dt.timedelta(seconds=ttl_s)
        async with self._sessions() as session, session.begin():
            taken = await session.execute(update(Lease).where(
                Lease.name == name, (Lease.expires_at < now) | (Lease.holder == holder))
                .values(holder=holder, expires_at=until))
            if taken.rowcount:  # type: ignore[attr-defined]
                return True
        try:
            async with self._sessions() as session, session.begin():
                session.add(Lease(name=name, holder=holder, expires_at=until))
        except IntegrityError:
            return False  # someone else holds it (or took it meanwhile)
        return True

    async def release(self, name: str, holder: str) -> None:
        async with self._sessions() as session, session.begin():
            await session.execute(delete(Lease).where(Lease.name == name,
                                                      Lease.holder == holder))
