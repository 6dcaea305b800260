"""What directory queries return: plain dataclasses for cards and answers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class OrgRef:
    id: str
    name: str
    renewal: str | None = None  # in an expiry list: "renewed" or "at_risk"


@dataclass(frozen=True)
class OrgRow:
    id: str
    name: str
    kind: str
    parent_name: str | None
    licenses: int
    expiry: dt.date | None  # SPEC: earliest active expiry, else the latest one
    skus: tuple[str, ...]
    onboarding: str
    lapsed: bool = False
    match_date: dt.date | None = None  # the expiry inside the asked range, if any
    renewal: str | None = None  # in an expiry list: "renewed" or "at_risk" (SPEC section 1)
    parent_id: str | None = None


@dataclass(frozen=True)
class OrgPage:
    rows: list[OrgRow]
    total: int
    offset: int
    limit: int
    all_items: list[OrgRef] | None = None  # the whole result, when asked for


@dataclass(frozen=True)
class SubscriptionView:
    id: str
    sku: str
    sku_name: str
    licenses: int
    starts_on: dt.date
    expires_on: dt.date
    active: bool


@dataclass(frozen=True)
class OrgDetail:
    id: str
    name: str
    kind: str
    parent_name: str | None
    domain: str | None
    country: str | None
    onboarding: str
    licenses: int
    expiry: dt.date | None
    lapsed: bool
    subscriptions: list[SubscriptionView] = field(default_factory=list)

    @property
    def active_skus(self) -> list[OrgRef]:
        seen: dict[str, str] = {}
        for s in self.subscriptions:
            if s.active:
                seen.setdefault(s.sku, s.sku_name)
        return [OrgRef(code, name) for code, name in sorted(seen.items())]


@dataclass(frozen=True)
class Breakdown:
    label: str  # a month (YYYY-MM), a SKU code or an onboarding status
    value: int


@dataclass(frozen=True)
class Figure:
    value: int
    breakdown: list[Breakdown] = field(default_factory=list)


@dataclass(frozen=True)
class AccountManager:
    organization: str
    name: str | None
    email: str | None
