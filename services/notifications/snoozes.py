"""Snoozed organizations (SPEC section 3): "snooze Café Lumière for 14 days" leaves that
organization out of one conversation's digests and licence alerts until the day it comes
back. At most MAX_SNOOZE_DAYS; a channel's snoozes are its admins' right (like its
subscriptions), anyone may snooze in their own personal chat. Validated first, written
in one transaction with its audit event."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.clock import utc_now
from services.db.models import AuditEvent, NotificationSnooze, Organization
from services.directory import NotFound
from services.notifications.views import NotificationError, SnoozeView
from services.scope import Right, Scope

MAX_SNOOZE_DAYS = 30
AfterSnooze = Callable[[AsyncSession], Awaitable[object]]


def check_days(days: object) -> int:
    """A whole number of days, 1 … MAX_SNOOZE_DAYS (NotificationError otherwise)."""
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise NotificationError("bad_snooze_days")
    if days > MAX_SNOOZE_DAYS:
        raise NotificationError("snooze_too_long")
    return days


def _check_kind(scope: Scope, kind: str) -> None:
    if kind == "channel":
        scope.require(Right.MANAGE_NOTIFICATIONS)
    elif kind != "personal":
        raise NotificationError("bad_kind")


class Snoozes:
    def __init__(self, sessions: async_sessionmaker[AsyncSession],
                 clock: Callable[[], dt.datetime] = utc_now) -> None:
        self._sessions = sessions
        self._clock = clock

    async def _visible(self, session: AsyncSession, scope: Scope, organization_id: str) -> str:
        """The organization's name when SCOPE sees it (else NotFound, like a name that
        does not exist)."""
        stmt = scope.restrict(select(Organization.name), Organization.id).where(
            Organization.id == organization_id)
        name = (await session.execute(stmt)).scalar_one_or_none()
        if name is None:
            raise NotFound(organization_id)
        return str(name)

    async def snooze(self, scope: Scope, conversation_id: str, *, kind: str,
                     organization_id: str, days: object, today: dt.date,
                     cid: str | None = None, then: AfterSnooze | None = None) -> SnoozeView:
        """THEN runs in the snooze's transaction once it is written (the notification
        service rebuilds the digests already queued for the conversation)."""
        _check_kind(scope, kind)
        count = check_days(days)
        if not conversation_id or not isinstance(organization_id, str) \
                or not 0 < len(organization_id) <= 64:
            raise NotificationError("no_conversation")
        until = today + dt.timedelta(days=count)
        async with self._sessions() as session, session.begin():
            name = await self._visible(session, scope, organization_id)
            row = await _locked(session, conversation_id, organization_id)
            before = None
            if row is None:
                row = NotificationSnooze(conversation_id=conversation_id,
                                         organization_id=organization_id)
                session.add(row)
            else:
                before = {"until": row.until.isoformat()}
            row.until, row.created_by_id = until, scope.operator_id
            session.add(AuditEvent(actor=scope.email, organization_id=scope.organization_id,
                                   action="notifications.snoozed", target=organization_id,
                                   before=before, after={"until": until.isoformat(),
                                                         "conversation": conversation_id,
                                                         "days": count},
                                   correlation_id=cid))
            if then is not None:
                await session.flush()
                await then(session)
        return SnoozeView(organization_id, name, until)

    async def unsnooze(self, scope: Scope, conversation_id: str, *, kind: str,
                       organization_id: str, cid: str | None = None) -> SnoozeView | None:
        """End the snooze; the one ended, None when there was none."""
        _check_kind(scope, kind)
        async with self._sessions() as session, session.begin():
            name = await self._visible(session, scope, organization_id)
            row = await _locked(session, conversation_id, organization_id)
            if row is None:
                return None
            view = SnoozeView(organization_id, name, row.until)
            await session.execute(delete(NotificationSnooze).where(
                NotificationSnooze.id == row.id))
            session.add(AuditEvent(actor=scope.email, organization_id=scope.organization_id,
                                   action="notifications.unsnoozed", target=organization_id,
                                   before={"until": row.until.isoformat(),
                                           "conversation": conversation_id}, after=None,
                                   correlation_id=cid))
        return view

    async def snoozed(self, scope: Scope, conversation_id: str,
                      today: dt.date) -> list[SnoozeView]:
        """The conversation's snoozes still running, that SCOPE may see, by end date."""
        stmt = scope.restrict(select(NotificationSnooze, Organization.name).join(
            Organization, Organization.id == NotificationSnooze.organization_id),
            NotificationSnooze.organization_id).where(
            NotificationSnooze.conversation_id == conversation_id,
            NotificationSnooze.until > today).order_by(NotificationSnooze.until,
                                                       Organization.name)
        async with self._sessions() as session:
            rows = (await session.execute(stmt)).all()
        return [SnoozeView(s.organization_id, str(name), s.until) for s, name in rows]


async def snoozed_in(session: AsyncSession, conversations: Iterable[str],
                     today: dt.date) -> dict[str, set[str]]:
    """Conversation id -> the organizations snoozed there today (for the pass, alerts)."""
    ids = sorted(set(conversations))
    out: dict[str, set[str]] = defaultdict(set)
    for start in range(0, len(ids), 500):
        for conversation_id, org_id in (await session.execute(select(
                NotificationSnooze.conversation_id, NotificationSnooze.organization_id).where(
                NotificationSnooze.conversation_id.in_(ids[start:start + 500]),
                NotificationSnooze.until > today))).all():
            out[conversation_id].add(org_id)
    return out


async def _locked(session: AsyncSession, conversation_id: str,
                  organization_id: str) -> NotificationSnooze | None:
    """This conversation's snooze of ORGANIZATION_ID, locked for the transaction."""
    return (await session.execute(select(NotificationSnooze).where(
        NotificationSnooze.conversation_id == conversation_id,
        NotificationSnooze.organization_id == organization_id).with_for_update()
    )).scalar_one_or_none()
