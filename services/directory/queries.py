"""Directory queries over the partner network. Every query takes the caller's Scope and
filters in SQL; results are plain dataclasses (views.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, String, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import aliased

from services.db.meta import data_changed_at
from services.db.models import Organization, Sku, Subscription
from services.directory import filters as F
from services.directory import renewals
from services.directory.views import (
    AccountManager,
    Breakdown,
    Figure,
    OrgDetail,
    OrgPage,
    OrgRef,
    OrgRow,
    SubscriptionView,
)
from services.scope import PAGE_OF_KIND, Page, Scope
from services.understanding.model import Filters

S = Subscription


class NotFound(Exception):  # noqa: N818 - a domain outcome
    """No such organization in the caller's scope (outside scope looks exactly the same)."""


def is_active(starts_on: dt.date, expires_on: dt.date, today: dt.date) -> bool:
    """SPEC: started and not expired; a renewal booked ahead is not active yet."""
    return starts_on <= today <= expires_on


def org_expiry(subs: Sequence[tuple[dt.date, dt.date]], today: dt.date) -> dt.date | None:
    """SPEC: the earliest expiry among the active subscriptions (starts_on, expires_on);
    if none is active, the latest it had."""
    active = [end for start, end in subs if is_active(start, end, today)]
    if active:
        return min(active)
    return max((end for _, end in subs), default=None)

_PARENT = aliased(Organization, name="parent_org")  # built once; see scope._TREE


class Directory:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    @property
    def sessions(self) -> async_sessionmaker[AsyncSession]:
        """For the directory's companions (services/directory/rankings.py)."""
        return self._sessions

    def _matching(self, scope: Scope, kind: str, filters: Filters,
                  today: dt.date) -> Select[Any]:
        stmt = scope.restrict(select(Organization.id), Organization.id, kind)
        return stmt.where(*F.conditions(kind, filters, today))

    async def _check(self, session: AsyncSession, scope: Scope, kind: str,
                     filters: Filters) -> None:
        scope.require_page(PAGE_OF_KIND[kind])
        # The operator's own organization named as a parent: all of the kind in scope.
        if filters.parent is not None and filters.parent != scope.organization_id:
            await self._visible(session, scope, filters.parent)

    async def _visible(self, session: AsyncSession, scope: Scope, org_id: str) -> Organization:
        stmt = scope.restrict(select(Organization), Organization.id).where(
            Organization.id == org_id)
        org = (await session.execute(stmt)).scalar_one_or_none()
        if org is None or not scope.can_view(PAGE_OF_KIND.get(org.kind, Page.OPERATORS)):
            raise NotFound(org_id)
        return org

    async def search(self, scope: Scope, kind: str, filters: Filters, today: dt.date, *,
                     offset: int = 0, limit: int = 10, want_all: bool = False) -> OrgPage:
        """One page of the organizations of KIND matching FILTERS, and the total; an
        expiry list says for each row (and each of ALL_ITEMS) whether it is renewed."""
        filters = F.effective(filters, today)
        async with self._sessions() as session:
            await self._check(session, scope, kind, filters)
            ids = self._matching(scope, kind, filters, today).subquery()
            order: list[Any] = [Organization.name, Organization.id]
            if filters.expiry is not None:
                order.insert(0, F.first_match_date(filters))
            ordered = select(Organization.id, Organization.name).where(
                Organization.id.in_(select(ids.c.id))).order_by(*order)
            if self._one_pass(session, filters):
                # The page and the total in one pass over the matches (a window count).
                page = (await session.execute(ordered.add_columns(
                    func.count().over().label("total")).offset(offset).limit(limit))).all()
                total = int(page[0].total) if page else -1
            else:
                page = (await session.execute(ordered.offset(offset).limit(limit))).all()
                total = -1
            page_ids = [r.id for r in page]
            if total < 0:
                total = (await session.execute(select(func.count()).select_from(ids))
                         ).scalar_one()
            rows = await self._rows(session, page_ids, today, filters)
            all_items = None
            if want_all:
                all_items = await self._all_items(session, ordered, filters)
        return OrgPage(rows, total, offset, limit, all_items)

    @staticmethod
    async def _all_items(session: AsyncSession, ordered: Select[str, str],
                         filters: Filters) -> list[OrgRef]:
        if filters.expiry is None:
            return [OrgRef(r.id, r.name) for r in (await session.execute(ordered)).all()]
        status = renewals.status(Organization.id, filters.expiry, filters.sku)
        return [OrgRef(r.id, r.name, r.renewal) for r in (await session.execute(
            ordered.add_columns(status.label("renewal")))).all()]

    @staticmethod
    async def _statuses(session: AsyncSession, ids: list[str],
                        filters: Filters) -> dict[str, str]:
        """Renewed / at risk for the organizations of one page of an expiry list."""
        if filters.expiry is None:
            return {}
        status = renewals.status(Organization.id, filters.expiry, filters.sku)
        return dict((await session.execute(select(Organization.id, status).where(
            Organization.id.in_(ids)))).tuples().all())

    @staticmethod
    def _one_pass(session: AsyncSession, filters: Filters) -> bool:
        """Whether to count the matches with the page (a window count) rather than apart.
        Measured at 100k customers: SQLite is faster in one pass for every list, and so is
        PostgreSQL for expiry ranges (the page is sorted by date anyway); for the other
        lists PostgreSQL walks the name index and stops at the page, so it counts apart."""
        return filters.expiry is not None or session.get_bind().dialect.name == "sqlite"

    async def rows_of(self, ids: list[str], today: dt.date,
                      filters: Filters | None = None) -> list[OrgRow]:
        """The rows of organizations the caller already found in scope (the search
        message extension), in the order of IDS; with FILTERS' expiry range, each says
        whether it is renewed or at risk."""
        async with self._sessions() as session:
            return await self._rows(session, ids, today, filters or Filters())

    async def _rows(self, session: AsyncSession, ids: list[str], today: dt.date,
                    filters: Filters) -> list[OrgRow]:
        if not ids:
            return []
        parent = _PARENT
        orgs = {o.id: (o, pname) for o, pname in (await session.execute(
            select(Organization, parent.name).outerjoin(parent, parent.id == Organization.parent_id)
            .where(Organization.id.in_(ids)))).all()}
        subs: dict[str, list[Any]] = {}
        for s in (await session.execute(select(S).where(S.organization_id.in_(ids)))).scalars():
            subs.setdefault(s.organization_id, []).append(s)
        statuses = await self._statuses(session, ids, filters)
        out = []
        for oid in ids:
            org, parent_name = orgs[oid]
            mine = subs.get(oid, [])
            active = [s for s in mine if is_active(s.starts_on, s.expires_on, today)]
            match = None
            if filters.expiry is not None:
                inside = [s.expires_on for s in mine if filters.expiry.start <= s.expires_on
                          <= filters.expiry.end and (not filters.sku or s.sku_code == filters.sku)]
                match = min(inside, default=None)
            out.append(OrgRow(
                id=org.id, name=org.name, kind=org.kind, parent_name=parent_name,
                licenses=sum(s.licenses for s in active),
                expiry=org_expiry([(s.starts_on, s.expires_on) for s in mine], today),
                skus=tuple(sorted({s.sku_code for s in active})), onboarding=org.onboarding,
                lapsed=bool(mine) and all(s.expires_on < today for s in mine),
                match_date=match, renewal=statuses.get(oid), parent_id=org.parent_id,
            ))
        return out

    async def count(self, scope: Scope, kind: str, filters: Filters, today: dt.date) -> Figure:
        """How many organizations match, with a breakdown for the chart: expiries per
        month inside the range, else onboarding status."""
        filters = F.effective(filters, today)
        async with self._sessions() as session:
            await self._check(session, scope, kind, filters)
            ids = self._matching(scope, kind, filters, today).subquery()
            total = (await session.execute(select(func.count()).select_from(ids))).scalar_one()
            if filters.expiry is not None:
                month = func.substr(cast(F.first_match_date(filters), String(10)), 1, 7)
                stmt = select(month, func.count()).select_from(Organization).where(
                    Organization.id.in_(select(ids.c.id))).group_by(month).order_by(month)
            else:
                stmt = select(Organization.onboarding, func.count()).where(
                    Organization.id.in_(select(ids.c.id))).group_by(Organization.onboarding)
            breakdown = [Breakdown(str(label), int(n))
                         for label, n in (await session.execute(stmt)).all() if label]
        return Figure(int(total), breakdown)

    async def license_total(self, scope: Scope, kind: str, filters: Filters,
                            today: dt.date) -> Figure:
        """Active licenses of the matching organizations, with a breakdown per SKU. With a
        SKU or a date range, the seats of the matching subscriptions (SPEC section 1: "how
        many CS-ENT licenses", "how many licenses expire this month")."""
        filters = F.effective(filters, today)
        async with self._sessions() as session:
            await self._check(session, scope, kind, filters)
            ids = self._matching(scope, kind, filters, today)
            seats: list[Any] = [S.organization_id.in_(ids)]
            if filters.expiry is not None:
                seats.append(S.expires_on.between(filters.expiry.start, filters.expiry.end))
            else:
                seats.append(F.active(today))
            if filters.sku:
                seats.append(S.sku_code == filters.sku)
            stmt = select(S.sku_code, func.sum(S.licenses)).where(*seats).group_by(
                S.sku_code).order_by(func.sum(S.licenses).desc())
            rows = (await session.execute(stmt)).all()
        breakdown = [Breakdown(code, int(total)) for code, total in rows]
        return Figure(sum(b.value for b in breakdown), breakdown)

    async def detail(self, scope: Scope, org_id: str, today: dt.date) -> OrgDetail:
        """One organization in scope with its subscriptions; NotFound otherwise."""
        async with self._sessions() as session:
            org = await self._visible(session, scope, org_id)
            parent_name = None
            if org.parent_id:
                parent_name = (await session.execute(select(Organization.name).where(
                    Organization.id == org.parent_id))).scalar_one_or_none()
            rows = (await session.execute(
                select(S, Sku.name).join(Sku, Sku.code == S.sku_code)
                .where(S.organization_id == org.id).order_by(S.expires_on, S.sku_code))).all()
        subs = [SubscriptionView(s.id, s.sku_code, sku_name, s.licenses, s.starts_on,
                                 s.expires_on, is_active(s.starts_on, s.expires_on, today))
                for s, sku_name in rows]
        active = [s for s in subs if s.active]
        return OrgDetail(
            id=org.id, name=org.name, kind=org.kind, parent_name=parent_name,
            domain=org.domain, country=org.country, onboarding=org.onboarding,
            licenses=sum(s.licenses for s in active),
            expiry=org_expiry([(s.starts_on, s.expires_on) for s in subs], today),
            lapsed=bool(subs) and all(s.expires_on < today for s in subs), subscriptions=subs,
        )

    async def org_name(self, scope: Scope, org_id: str) -> str:
        async with self._sessions() as session:
            return (await self._visible(session, scope, org_id)).name

    async def data_as_of(self) -> dt.datetime | None:
        """When the partner network (or anything an answer shows) last changed."""
        async with self._sessions() as session:
            return await data_changed_at(session)

    async def sku_names(self) -> dict[str, str]:
        async with self._sessions() as session:
            return dict((await session.execute(select(Sku.code, Sku.name))).tuples().all())

    async def account_manager(self, scope: Scope) -> AccountManager:
        async with self._sessions() as session:
            org = await session.get(Organization, scope.organization_id)
        assert org is not None
        return AccountManager(org.name, org.account_manager_name, org.account_manager_email)
