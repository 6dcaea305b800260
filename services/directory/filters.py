"""SQL conditions for the question filters (SPEC section 1 derived values)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, select

from services.db.models import Onboarding, Organization, OrgClosure, Subscription
from services.directory import renewals
from services.understanding.model import Filters

S = Subscription


def effective(filters: Filters, today: dt.date) -> Filters:
    """The filters as applied: "at risk" / "renewed" without a range is over the next 90
    days (the card states that range)."""
    if filters.renewal and filters.expiry is None:
        return replace(filters, expiry=renewals.default_range(today))
    return filters


def active(today: dt.date) -> ColumnElement[bool]:
    """Active subscriptions: started and not expired (a renewal booked ahead is not)."""
    return and_(S.starts_on <= today, S.expires_on >= today)


def licenses_of(org_id: Any, today: dt.date, sku: str | None = None) -> Any:
    """Licenses of an organization = the sum over its active subscriptions (of SKU, when
    a question names one: a threshold then compares that SKU's seats)."""
    stmt = select(func.sum(S.licenses)).where(S.organization_id == org_id, active(today))
    if sku:
        stmt = stmt.where(S.sku_code == sku)
    return func.coalesce(stmt.scalar_subquery(), 0)


def expiring_in(filters: Filters) -> Any:
    """Organizations with a subscription (of the SKU, when one is asked) expiring in the
    range: both conditions on the same subscription."""
    assert filters.expiry is not None
    stmt = select(S.organization_id).where(
        S.expires_on.between(filters.expiry.start, filters.expiry.end))
    if filters.sku:
        stmt = stmt.where(S.sku_code == filters.sku)
    return stmt


def first_match_date(filters: Filters) -> Any:
    """The earliest expiry inside the asked range, for sorting and display."""
    assert filters.expiry is not None
    stmt = select(func.min(S.expires_on)).where(
        S.organization_id == Organization.id,
        S.expires_on.between(filters.expiry.start, filters.expiry.end))
    if filters.sku:
        stmt = stmt.where(S.sku_code == filters.sku)
    return stmt.scalar_subquery()


ONBOARDING: dict[str, tuple[str, ...]] = {
    "onboarded": (Onboarding.ONBOARDED,),
    "not_onboarded": (Onboarding.INVITED, Onboarding.NOT_INVITED),
    "invited": (Onboarding.INVITED,),
    "not_invited": (Onboarding.NOT_INVITED,),
}


def conditions(kind: str, filters: Filters, today: dt.date) -> list[ColumnElement[bool]]:
    """FILTERS as SQL conditions on Organization (pass them through `effective` first)."""
    out: list[ColumnElement[bool]] = [Organization.kind == kind]
    if filters.expiry is not None:
        out.append(Organization.id.in_(expiring_in(filters)))
        if filters.renewal == renewals.AT_RISK:
            out.append(renewals.at_risk(Organization.id, filters.expiry, filters.sku))
        elif filters.renewal == renewals.RENEWED:
            out.append(~renewals.at_risk(Organization.id, filters.expiry, filters.sku))
    elif filters.sku:
        out.append(Organization.id.in_(select(S.organization_id).where(
            S.sku_code == filters.sku, active(today))))
    if filters.lapsed:
        # Lapsed: subscriptions, none active or booked, i.e. none that expires today or
        # later (a booked one starts after today and expires no earlier than it starts).
        out.append(exists().where(S.organization_id == Organization.id))
        out.append(~exists().where(S.organization_id == Organization.id,
                                   S.expires_on >= today))
    if filters.booked:  # a renewal booked ahead: a subscription that has not started
        out.append(exists().where(S.organization_id == Organization.id, S.starts_on > today))
    if filters.expired_subscription:  # at least one subscription in the past
        out.append(exists().where(S.organization_id == Organization.id, S.expires_on < today))
    if filters.country:
        out.append(Organization.country == filters.country)
    if filters.licenses_gt is not None:
        out.append(licenses_of(Organization.id, today, filters.sku) > filters.licenses_gt)
    if filters.licenses_lt is not None:
        out.append(licenses_of(Organization.id, today, filters.sku) < filters.licenses_lt)
    if filters.onboarding:
        out.append(Organization.onboarding.in_(ONBOARDING[filters.onboarding]))
    if filters.parent:
        out.append(Organization.id.in_(select(OrgClosure.descendant_id).where(
            OrgClosure.ancestor_id == filters.parent, OrgClosure.descendant_kind == kind,
            OrgClosure.depth > 0)))
    return out
