"""The monthly licence report (issue 19): seats per SKU and per partner at the end of a
month, and what changed since the end of the month before, computed in SQL through the
caller's Scope from the subscriptions' dates alone.

A month's figures are taken on its last day (on today for the current month). Between
two such days, with A = the day before and B = the day:
- seats(B) = seats(A) + added - removed, where *added* are the seats of subscriptions
  that start in (A, B] and *removed* those of subscriptions whose last day is in [A, B)
  (active on A, not on B); a subscription both started and ended inside the month is in
  both, so the identity holds exactly;
- a *new* customer has an active subscription on B and none on A; a *lapsed* one the
  other way round;
- an *onboarding* is an activation completed in the month (its audit event)."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import aliased

from services.db.models import AuditEvent, Organization, OrgClosure, Sku, Subscription
from services.directory.views import OrgRef
from services.scope import Page, Scope

S = Subscription
_PARTNER_OF = aliased(OrgClosure, name="partner_of")  # partner -> its customers
_PARTNER = aliased(Organization, name="report_partner")
ONBOARDING_ACTION = "activation.completed"


@dataclass(frozen=True)
class Seats:
    """Seats of one group (a SKU, a partner) on the month's last day and the one before."""

    id: str
    name: str
    seats: int
    previous: int

    @property
    def change(self) -> int:
        return self.seats - self.previous


@dataclass(frozen=True)
class MonthlyReport:
    organization: str
    year: int
    month: int
    day: dt.date  # the figures are of this day
    previous_day: dt.date  # compared with this one (the last day of the month before)
    seats: int
    previous_seats: int
    added: int
    removed: int
    skus: list[Seats]
    partners: list[Seats]  # empty for a partner's own report
    new_customers: list[OrgRef]
    lapsed_customers: list[OrgRef]
    onboarded: list[OrgRef]


def report_days(year: int, month: int, today: dt.date) -> tuple[dt.date, dt.date]:
    """(the day the month's figures are of, the last day of the month before)."""
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    first = dt.date(year, month, 1)
    return min(last, max(today, first)), first - dt.timedelta(days=1)


def _active_on(day: dt.date) -> ColumnElement[bool]:
    return and_(S.starts_on <= day, S.expires_on >= day)


def _seats_on(day: dt.date) -> Any:
    return func.coalesce(func.sum(case((_active_on(day), S.licenses), else_=0)), 0)


class MonthlyReports:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def report(self, scope: Scope, year: int, month: int,
                     today: dt.date) -> MonthlyReport:
        """The report of YEAR-MONTH for the customers in SCOPE (a month after today has
        no figures yet: ValueError)."""
        scope.require_page(Page.CUSTOMERS)
        if (year, month) > (today.year, today.month) or not 1 <= month <= 12:
            raise ValueError("a report is of a past or the current month")
        day, before = report_days(year, month, today)
        customers = scope.restrict(select(Organization.id), Organization.id, "customer")
        mine = S.organization_id.in_(customers)
        async with self._sessions() as session:
            skus = (await session.execute(
                select(S.sku_code, Sku.name, _seats_on(day), _seats_on(before))
                .join(Sku, Sku.code == S.sku_code).where(mine)
                .group_by(S.sku_code, Sku.name).order_by(S.sku_code))).all()
            added, removed = (await session.execute(select(
                func.coalesce(func.sum(case((and_(S.starts_on > before, S.starts_on <= day),
                                                S.licenses), else_=0)), 0),
                func.coalesce(func.sum(case((and_(S.expires_on >= before,
                                                  S.expires_on < day), S.licenses),
                                            else_=0)), 0),
            ).where(mine))).one()
            partners = await self._partners(session, scope, day, before)
            new = await self._changed(session, customers, day, before)
            lapsed = await self._changed(session, customers, before, day)
            onboarded = await self._onboarded(session, customers, year, month)
        groups = [Seats(code, name, int(now), int(then)) for code, name, now, then in skus
                  if now or then]
        return MonthlyReport(
            organization=scope.organization_name, year=year, month=month, day=day,
            previous_day=before, seats=sum(g.seats for g in groups),
            previous_seats=sum(g.previous for g in groups), added=int(added),
            removed=int(removed), skus=groups, partners=partners, new_customers=new,
            lapsed_customers=lapsed, onboarded=onboarded)

    @staticmethod
    async def _partners(session: AsyncSession, scope: Scope, day: dt.date,
                        before: dt.date) -> list[Seats]:
        """Each partner in scope with its customers' seats (none for a partner)."""
        if not scope.can_view(Page.PARTNERS):
            return []
        partners = scope.restrict(select(_PARTNER.id), _PARTNER.id, "partner")
        rows = (await session.execute(
            select(_PARTNER.id, _PARTNER.name, _seats_on(day), _seats_on(before))
            .select_from(_PARTNER)
            .join(_PARTNER_OF, and_(_PARTNER_OF.ancestor_id == _PARTNER.id,
                                    _PARTNER_OF.descendant_kind == "customer",
                                    _PARTNER_OF.depth > 0))
            .join(S, S.organization_id == _PARTNER_OF.descendant_id)
            .where(_PARTNER.id.in_(partners))
            .group_by(_PARTNER.id, _PARTNER.name))).all()
        out = [Seats(pid, name, int(now), int(then)) for pid, name, now, then in rows
               if now or then]
        return sorted(out, key=lambda s: (-s.seats, s.name.casefold(), s.id))

    @staticmethod
    async def _changed(session: AsyncSession, customers: Any, active: dt.date,
                       inactive: dt.date) -> list[OrgRef]:
        """Customers with an active subscription on ACTIVE and none on INACTIVE."""
        def has_active(day: dt.date) -> Any:
            return exists().where(S.organization_id == Organization.id, _active_on(day))
        rows = (await session.execute(
            select(Organization.id, Organization.name)
            .where(Organization.id.in_(customers), has_active(active), ~has_active(inactive))
            .order_by(Organization.name, Organization.id))).all()
        return [OrgRef(oid, name) for oid, name in rows]

    @staticmethod
    async def _onboarded(session: AsyncSession, customers: Any, year: int,
                         month: int) -> list[OrgRef]:
        start = dt.datetime(year, month, 1, tzinfo=dt.UTC)
        end = dt.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=dt.UTC)
        rows = (await session.execute(
            select(Organization.id, Organization.name).distinct()
            .join(AuditEvent, AuditEvent.target == Organization.id)
            .where(Organization.id.in_(customers), AuditEvent.action == ONBOARDING_ACTION,
                   AuditEvent.created_at >= start, AuditEvent.created_at < end)
            .order_by(Organization.name, Organization.id))).all()
        return [OrgRef(oid, name) for oid, name in rows]
