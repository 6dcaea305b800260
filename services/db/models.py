"""SQLAlchemy 2.0 models for every entity of the Partner App (SPEC section 1).

The same models run on SQLite (aiosqlite) and PostgreSQL (asyncpg).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.clock import utc_now

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class OrgKind(StrEnum):
    PROVIDER = "provider"
    DISTRIBUTOR = "distributor"
    PARTNER = "partner"
    CUSTOMER = "customer"


class Onboarding(StrEnum):
    ONBOARDED = "onboarded"
    INVITED = "invited"
    NOT_INVITED = "not_invited"


class BillingCycle(StrEnum):
    MONTHLY = "monthly"
    ANNUAL = "annual"
    TRIENNIAL = "triennial"


class Role(StrEnum):
    READER = "reader"
    ADMIN = "admin"


class OperatorStatus(StrEnum):
    ACTIVE = "active"
    PENDING = "pending"
    REMOVED = "removed"


class RequestStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


TS = DateTime(timezone=True)


class Organization(Base):
    __tablename__ = "organizations"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16), index=True)
    parent_id: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("organizations.id"), index=True
    )
    domain: Mapped[str | None] = mapped_column(String(255))
    country: Mapped[str | None] = mapped_column(String(2))
    onboarding: Mapped[str] = mapped_column(String(16), default=Onboarding.NOT_INVITED)
    tenant_id: Mapped[str | None] = mapped_column(String(36))
    account_manager_name: Mapped[str | None] = mapped_column(String(200))
    account_manager_email: Mapped[str | None] = mapped_column(String(320))
    # Every operator addition needs an admin's approval, even an admin's own.
    require_approval: Mapped[bool] = mapped_column(Boolean, default=False,
                                                   server_default="0")
    updated_at: Mapped[dt.datetime] = mapped_column(TS, default=utc_now, onupdate=utc_now)

    __table_args__ = (
        CheckConstraint(
            "kind in ('provider','distributor','partner','customer')", name="kind"
        ),
        CheckConstraint(
            "onboarding in ('onboarded','invited','not_invited')", name="onboarding"
        ),
        Index("ix_organizations_parent_kind", "parent_id", "kind"),
    )


class OrgClosure(Base):
    """Ancestor/descendant pairs of the organization tree (depth 0 = itself).

    The scope component filters every query with it, in SQL and by index."""

    __tablename__ = "org_closure"

    ancestor_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    descendant_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    depth: Mapped[int] = mapped_column(Integer)
    # The descendant's kind, so "customers below X" is one index range.
    descendant_kind: Mapped[str] = mapped_column(String(16))

    __table_args__ = (
        Index("ix_org_closure_descendant", "descendant_id"),
        Index("ix_org_closure_ancestor_kind", "ancestor_id", "descendant_kind", "depth",
              "descendant_id"),
    )


class Sku(Base):
    __tablename__ = "skus"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))


class Subscription(Base):
    __tablename__ = "subscriptions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    organization_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("organizations.id"), index=True
    )
    sku_code: Mapped[str] = mapped_column(String(32), ForeignKey("skus.code"), index=True)
    licenses: Mapped[int] = mapped_column(Integer)
    starts_on: Mapped[dt.date] = mapped_column(Date)
    expires_on: Mapped[dt.date] = mapped_column(Date, index=True)
    auto_renew: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    billing_cycle: Mapped[str | None] = mapped_column(String(16))  # BillingCycle or none

    __table_args__ = (
        CheckConstraint("licenses >= 0", name="licenses_non_negative"),
        CheckConstraint("billing_cycle in ('monthly','annual','triennial')",
                        name="billing_cycle"),
        Index("ix_subscriptions_org_expires", "organization_id", "expires_on"),
    )


class Operator(Base):
    __tablename__ = "operators"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    organization_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("organizations.id"), index=True
    )
    role: Mapped[str] = mapped_column(String(16), default=Role.READER)
    aad_object_id: Mapped[str | None] = mapped_column(String(36), unique=True)
    tenant_id: Mapped[str | None] = mapped_column(String(36))
    status: Mapped[str] = mapped_column(String(16), default=OperatorStatus.ACTIVE)
    added_by: Mapped[str | None] = mapped_column(String(320))
    created_at: Mapped[dt.datetime] = mapped_column(TS, default=utc_now)
    last_seen_at: Mapped[dt.datetime | None] = mapped_column(TS)

    __table_args__ = (
        CheckConstraint("role in ('reader','admin')", name="role"),
        CheckConstraint("status in ('active','pending','removed')", name="status"),
    )


class OperatorRequest(Base):
    """A reader's request to add, change or remove an operator, decided by an admin."""

    __tablename__ = "operator_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    action: Mapped[str] = mapped_column(String(16), default="add")
    organization_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("organizations.id"), index=True
    )
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("operators.id"))
    email: Mapped[str] = mapped_column(String(320))
    name: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16), default=Role.READER)
    status: Mapped[str] = mapped_column(String(16), default=RequestStatus.PENDING, index=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("operators.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(TS)
    created_at: Mapped[dt.datetime] = mapped_column(TS, default=utc_now)
    # Where to tell the requester, and every copy of the approval card to update.
    requester_conversation: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    card_refs: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)

    __table_args__ = (
        CheckConstraint(
            "status in ('pending','approved','rejected','cancelled')", name="status"
        ),
    )


class ActivationLink(Base):
    """A single-use onboarding link; only the SHA-256 of its token is stored."""

    __tablename__ = "activation_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    organization_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("organizations.id"), index=True
    )
    recipient_email: Mapped[str] = mapped_column(String(320))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    language: Mapped[str] = mapped_column(String(5), default="en")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("operators.id"))
    created_at: Mapped[dt.datetime] = mapped_column(TS, default=utc_now)
    expires_at: Mapped[dt.datetime] = mapped_column(TS)
    used_at: Mapped[dt.datetime | None] = mapped_column(TS)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(TS)
    opened_at: Mapped[dt.datetime | None] = mapped_column(TS)
    # The tenant that granted consent (set with used_at).
    tenant_id: Mapped[str | None] = mapped_column(String(36))
    # Where the sender asked (a Teams conversation reference), to tell them when the
    # customer completes onboarding.
    sender_conversation: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # A consent proven for a tenant that is not the tenant of the organization's domain
    # (None: the domain's tenant is unknown): not onboarded until the sender confirms.
    pending_tenant_id: Mapped[str | None] = mapped_column(String(36))
    pending_domain_tenant_id: Mapped[str | None] = mapped_column(String(36))
    pending_at: Mapped[dt.datetime | None] = mapped_column(TS)

    __table_args__ = (
        Index("ix_activation_links_creator_created", "created_by_id", "created_at"),
    )


class ChannelSubscription(Base):
    """A Teams conversation that receives expiry digests for an organization scope."""

    __tablename__ = "channel_subscriptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(String(512), index=True)
    conversation_reference: Mapped[dict[str, Any]] = mapped_column(JSON)
    service_url: Mapped[str] = mapped_column(String(512))
    tenant_id: Mapped[str | None] = mapped_column(String(36))
    organization_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("organizations.id"), index=True
    )
    lead_days: Mapped[list[int]] = mapped_column(JSON, default=lambda: [30, 7, 1])
    language: Mapped[str] = mapped_column(String(5), default="en")
    notify_time: Mapped[str | None] = mapped_column(String(5))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("operators.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(TS, default=utc_now)
    # personal: an operator's own chat ("notify me"); channel: a team channel or group chat
    kind: Mapped[str] = mapped_column(String(16), default="channel", server_default="channel")
    team_id: Mapped[str | None] = mapped_column(String(512), index=True)
    deactivated_at: Mapped[dt.datetime | None] = mapped_column(TS)
    deactivated_reason: Mapped[str | None] = mapped_column(String(64))
    # "at risk only": renewed expiries are left out of this subscription's digests
    at_risk_only: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # notify_time (HH:MM, else NOTIFY_AT) is read in this IANA zone (else NOTIFY_TZ)
    notify_tz: Mapped[str | None] = mapped_column(String(64))
    # ISO weekdays without digests, comma-separated ("6,7": weekends; "": none)
    quiet_days: Mapped[str] = mapped_column(String(16), default="6,7", server_default="6,7")
    # the subscription's local day of its last pass: one digest per local day
    last_digest_on: Mapped[dt.date | None] = mapped_column(Date)
    # what the conversation gets: expiry digests, the monthly licence report, or both
    digests: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    monthly_report: Mapped[bool] = mapped_column(Boolean, default=False,
                                                 server_default="0")
    # the local month (YYYY-MM) of its last monthly report: one report per month
    last_report_month: Mapped[str | None] = mapped_column(String(7))


class NotificationSent(Base):
    """Each (channel subscription, licence subscription, lead time) is notified once per
    term: a renewal (a new expiry date) is announced again at its own lead times."""

    __tablename__ = "notifications_sent"

    channel_subscription_id: Mapped[int] = mapped_column(
        ForeignKey("channel_subscriptions.id", ondelete="CASCADE"), primary_key=True)
    subscription_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    lead_days: Mapped[int] = mapped_column(Integer, primary_key=True)
    expires_on: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    outbox_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(TS, default=utc_now)
    # announced as at risk; renewed_told: "renewed since the last notice" was said (once)
    at_risk: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    renewed_told: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")


class NotificationSnooze(Base):
    """An organization left out of one conversation's digests and alerts until a day."""

    __tablename__ = "notification_snoozes"
    __table_args__ = (UniqueConstraint("conversation_id", "organization_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(String(512), index=True)
    organization_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("organizations.id", ondelete="CASCADE"))
    until: Mapped[dt.date] = mapped_column(Date)  # back in digests on this day
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("operators.id"))
    created_at: Mapped[dt.datetime] = mapped_column(TS, default=utc_now)


class OutboxMessage(Base):
    """A proactive message to send. Written with what caused it, in one transaction;
    senders claim rows, send, and mark them; a crash leaves the row to be claimed again."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    channel_subscription_id: Mapped[int | None] = mapped_column(
        ForeignKey("channel_subscriptions.id", ondelete="SET NULL"), index=True)
    conversation_id: Mapped[str] = mapped_column(String(512))
    tenant_id: Mapped[str | None] = mapped_column(String(36))
    reference: Mapped[dict[str, Any]] = mapped_column(JSON)
    activity: Mapped[dict[str, Any]] = mapped_column(JSON)
    kind: Mapped[str] = mapped_column(String(16), default="digest")
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(TS, default=utc_now)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[dt.datetime | None] = mapped_column(TS)
    last_error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(TS, default=utc_now)
    sent_at: Mapped[dt.datetime | None] = mapped_column(TS)
    activity_id: Mapped[str | None] = mapped_column(String(256))

    __table_args__ = (
        CheckConstraint("status in ('pending','sent','dead','cancelled')", name="status"),
        Index("ix_outbox_due", "status", "next_attempt_at"),
    )


class TeamInstallation(Base):
    """A team the app is installed in (its General channel's reference), from Teams'
    installation events; removing the app marks it removed."""

    __tablename__ = "team_installations"

    team_id: Mapped[str] = mapped_column(String(512), primary_key=True)
    reference: Mapped[dict[str, Any]] = mapped_column(JSON)
    tenant_id: Mapped[str | None] = mapped_column(String(36))
    installed_at: Mapped[dt.datetime] = mapped_column(TS, default=utc_now)
    removed_at: Mapped[dt.datetime | None] = mapped_column(TS)


class FeedRequest(Base):
    """The first response to a feed request with an Idempotency-Key: a retry gets it back
    instead of applying the document again."""

    __tablename__ = "feed_requests"

    caller: Mapped[str] = mapped_column(String(128), primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(128), primary_key=True)
    status: Mapped[int] = mapped_column(Integer)
    response: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(TS, default=utc_now, index=True)


class FeedSignature(Base):
    """An HMAC signature the feed has accepted (its SHA-256), while its timestamp can
    still pass: the same signature again is a replay, on whichever instance it arrives."""

    __tablename__ = "feed_signatures"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    seen_at: Mapped[dt.datetime] = mapped_column(TS, index=True)


class Lease(Base):
    """A named lease so scheduled work runs on one instance at a time."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(128), primary_key=True)
    holder: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[dt.datetime] = mapped_column(TS)


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    actor: Mapped[str] = mapped_column(String(320))
    organization_id: Mapped[str | None] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    target: Mapped[str | None] = mapped_column(String(320))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    correlation_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(TS, default=utc_now, index=True)


class OperatorConversation(Base):
    """The operator's personal chat with the bot, to reach them proactively
    (approval cards, decisions)."""

    __tablename__ = "operator_conversations"

    operator_id: Mapped[int] = mapped_column(
        ForeignKey("operators.id", ondelete="CASCADE"), primary_key=True)
    reference: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[dt.datetime] = mapped_column(TS, default=utc_now, onupdate=utc_now)


class ProcessedActivity(Base):
    """Activities already handled, so a retry from Teams (same id, same conversation) is
    processed once, whichever instance receives it."""

    __tablename__ = "processed_activities"

    conversation_id: Mapped[str] = mapped_column(String(512), primary_key=True)
    activity_id: Mapped[str] = mapped_column(String(256), primary_key=True)
    received_at: Mapped[dt.datetime] = mapped_column(TS, default=utc_now, index=True)


class AppMeta(Base):
    """Small process-wide facts, e.g. the network version that caches key on."""

    __tablename__ = "app_meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


class BotStateRecord(Base):
    """Bot Framework state (dialogs, conversation state), shared by all instances."""

    __tablename__ = "bot_state"

    key: Mapped[str] = mapped_column(String(1024), primary_key=True)
    etag: Mapped[str] = mapped_column(String(64))
    data: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(
        TS, default=utc_now, onupdate=utc_now, server_default=func.now()
    )


class ExportLink(Base):
    """A single-use CSV export link (`/export/<token>`): only the SHA-256 of its token is
    stored, with the operator and the question (never the data: it runs again)."""

    __tablename__ = "export_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    operator_id: Mapped[int] = mapped_column(
        ForeignKey("operators.id", ondelete="CASCADE"), index=True)
    question: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(TS, default=utc_now)
    expires_at: Mapped[dt.datetime] = mapped_column(TS, index=True)
    used_at: Mapped[dt.datetime | None] = mapped_column(TS)


__all__ = [
    "ActivationLink",
    "AppMeta",
    "AuditEvent",
    "Base",
    "BotStateRecord",
    "ChannelSubscription",
    "ExportLink",
    "Onboarding",
    "Operator",
    "OperatorRequest",
    "OperatorStatus",
    "OrgClosure",
    "OperatorConversation",
    "OrgKind",
    "ProcessedActivity",
    "Organization",
    "RequestStatus",
    "Role",
    "Sku",
    "Subscription",
]
