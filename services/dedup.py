"""Each incoming activity is processed once: Teams re-sends an activity it got no answer
for within 15 s, possibly to another instance. Rows older than KEEP are pruned every
PRUNE_EVERY activities a process sees, and by the daily retention (bot/notify.py), so a
quiet process's rows go too."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.db.engine import engine_of
from services.db.models import ProcessedActivity

KEEP = dt.timedelta(days=1)
PRUNE_EVERY = 500


# Every turn writes one row: a Core statement, made once, on a connection of its own.
_RECORD = insert(ProcessedActivity.metadata.tables[ProcessedActivity.__tablename__])


class ActivityLedger:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self._engine = engine_of(sessions)
        self._since_prune = 0

    async def first_time(self, conversation_id: str, activity_id: str) -> bool:
        """True the first time this (conversation, activity) is seen, False for a retry."""
        now = dt.datetime.now(dt.UTC)
        try:
            async with self._engine.begin() as conn:
                await conn.execute(_RECORD, {"conversation_id": conversation_id[:512],
                                             "activity_id": activity_id[:256],
                                             "received_at": now})
        except IntegrityError:
            return False
        self._since_prune += 1
        if self._since_prune >= PRUNE_EVERY:
            self._since_prune = 0
            await self.prune(now - KEEP)
        return True

    async def prune(self, before: dt.datetime | None = None) -> int:
        """Forget activities received before BEFORE (default: KEEP ago); how many."""
        before = before or dt.datetime.now(dt.UTC) - KEEP
        async with self._sessions() as session, session.begin():
            result = await session.execute(delete(ProcessedActivity).where(
                ProcessedActivity.received_at < before))
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def forget(self, conversation_id: str, activity_id: str) -> None:
        """The turn failed: a re-send of this activity must run again, not be ignored."""
        async with self._sessions() as session, session.begin():
            await session.execute(delete(ProcessedActivity).where(
                ProcessedActivity.conversation_id == conversation_id[:512],
                ProcessedActivity.activity_id == activity_id[:256]))
