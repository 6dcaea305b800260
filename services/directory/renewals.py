"""Renewed and at-risk expiries in SQL (SPEC section 1).

A subscription is renewed when `auto_renew` is true, or another subscription of the
same organization and SKU starts on or before the day after its `expires_on` and
expires later. An organization listed for a date range is renewed when every one of
its subscriptions expiring in the range (of the SKU, when one is asked) is renewed,
else at risk."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, Date, case, exists, literal, not_, or_
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql.functions import FunctionElement

from services.db.models import Subscription
from services.understanding.ranges import DateRange

RENEWED, AT_RISK = "renewed", "at_risk"
RENEWAL_STATUSES = (AT_RISK, RENEWED)
# "at risk" / "renewed" without a date range: the next 90 days.
DEFAULT_DAYS = 90


class day_after(FunctionElement[dt.date]):  # noqa: N801 - a SQL function
    """The calendar day after a date column, on SQLite (ISO text) and PostgreSQL."""

    type = Date()
    inherit_cache = True
    name = "day_after"


@compiles(day_after)
def _day_after_default(element: day_after, compiler: Any, **kw: Any) -> str:
    return f"({compiler.process(element.clauses, **kw)} + INTERVAL '1 day')"


@compiles(day_after, "postgresql")
def _day_after_postgresql(element: day_after, compiler: Any, **kw: Any) -> str:
    return f"({compiler.process(element.clauses, **kw)} + 1)"  # date + integer = date


@compiles(day_after, "sqlite")
def _day_after_sqlite(element: day_after, compiler: Any, **kw: Any) -> str:
    return f"date({compiler.process(element.clauses, **kw)}, '+1 day')"


def default_range(today: dt.date) -> DateRange:
    return DateRange(today, today + dt.timedelta(days=DEFAULT_DAYS))


def renewed(sub: Any) -> ColumnElement[bool]:
    """SUB (Subscription or an alias of it) is renewed."""
    successor = aliased(Subscription, name="successor")
    return or_(sub.auto_renew.is_(True), exists().where(
        successor.organization_id == sub.organization_id,
        successor.sku_code == sub.sku_code,
        successor.starts_on <= day_after(sub.expires_on),
        successor.expires_on > sub.expires_on))


def at_risk(org_id: Any, expiry: DateRange, sku: str | None) -> ColumnElement[bool]:
    """ORG_ID has a subscription (of SKU) expiring in EXPIRY that is not renewed; its
    negation, for an organization that expires in EXPIRY, is "renewed"."""
    sub = aliased(Subscription, name="expiring")
    where = [sub.organization_id == org_id, sub.expires_on.between(expiry.start, expiry.end)]
    if sku:
        where.append(sub.sku_code == sku)
    return exists().where(*where, not_(renewed(sub)))


def status(org_id: Any, expiry: DateRange, sku: str | None) -> Any:
    """'at_risk' or 'renewed' for an organization listed because it expires in EXPIRY."""
    return case((at_risk(org_id, expiry, sku), literal(AT_RISK)), else_=literal(RENEWED))
