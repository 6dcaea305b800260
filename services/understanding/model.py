"""The typed query that understanding produces and the handlers consume."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from services.understanding.ranges import DateRange


class Intent:
    HELP = "help"
    FAQ = "faq"
    OPERATORS = "operators"
    AUDIT = "audit"
    ADD_OPERATOR = "add_operator"
    REMOVE_OPERATOR = "remove_operator"
    CHANGE_ROLE = "change_role"
    SEND_ACTIVATION = "send_activation"
    NOTIFY_SUBSCRIBE = "notify_subscribe"
    NOTIFY_STOP = "notify_stop"
    NOTIFY_SETTINGS = "notify_settings"
    NOTIFY_STATUS = "notify_status"  # this conversation's deliveries: last digest, failures
    LICENCE_REPORT = "licence_report"  # the monthly licence report of a month, on demand
    REPORT_SUBSCRIBE = "report_subscribe"  # post it here on each month's first working day
    REPORT_STOP = "report_stop"
    NOTIFY_SNOOZE = "notify_snooze"  # leave an organization out of this conversation's alerts
    NOTIFY_UNSNOOZE = "notify_unsnooze"
    NOTIFY_SNOOZED = "notify_snoozed"  # what is snoozed in this conversation
    LIST = "list"
    COUNT = "count"
    LICENSE_TOTAL = "license_total"
    ORG_LICENSES = "org_licenses"
    ORG_EXPIRY = "org_expiry"
    ORG_SKUS = "org_skus"
    ORG_DETAILS = "org_details"
    OPERATOR_COUNT = "operator_count"  # how many operators (of a role)
    ORG_ONBOARDING = "org_onboarding"  # one organization's onboarding state
    RANKING = "ranking"  # organizations of a kind sorted by a measure, descending
    BREAKDOWN = "breakdown"  # one group per partner / SKU / country / month, with a value
    UNKNOWN = "unknown"
    CLARIFY = "clarify"  # understood in part: says what it did not understand
    UNSUPPORTED = "unsupported"  # asks for data the Partner App does not hold


ONBOARDING_FILTERS = ("onboarded", "not_onboarded", "invited", "not_invited")
RENEWAL_FILTERS = ("at_risk", "renewed")
# Measures of rankings and breakdowns (SPEC section 1): seats; organizations below (of
# the query's kind); organizations with a subscription expiring (per month).
MEASURES = ("licenses", "organizations", "expiries")
GROUPINGS = ("partner", "distributor", "sku", "country", "month")


@dataclass(frozen=True)
class Filters:
    expiry: DateRange | None = None
    lapsed: bool = False
    sku: str | None = None
    licenses_gt: int | None = None
    licenses_lt: int | None = None
    onboarding: str | None = None  # one of ONBOARDING_FILTERS
    parent: str | None = None  # an organization id the operator may see
    renewal: str | None = None  # one of RENEWAL_FILTERS: expiries at risk / renewed
    booked: bool = False  # has a subscription that has not started yet
    country: str | None = None  # ISO 3166 alpha-2 code
    expired_subscription: bool = False  # at least one subscription already expired

    @classmethod
    def from_data(cls, data: Any) -> Filters:
        """Filters sent back by a card action: validated strictly (ValueError)."""
        if not isinstance(data, dict):
            raise ValueError("filters must be an object")
        expiry = None
        if "from" in data or "to" in data:
            expiry = DateRange(dt.date.fromisoformat(str(data["from"])),
                               dt.date.fromisoformat(str(data["to"])))
        flags: dict[str, bool] = {}
        for key in ("lapsed", "booked", "expired_subscription"):
            flag = data.get(key, False)
            if not isinstance(flag, bool):
                raise ValueError(f"{key} must be a boolean")
            flags[key] = flag
        country = data.get("country")
        if country is not None and (not isinstance(country, str)
                                    or not re.fullmatch(r"[A-Z]{2}", country)):
            raise ValueError("country must be an ISO 3166 code")
        numbers: dict[str, int | None] = {}
        for key in ("licenses_gt", "licenses_lt"):
            value = data.get(key)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                      or not -1 <= value <= 10**9):
                raise ValueError(f"{key} must be a whole number")
            numbers[key] = value
        onboarding = data.get("onboarding")
        if onboarding is not None and onboarding not in ONBOARDING_FILTERS:
            raise ValueError("unknown onboarding filter")
        renewal = data.get("renewal")
        if renewal is not None and renewal not in RENEWAL_FILTERS:
            raise ValueError("unknown renewal filter")
        texts: dict[str, str | None] = {}
        for key in ("sku", "parent"):
            value = data.get(key)
            if value is not None and (not isinstance(value, str) or not 0 < len(value) <= 64):
                raise ValueError(f"{key} must be an id")
            texts[key] = value
        return cls(expiry=expiry, lapsed=flags["lapsed"], booked=flags["booked"],
                   expired_subscription=flags["expired_subscription"],
                   country=country, onboarding=onboarding,
                   licenses_gt=numbers["licenses_gt"], licenses_lt=numbers["licenses_lt"],
                   sku=texts["sku"], parent=texts["parent"], renewal=renewal)

    def to_data(self) -> dict[str, Any]:
        """Plain data for a card action (re-validated when it comes back)."""
        out: dict[str, Any] = {}
        if self.expiry:
            out["from"], out["to"] = self.expiry.start.isoformat(), self.expiry.end.isoformat()
        for key in ("lapsed", "sku", "licenses_gt", "licenses_lt", "onboarding", "parent",
                    "renewal", "booked", "country", "expired_subscription"):
            value = getattr(self, key)
            if value not in (None, False):
                out[key] = value
        return out


@dataclass(frozen=True)
class Query:
    intent: str
    language: str
    today: dt.date
    kind: str | None = None  # the organization kind asked about
    filters: Filters = field(default_factory=Filters)
    subject: str | None = None  # organization id of a one-organization question
    subject_name: str | None = None
    faq: str | None = None
    unknown_name: str | None = None  # a name that matches nothing the operator may see
    text: str = ""
    email: str | None = None  # an e-mail in the question ("add jane@contoso.com ...")
    role: str | None = None  # "reader" / "admin" named in the question
    # words of the question that nothing understood (no element, name or function word)
    unaccounted: tuple[str, ...] = ()
    measure: str | None = None  # one of MEASURES, for a ranking or a breakdown
    group_by: str | None = None  # one of GROUPINGS, for a breakdown
    limit: int | None = None  # how many a ranking shows ("top 10"); None = the default
    suggestions: tuple[str, ...] = ()  # "did you mean" names for a name nothing matched
    days: int | None = None  # how long a command lasts ("snooze X for 14 days"), in days
