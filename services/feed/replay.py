"""Signatures the feed has seen, in the database so that every instance agrees.

A signed request is accepted while its timestamp is within MAX_SKEW_S of the clock, so
one signature can pass for up to 2 × MAX_SKEW_S (signed up to MAX_SKEW_S ahead, then
sent until MAX_SKEW_S after). Its SHA-256 is kept that long: the primary key makes the
first use an insert that succeeds once, so two instances racing with the same signature
accept at most one request. Older rows are pruned as new ones arrive, in a transaction of
their own: a pruning that fails (two instances deleting the same rows) leaves them for the
next request and never decides a request."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging

from sqlalchemy import delete
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.db.models import FeedSignature

logger = logging.getLogger(__name__)


class SignatureLedger:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], keep_s: float) -> None:
        self._sessions = sessions
        self._keep = dt.timedelta(seconds=keep_s)

    async def first_use(self, signature: str, now: dt.datetime) -> bool:
        """Record SIGNATURE as used at NOW; False when it was already used (a replay)."""
        digest = hashlib.sha256(signature.encode("ascii")).hexdigest()
        try:
            async with self._sessions() as session, session.begin():
                session.add(FeedSignature(digest=digest, seen_at=now))
        except IntegrityError:
            return False
        try:
            async with self._sessions() as session, session.begin():
                await session.execute(delete(FeedSignature).where(
                    FeedSignature.seen_at < now - self._keep))
        except DBAPIError as exc:
            logger.info("feed: old signatures not pruned this time (%s)",
                        exc.__class__.__name__)
        return True
