"""The outbox sender: claims due messages, sends them at Teams' pace, and records the
outcome.

A claim is one conditional UPDATE ... RETURNING: only rows still pending and unclaimed
(or whose claim expired) are taken, so two drains, in one process or in several, never
hold the same message, on SQLite (where `FOR UPDATE` is a no-op and writers serialize)
as on PostgreSQL (`FOR UPDATE SKIP LOCKED` spreads the rows over the instances first).
A claim lasts CLAIM_S and is renewed while its message waits for a rate-limit slot; a
message whose claim was lost meanwhile is left to its new holder, unsent.

- sent: marked with the new message id;
- 429, 412, 502, 504, 500, 503 and network errors: retried with exponential backoff and
  jitter, honouring Retry-After, at most MAX_ATTEMPTS times, then dead-lettered;
- 403 BotNotInConversationRoster / MessageWritesBlocked and 404: the bot is gone from the
  conversation; its subscription is deactivated and `on_gone` tells the admins;
- other errors: retried at most FEW_ATTEMPTS times, then dead-lettered.
Sent messages are marked MARK_BATCH at a time, and at least every quarter of a claim (at
most a second), so a sent message is marked while its claim holds. A crash between
sending and marking leaves the rows claimed until their claim expires; they are then
sent again (at least once, never lost)."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import random
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.clock import utc_now
from services.db.models import ChannelSubscription, OutboxMessage
from services.notifications.connector import ConnectorClient, ConnectorError
from services.notifications.ratelimit import TeamsLimits
from services.notifications.service import NotificationService
from services.notifications.views import DrainResult, OutboxStatus, SubscriptionView

logger = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({0, 429, 412, 500, 502, 503, 504})
GONE_CODES = frozenset({"BotNotInConversationRoster", "MessageWritesBlocked",
                        "ConversationNotFound"})
MAX_ATTEMPTS = 8
FEW_ATTEMPTS = 3
CLAIM_S = 120.0
MARK_BATCH = 64  # sent messages marked per transaction

OnGone = Callable[[list[SubscriptionView]], Awaitable[None]]


@dataclass(frozen=True)
class Backoff:
    base_s: float = 2.0
    cap_s: float = 600.0

    def delay(self, attempts: int, retry_after: float | None) -> float:
        """Retry-After when the service gives it (plus up to 10% jitter, so senders do not
        return all at once); otherwise exponential with full jitter."""
        if retry_after is not None:
            return min(self.cap_s, retry_after * random.uniform(1.0, 1.1))  # noqa: S311
        return random.uniform(0, min(self.cap_s, self.base_s * 2 ** max(0, attempts - 1)))  # noqa: S311


class OutboxSender:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], connector: ConnectorClient,
                 limits: TeamsLimits, notifications: NotificationService, *,
                 on_gone: OnGone | None = None, concurrency: int = 32,
                 backoff: Backoff = Backoff(), holder: str | None = None,
                 claim_s: float = CLAIM_S) -> None:
        self._sessions = sessions
        self._connector = connector
        self._limits = limits
        self._notifications = notifications
        self._on_gone = on_gone
        self._slots = asyncio.Semaphore(concurrency)
        self._batch = concurrency * 4
        self._backoff = backoff
        self.holder = holder or uuid.uuid4().hex[:16]
        self._claim_s = claim_s
        self._sent: list[dict[str, Any]] = []  # sent, to be marked (see _flush_sent)

    async def claim(self, limit: int) -> list[OutboxMessage]:
        """Take up to LIMIT due messages for this holder. The UPDATE re-checks that each
        row is still free, so of two drains that picked the same rows only one gets each
        (RETURNING says which)."""
        now = utc_now()
        until = now + dt.timedelta(seconds=self._claim_s)
        free = (OutboxMessage.status == "pending",
                (OutboxMessage.claimed_until.is_(None)) | (OutboxMessage.claimed_until < now))
        due = (select(OutboxMessage.id).where(OutboxMessage.next_attempt_at <= now, *free)
               .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit)
               .with_for_update(skip_locked=True))
        async with self._sessions() as session, session.begin():
            ids = list((await session.execute(due)).scalars())
            if not ids:
                return []
            taken = list((await session.execute(
                update(OutboxMessage).where(OutboxMessage.id.in_(ids), *free)
                .values(claimed_by=self.holder, claimed_until=until)
                .returning(OutboxMessage.id))).scalars())
            if not taken:
                return []
            rows = (await session.execute(select(OutboxMessage).where(
                OutboxMessage.id.in_(taken), OutboxMessage.claimed_by == self.holder)
                .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id))).scalars().all()
            session.expunge_all()
        return list(rows)

    async def renew(self, message_id: int) -> bool:
        """Extend this holder's claim on MESSAGE_ID; False when the claim was lost (it
        expired and another drain took the message, or it is no longer pending)."""
        until = utc_now() + dt.timedelta(seconds=self._claim_s)
        async with self._sessions() as session, session.begin():
            renewed = await session.execute(update(OutboxMessage).where(
                OutboxMessage.id == message_id, OutboxMessage.claimed_by == self.holder,
                OutboxMessage.status == "pending").values(claimed_until=until))
        return bool(renewed.rowcount)  # type: ignore[attr-defined]

    async def drain(self, *, until_idle: bool = True,
                    max_wait_s: float = 0.0) -> DrainResult:
        """Send what is due, keeping the pipeline full (claims top it up as sends finish).
        With MAX_WAIT_S, keep going while retries fall due within it."""
        totals = {"sent": 0, "retried": 0, "dead": 0, "deactivated": 0}
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max_wait_s
        running: set[asyncio.Task[str]] = set()
        stop = asyncio.Event()
        marker = asyncio.create_task(self._mark_sent_until(stop))
        try:
            while True:
                # top up by half a pipeline at a time: one claim for many messages
                if len(running) <= self._batch // 2:
                    for message in await self.claim(self._batch - len(running)):
                        running.add(asyncio.create_task(self._send(message)))
                if running:
                    done, running = await asyncio.wait(running,
                                                       return_when=asyncio.FIRST_COMPLETED)
                    for task in done:
                        outcome = task.result()
                        if outcome in totals:  # "lost": another holder has it now
                            totals[outcome] += 1
                    continue
                await self._flush_sent()
                wait = await self._next_due_in()
                if not until_idle or wait is None or loop.time() + wait > deadline:
                    return DrainResult(**totals)
                await asyncio.sleep(max(0.05, wait))
        finally:
            for task in running:
                task.cancel()
            stop.set()
            await marker  # its last flush marks what is left

    async def _next_due_in(self) -> float | None:
        async with self._sessions() as session:
            first = (await session.execute(select(func.min(OutboxMessage.next_attempt_at))
                                           .where(OutboxMessage.status == "pending"))
                     ).scalar_one_or_none()
        if first is None:
            return None
        first = first if first.tzinfo else first.replace(tzinfo=dt.UTC)
        return max(0.0, (first - utc_now()).total_seconds())

    async def _send(self, message: OutboxMessage) -> str:
        reference = message.reference or {}
        service_url = str(reference.get("serviceUrl") or reference.get("service_url") or "")
        tenant = message.tenant_id or "-"
        if not await self._limits.pace(message.conversation_id, tenant,
                                       keep_alive=lambda: self.renew(message.id),
                                       every_s=self._claim_s / 3):
            logger.warning("outbox %s: claim lost while waiting for a slot; left to its "
                           "new holder", message.id)
            return "lost"
        async with self._slots:
            try:
                activity_id = await self._connector.send(service_url, message.conversation_id,
                                                         message.activity)
            except ConnectorError as exc:
                return await self._failed(message, exc)
        self._sent.append({"mid": message.id, "at": utc_now(), "aid": activity_id,
                           "attempts": message.attempts + 1})
        if len(self._sent) >= MARK_BATCH:
            await self._flush_sent()
        return "sent"

    async def _mark_sent_until(self, stop: asyncio.Event) -> None:
        """Flush the sent marks often enough that no claim of a sent message expires
        before it is marked (another drain would send it again), until STOP."""
        every = min(1.0, self._claim_s / 4)
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), every)
            await self._flush_sent()

    async def _flush_sent(self) -> None:
        """Mark the messages sent since the last flush, in one transaction (one UPDATE
        executed for each; was a transaction per message). Like `_mark`, only those this
        holder still has and that are still pending: a cancellation meanwhile stands."""
        batch, self._sent = self._sent, []
        if not batch:
            return
        table = cast(Table, OutboxMessage.__table__)
        stmt = (update(table).where(table.c.id == bindparam("mid"),
                                    table.c.claimed_by == self.holder,
                                    table.c.status == "pending")
                .values(status="sent", sent_at=bindparam("at"), activity_id=bindparam("aid"),
                        attempts=bindparam("attempts"), claimed_until=None))
        async with self._sessions() as session, session.begin():
            await (await session.connection()).execute(stmt, batch)

    async def _failed(self, message: OutboxMessage, exc: ConnectorError) -> str:
        attempts = message.attempts + 1
        error = f"{exc.status} {exc.code}".strip()[:300]
        if exc.status == 404 or (exc.status == 403 and exc.code in GONE_CODES):
            await self._mark(message.id, status="cancelled", attempts=attempts,
                             last_error=error, claimed_until=None)
            if message.channel_subscription_id is not None:
                gone = await self._notifications.deactivate(
                    exc.code or f"http_{exc.status}",
                    subscription_id=message.channel_subscription_id)
                if gone and self._on_gone is not None:
                    await self._on_gone(gone)
            logger.warning("outbox %s: the bot is gone from %s (%s)", message.id,
                           message.conversation_id, error)
            return "deactivated"
        limit = MAX_ATTEMPTS if exc.status in RETRY_STATUSES else FEW_ATTEMPTS
        if attempts >= limit:
            await self._mark(message.id, status="dead", attempts=attempts, last_error=error,
                             claimed_until=None)
            logger.error("outbox %s dead-lettered after %d attempts: %s", message.id,
                         attempts, error)
            return "dead"
        delay = self._backoff.delay(attempts, exc.retry_after)
        await self._mark(message.id, attempts=attempts, last_error=error, claimed_until=None,
                         next_attempt_at=utc_now() + dt.timedelta(seconds=delay))
        logger.info("outbox %s: %s, retry %d in %.1fs", message.id, error, attempts, delay)
        return "retried"

    async def _mark(self, message_id: int, **values: Any) -> None:
        """Record an attempt's outcome on a message this holder still has, unless it was
        cancelled meanwhile (e.g. its operator was removed): the cancellation stands."""
        async with self._sessions() as session, session.begin():
            await session.execute(update(OutboxMessage).where(
                OutboxMessage.id == message_id, OutboxMessage.claimed_by == self.holder,
                OutboxMessage.status == "pending").values(**values))


FINISHED = ("sent", "dead", "cancelled")


async def prune_outbox(sessions: async_sessionmaker[AsyncSession],
                       before: dt.datetime) -> int:
    """Delete finished messages (sent, dead-lettered, cancelled) whose last event (sent,
    else last attempt) is before BEFORE; pending ones stay whatever their age."""
    async with sessions() as session, session.begin():
        result = await session.execute(delete(OutboxMessage).where(
            OutboxMessage.status.in_(FINISHED),
            func.coalesce(OutboxMessage.sent_at, OutboxMessage.next_attempt_at) < before))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def outbox_status(sessions: async_sessionmaker[AsyncSession],
                        dead_limit: int = 50) -> OutboxStatus:
    async with sessions() as session:
        counts = dict((await session.execute(select(
            OutboxMessage.status, func.count()).group_by(OutboxMessage.status))).tuples().all())
        dead = (await session.execute(select(
            OutboxMessage.id, OutboxMessage.conversation_id, OutboxMessage.last_error,
            OutboxMessage.attempts).where(OutboxMessage.status == "dead").order_by(
            OutboxMessage.id.desc()).limit(dead_limit))).tuples().all()
        subs = dict((await session.execute(select(
            ChannelSubscription.active, func.count()).group_by(ChannelSubscription.active))
        ).tuples().all())
    return OutboxStatus(int(counts.get("pending", 0)), int(counts.get("sent", 0)),
                        int(counts.get("dead", 0)), int(counts.get("cancelled", 0)),
                        tuple((int(i), c, e, int(a)) for i, c, e, a in dead),
                        int(subs.get(True, 0)), int(subs.get(False, 0)))
