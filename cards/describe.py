"""Human descriptions of a question's filters, in the user's language."""

from __future__ import annotations

from dataclasses import dataclass

from cards.common import inert
from services.i18n import Messages
from services.understanding.model import Filters
from services.understanding.ranges import FAR_FUTURE


@dataclass(frozen=True)
class Described:
    """Filters plus the display names the card needs (looked up by the handler)."""

    filters: Filters
    sku_name: str | None = None
    parent_name: str | None = None
    country_name: str | None = None  # the country in the reply's language


def describe(d: Described, tr: Messages) -> str:
    f = d.filters
    parts: list[str] = []
    if f.onboarding:
        parts.append(tr(f"filter.onboarding.{f.onboarding}"))
    if f.parent and d.parent_name:
        parts.append(tr("filter.parent", parent=inert(d.parent_name)))
    if f.expiry:
        if f.expiry.end == FAR_FUTURE:
            parts.append(tr("filter.expiry.after", start=tr.date(f.expiry.start)))
        elif f.expiry.start == f.expiry.end:
            parts.append(tr("filter.expiry.day", day=tr.date(f.expiry.start)))
        else:
            parts.append(tr("filter.expiry.range", start=tr.date(f.expiry.start),
                            end=tr.date(f.expiry.end)))
    if f.renewal:
        parts.append(tr(f"filter.renewal.{f.renewal}"))
    if f.lapsed:
        parts.append(tr("filter.lapsed"))
    if f.sku:
        parts.append(tr("filter.sku", sku=inert(d.sku_name or f.sku)))
    if f.country:
        parts.append(tr("filter.country", country=inert(d.country_name or f.country)))
    if f.booked:
        parts.append(tr("filter.booked"))
    if f.expired_subscription:
        parts.append(tr("filter.expired_subscription"))
    if f.licenses_gt is not None:
        parts.append(tr("filter.licenses_gt", n=tr.number(f.licenses_gt)))
    if f.licenses_lt is not None:
        parts.append(tr("filter.licenses_lt", n=tr.number(f.licenses_lt)))
    return ", ".join(parts)
