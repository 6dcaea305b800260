"""Rankings and breakdowns (SPEC section 1), aggregated in SQL through the caller's Scope.

A ranking is every organization of a kind in scope sorted by a measure, descending,
zeros included, ties in name order ignoring case and accents, cut to N. A breakdown is
one group per partner / distributor / SKU / country / month in scope with its value;
a group with nothing in it is not listed (SPEC section 5's examples list only groups
with a value). Measures: "licenses" = the seats of active subscriptions (of the SKU,
when the question names one); a partner's or distributor's licenses are its
customers'. "organizations" = how many organizations of the query's kind (customers
by default) are below a partner or in a group; "expiries" = customers with a
subscription expiring in a month. The question's filters choose the customers that
are counted or summed (for a customer ranking: the customers ranked)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import ColumnElement, Select, String, and_, cast, distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from services.db.collation import fold_name, name_key
from services.db.models import Organization, OrgClosure, OrgKind, Sku, Subscription
from services.directory import filters as F
from services.directory.queries import Directory
from services.scope import PAGE_OF_KIND, Page, Scope
from services.understanding.model import Filters
from services.understanding.ranges import DateRange

S = Subscription
Stmt = Select[*tuple[Any, ...]]  # a statement of any columns
DEFAULT_LIMIT = 5
MAX_LIMIT = 50  # "top 1000 customers" is a list, not a ranking card
_GROUP_TREE = aliased(OrgClosure, name="group_tree")  # group -> member (not the scope's)
_GROUP_ORG = aliased(Organization, name="group_org")
_PARENT = aliased(Organization, name="ranked_parent")


@dataclass(frozen=True)
class RankItem:
    id: str
    name: str
    value: int
    parent_name: str | None = None
    parent_id: str | None = None


@dataclass(frozen=True)
class Ranking:
    kind: str  # the kind ranked
    measure: str  # "licenses" or "organizations" (customers below)
    items: list[RankItem]  # in rank order
    ranked: int  # how many organizations of that kind were ranked (in scope)


@dataclass(frozen=True)
class Group:
    id: str  # organization id, SKU code, ISO country code or YYYY-MM
    name: str  # organization or SKU name; the country code or month for the card to name
    value: int


@dataclass(frozen=True)
class BreakdownResult:
    kind: str  # the kind counted ("customer" for licenses and expiries)
    measure: str
    group_by: str
    groups: list[Group]
    months: DateRange | None = None  # "per month": the months looked at


def tie_key(name: str, org_id: str) -> tuple[str, str]:
    return fold_name(name), org_id


# -- SQL pieces --------------------------------------------------------------------------

def _seats(today: dt.date, filters: Filters) -> list[ColumnElement[bool]]:
    """Subscriptions whose seats count: active ones, of the SKU when one is named."""
    out = [F.active(today)]
    if filters.sku:
        out.append(S.sku_code == filters.sku)
    return out


def month_window(today: dt.date, filters: Filters) -> DateRange:
    """"Per month": the current month and the 11 after it (or the months of the range
    the question names)."""
    if filters.expiry is not None:
        return filters.expiry
    year, month = today.year + (today.month + 10) // 12, (today.month + 10) % 12 + 1
    last = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    return DateRange(today.replace(day=1), last)


def _month_of(column: Any) -> Any:
    return func.substr(cast(column, String(10)), 1, 7)


def _filtered(filters: Filters) -> bool:
    """Whether FILTERS keep fewer customers than all of them."""
    return filters != Filters()


class Rankings:
    """Rankings and breakdowns over the partner network, read through the Scope: each
    statement starts from the organizations the scope keeps (scope.restrict) and joins
    what it adds up, so a small scope reads little and a large one is one hash join."""

    def __init__(self, directory: Directory) -> None:
        self._sessions = directory.sessions
        self._directory = directory

    async def _check(self, session: AsyncSession, scope: Scope, kind: str,
                     filters: Filters) -> None:
        await self._directory._check(session, scope, kind, filters)

    @staticmethod
    def _customers_below(tree: Any, filters: Filters, today: dt.date) -> list[Any]:
        """Join conditions: TREE's descendant is a customer below its ancestor (one the
        scope kept, so the customer is in scope too) that the question's filters keep."""
        out = [tree.descendant_kind == OrgKind.CUSTOMER, tree.depth > 0]
        if _filtered(filters):
            out.append(tree.descendant_id.in_(select(Organization.id).where(
                *F.conditions(OrgKind.CUSTOMER, filters, today))))
        return out

    # -- rankings ---------------------------------------------------------------------

    def _ranked(self, scope: Scope, kind: str, measure: str, filters: Filters,
                today: dt.date) -> tuple[Stmt, Any]:
        """(id, name, value) of every organization of KIND in scope, and the value."""
        if kind == OrgKind.CUSTOMER:
            value: Any = func.coalesce(func.sum(S.licenses), 0)
            stmt = scope.restrict(select(Organization.id, Organization.name,
                                         value.label("value")), Organization.id, kind)
            stmt = stmt.outerjoin(S, and_(S.organization_id == Organization.id,
                                          *_seats(today, filters))).where(
                *F.conditions(kind, filters, today))
            return stmt.group_by(Organization.id, Organization.name), value
        tree = _GROUP_TREE
        value = func.coalesce(func.sum(S.licenses), 0) if measure == "licenses" \
            else func.count(distinct(tree.descendant_id))
        stmt = scope.restrict(select(Organization.id, Organization.name, value.label("value")),
                              Organization.id, kind).where(Organization.kind == kind)
        stmt = stmt.outerjoin(tree, and_(tree.ancestor_id == Organization.id,
                                         *self._customers_below(tree, filters, today)))
        if measure == "licenses":
            stmt = stmt.outerjoin(S, and_(S.organization_id == tree.descendant_id,
                                          *_seats(today, filters)))
        return stmt.group_by(Organization.id, Organization.name), value

    async def ranking(self, scope: Scope, kind: str, measure: str, filters: Filters,
                      today: dt.date, limit: int | None = None) -> Ranking:
        """The LIMIT first organizations of KIND in scope by MEASURE, descending."""
        if kind == OrgKind.CUSTOMER or measure not in ("licenses", "organizations"):
            measure = "licenses" if kind == OrgKind.CUSTOMER else "organizations"
        n = max(1, min(limit or DEFAULT_LIMIT, MAX_LIMIT))
        filters = F.effective(filters, today)
        async with self._sessions() as session:
            await self._check(session, scope, kind, filters)
            if kind != OrgKind.CUSTOMER:
                scope.require_page(Page.CUSTOMERS)  # what is counted is customers
            base, value = self._ranked(scope, kind, measure, filters, today)
            # By value first; the names tied at the cut (the N-th value shared by the
            # next one) are then ordered ignoring case and accents, in SQL too.
            first = (await session.execute(base.add_columns(
                func.count().over().label("total")).order_by(value.desc()).limit(n + 1))
                     ).all()
            total = int(first[0].total) if first else 0
            rows = first[:n]
            if len(first) > n and first[n].value == first[n - 1].value:
                cut = first[n - 1].value
                above = [r for r in rows if r.value > cut]
                rows = above + list((await session.execute(base.having(value == cut).order_by(
                    name_key(Organization.name), Organization.id).limit(n - len(above)))
                ).all())
            ids = [r.id for r in rows]
            parents = {oid: (pid, pname) for oid, pid, pname in (await session.execute(
                select(Organization.id, _PARENT.id, _PARENT.name).join(
                    _PARENT, _PARENT.id == Organization.parent_id).where(
                    Organization.id.in_(ids)))).tuples().all()} if ids else {}
        none: tuple[str | None, str | None] = (None, None)
        items = sorted((RankItem(r.id, r.name, int(r.value), parent_id=parents.get(r.id, none)[0],
                                 parent_name=parents.get(r.id, none)[1]) for r in rows),
                       key=lambda i: (-i.value, *tie_key(i.name, i.id)))
        return Ranking(kind, measure, items[:n], total)

    # -- breakdowns -------------------------------------------------------------------

    async def breakdown(self, scope: Scope, kind: str | None, measure: str, group_by: str,
                        filters: Filters, today: dt.date) -> BreakdownResult:
        """One group per GROUP_BY in scope with its MEASURE (groups without any left out)."""
        counted = str(kind or OrgKind.CUSTOMER)
        if measure != "organizations" or counted == group_by:
            counted = str(OrgKind.CUSTOMER)
        months = month_window(today, filters) if group_by == "month" else None
        if months is not None and filters.expiry is None:
            # Per month: customers with a subscription expiring in the window.
            filters = replace(filters, expiry=months)
        filters = F.effective(filters, today)
        async with self._sessions() as session:
            await self._check(session, scope, counted, filters)
            if group_by in (OrgKind.PARTNER, OrgKind.DISTRIBUTOR):
                scope.require_page(PAGE_OF_KIND[group_by])
            stmt = self._grouped(scope, counted, measure, group_by, filters, today)
            rows = (await session.execute(stmt)).all()
        groups = [Group(str(r.id), str(r.name), int(r.value)) for r in rows
                  if r.id is not None and r.value]
        if group_by == "month":
            groups.sort(key=lambda g: g.id)
        else:
            groups.sort(key=lambda g: (-g.value, *tie_key(g.name, g.id)))
        return BreakdownResult(counted, measure, group_by, groups, months)

    def _grouped(self, scope: Scope, counted: str, measure: str, group_by: str,
                 filters: Filters, today: dt.date) -> Stmt:
        licenses = measure == "licenses"
        seats = func.sum(S.licenses).label("value")
        if group_by in (OrgKind.PARTNER, OrgKind.DISTRIBUTOR):
            # From the groups the scope keeps, down the tree to what they hold.
            tree, group = _GROUP_TREE, _GROUP_ORG
            value = seats if licenses else func.count(distinct(tree.descendant_id)).label(
                "value")
            stmt = scope.restrict(select(group.id.label("id"), group.name.label("name"),
                                         value), group.id, group_by)
            if counted == OrgKind.CUSTOMER:
                below = self._customers_below(tree, filters, today)
            else:
                below = [tree.descendant_kind == counted, tree.depth > 0,
                         tree.descendant_id.in_(select(Organization.id).where(
                             *F.conditions(counted, filters, today)))]
            stmt = stmt.join(tree, and_(tree.ancestor_id == group.id, *below))
            if licenses:
                stmt = stmt.join(S, and_(S.organization_id == tree.descendant_id,
                                         *_seats(today, filters)))
            return stmt.where(group.kind == group_by).group_by(group.id, group.name)
        # From the organizations the scope keeps (with the filters), to their groups.
        members = scope.restrict(select(Organization.id), Organization.id, counted).where(
            *F.conditions(counted, filters, today)).subquery()
        if group_by == "sku":
            value = seats if licenses else func.count(distinct(S.organization_id)).label(
                "value")
            return select(S.sku_code.label("id"), Sku.name.label("name"), value).join(
                members, members.c.id == S.organization_id).join(
                Sku, Sku.code == S.sku_code).where(*_seats(today, filters)).group_by(
                S.sku_code, Sku.name)
        if group_by == "country":
            country = Organization.country
            by_country: Stmt = select(country.label("id"), country.label("name"),
                          seats if licenses else func.count().label("value")).join(
                members, members.c.id == Organization.id)
            if licenses:
                by_country = by_country.join(S, and_(S.organization_id == Organization.id,
                                                     *_seats(today, filters)))
            return by_country.group_by(country)
        # per month: organizations with a subscription (of the SKU) expiring in each month,
        # or the seats of the subscriptions expiring then
        assert filters.expiry is not None
        month = _month_of(S.expires_on)
        where: list[ColumnElement[bool]] = [
            S.expires_on.between(filters.expiry.start, filters.expiry.end)]
        if filters.sku:
            where.append(S.sku_code == filters.sku)
        value = seats if licenses else func.count(distinct(S.organization_id)).label("value")
        return select(month.label("id"), month.label("name"), value).join(
            members, members.c.id == S.organization_id).where(*where).group_by(month)
