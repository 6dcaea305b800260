"""'notification status' in a conversation: its subscriptions, the last digest sent there
(when, how many items), its snoozes, and what the outbox could not deliver there (dead
letters, messages waiting for a retry, messages cancelled because Teams refused them)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.db.models import NotificationSent, OutboxMessage
from services.notifications.views import SnoozeView, SubscriptionView

PROBLEMS_SHOWN = 5


@dataclass(frozen=True)
class LastDigest:
    sent_at: dt.datetime
    items: int  # expiries it announced


@dataclass(frozen=True)
class DeliveryProblem:
    message_id: int
    kind: str  # digest / notice
    state: str  # dead / retrying / cancelled
    error: str | None  # the connector's answer, e.g. "400 BadSyntax"
    attempts: int
    at: dt.datetime  # when it was queued


@dataclass(frozen=True)
class DeliveryStatus:
    subscriptions: tuple[SubscriptionView, ...]
    last_digest: LastDigest | None
    snoozes: tuple[SnoozeView, ...]
    problems: tuple[DeliveryProblem, ...]  # the latest first
    pending: int  # messages waiting to be sent


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)  # SQLite: naive UTC


async def deliveries(sessions: async_sessionmaker[AsyncSession],
                     subscriptions: list[SubscriptionView], snoozes: list[SnoozeView]
                     ) -> DeliveryStatus:
    """The outbox of SUBSCRIPTIONS (one conversation's, of one organization)."""
    ids = [v.id for v in subscriptions]
    last, problems, pending = None, [], 0
    if ids:
        async with sessions() as session:
            row = (await session.execute(select(OutboxMessage.id, OutboxMessage.sent_at).where(
                OutboxMessage.channel_subscription_id.in_(ids), OutboxMessage.kind == "digest",
                OutboxMessage.status == "sent").order_by(OutboxMessage.sent_at.desc(),
                                                         OutboxMessage.id.desc()).limit(1)
            )).first()
            if row is not None and row[1] is not None:
                items = (await session.execute(select(func.count()).select_from(
                    NotificationSent).where(NotificationSent.outbox_id == row[0]))).scalar_one()
                last = LastDigest(_aware(row[1]), int(items))
            failed = (await session.execute(select(OutboxMessage).where(
                OutboxMessage.channel_subscription_id.in_(ids),
                (OutboxMessage.status.in_(("dead", "cancelled")) & OutboxMessage.last_error
                 .is_not(None)) | ((OutboxMessage.status == "pending")
                                   & (OutboxMessage.attempts > 0))).order_by(
                OutboxMessage.id.desc()).limit(PROBLEMS_SHOWN))).scalars().all()
            problems = [DeliveryProblem(m.id, m.kind, "retrying" if m.status == "pending"
                                        else m.status, m.last_error, m.attempts,
                                        _aware(m.created_at))
                        for m in failed]
            pending = int((await session.execute(select(func.count()).select_from(
                OutboxMessage).where(OutboxMessage.channel_subscription_id.in_(ids),
                                     OutboxMessage.status == "pending"))).scalar_one())
    return DeliveryStatus(tuple(subscriptions), last, tuple(snoozes), tuple(problems),
                          pending)
