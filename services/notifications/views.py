"""What the notification service gives back: plain dataclasses."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

DEFAULT_LEAD_DAYS = (30, 7, 1)


class NotificationError(Exception):
    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(code)


@dataclass(frozen=True)
class SubscriptionView:
    id: int
    kind: str  # channel / personal
    conversation_id: str
    organization_id: str
    organization_name: str
    lead_days: tuple[int, ...]
    language: str
    notify_time: str | None  # HH:MM (NOTIFY_AT unless its own)
    active: bool
    created_by: str | None
    deactivated_reason: str | None
    created_by_id: int | None = None
    at_risk_only: bool = False
    notify_tz: str | None = None  # the zone of notify_time (NOTIFY_TZ unless its own)
    quiet_days: tuple[int, ...] = (6, 7)  # ISO weekdays without digests
    last_digest_on: dt.date | None = None  # the local day of its last pass
    digests: bool = True  # expiry digests (and licence alerts)
    monthly_report: bool = False  # the monthly licence report, on the first working day
    last_report_month: str | None = None  # YYYY-MM: the local month of its last report


@dataclass(frozen=True)
class DigestItem:
    organization_id: str
    organization_name: str
    onboarding: str
    subscription_id: str
    sku_name: str
    licenses: int
    expires_on: dt.date
    days_left: int
    lead_days: int
    renewed: bool = False  # services/directory/renewals.py: auto_renew or a booked successor
    parent_name: str | None = None  # the partner (shown to distributors and the provider)


@dataclass(frozen=True)
class Digest:
    """One subscription's card for one pass."""

    organization_name: str
    today: dt.date
    items: tuple[DigestItem, ...]  # the at-risk ones (all when unknown), by expiry date
    upcoming: tuple[tuple[dt.date, int], ...]  # expiries per week, next 90 days
    horizon_days: int
    renewed: tuple[DigestItem, ...] = ()  # due at a lead time too, but renewed: one line
    renewed_since: tuple[DigestItem, ...] = ()  # announced at risk before, renewed since
    show_parent: bool = False  # the viewer sees several levels: name each row's partner
    at_risk_only: bool = False


@dataclass(frozen=True)
class SnoozeView:
    organization_id: str
    organization_name: str
    until: dt.date  # back in this conversation's digests and alerts on this day


@dataclass(frozen=True)
class LicenseChange:
    """A licence count the system of record changed by more than the alert threshold."""

    organization_id: str
    subscription_id: str
    sku_code: str
    before: int
    after: int
    organization_name: str = ""
    sku_name: str = ""


@dataclass(frozen=True)
class PassResult:
    ran: bool  # False: another instance holds the pass
    subscriptions: int = 0
    digests: int = 0
    items: int = 0
    reports: int = 0  # monthly licence reports queued


@dataclass(frozen=True)
class DrainResult:
    sent: int = 0
    retried: int = 0
    dead: int = 0
    deactivated: int = 0


@dataclass(frozen=True)
class OutboxStatus:
    pending: int
    sent: int
    dead: int
    cancelled: int
    dead_letters: tuple[tuple[int, str, str | None, int], ...]  # id, conversation, error, tries
    active_subscriptions: int
    inactive_subscriptions: int


@dataclass(frozen=True)
class ReownedNotice:
    """Told to an organization's admins once: channel notifications set up by someone who
    is no longer one of its admins now belong to the organization itself."""

    organization_name: str
    former_owner: str  # e-mail of the operator who set them up
    reason: str  # operator_removed / operator_pending / operator_not_admin / operator_moved
    conversations: int  # how many channel subscriptions changed hands


@dataclass(frozen=True)
class OwnersSettled:
    ended: int = 0  # personal subscriptions ended with their operator
    reowned: int = 0  # channel subscriptions now the organization's
    told: int = 0  # notices queued for the organization's admins
    cancelled: int = 0  # queued messages that will not be sent
