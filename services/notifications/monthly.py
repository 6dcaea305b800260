"""The monthly licence report posted to subscribed conversations ("send the monthly
licence report to this channel"): on the first working day of each month, at the
subscription's time of day, the report of the month before (services/directory/reports),
read with the subscription's organization scope, once per month."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import or_, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.db.models import ChannelSubscription, Organization, OutboxMessage
from services.directory.reports import MonthlyReport, MonthlyReports
from services.notifications.schedule import month_key
from services.scope import Scope

# (monthly licence report, language) -> the activity posting it
RenderReport = Callable[[MonthlyReport, str], dict[str, Any]]
# (subscription, activity, kind) -> the outbox message to its conversation
MessageTo = Callable[[ChannelSubscription, dict[str, Any], str], OutboxMessage]
ScopeOf = Callable[[ChannelSubscription, Organization], Scope]
CHUNK = 500


async def queue_reports(sessions: async_sessionmaker[AsyncSession], today: dt.date,
                        subs: list[Any], render: RenderReport, message_to: MessageTo,
                        scope_of: ScopeOf) -> int:
    """Queue the reports of SUBS ((subscription, organization) rows) for their local day
    TODAY: the month before's. Each subscription's month is claimed (last_report_month)
    in the transaction that queues its report, so two passes never post it twice."""
    previous = today.replace(day=1) - dt.timedelta(days=1)
    key, queued = month_key(today), 0
    reports = MonthlyReports(sessions)
    made: dict[str, MonthlyReport] = {}
    rendered: dict[tuple[str, str], dict[str, Any]] = {}
    for start in range(0, len(subs), CHUNK):
        chunk = subs[start:start + CHUNK]
        for sub, org in chunk:  # read first: the claim's transaction only writes
            if org.id not in made:
                made[org.id] = await reports.report(scope_of(sub, org), previous.year,
                                                    previous.month, today)
        async with sessions() as session, session.begin():
            claimed = set((await session.execute(update(ChannelSubscription).where(
                ChannelSubscription.id.in_([s.id for s, _ in chunk]),
                ChannelSubscription.active.is_(True),
                ChannelSubscription.monthly_report.is_(True),
                or_(ChannelSubscription.last_report_month.is_(None),
                    ChannelSubscription.last_report_month < key)).values(
                last_report_month=key).returning(ChannelSubscription.id).execution_options(
                synchronize_session=False))).scalars())
            for sub, org in chunk:
                if sub.id not in claimed:
                    continue  # that month's report was made (elsewhere)
                card_key = (org.id, sub.language)
                if card_key not in rendered:
                    rendered[card_key] = render(made[org.id], sub.language)
                session.add(message_to(sub, rendered[card_key], "report"))
                queued += 1
    return queued
