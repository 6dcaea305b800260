"""Proactive expiry notifications (SPEC section 3): subscriptions of Teams conversations,
and the pass that writes each subscription's digest into the outbox.

A subscription carries the organization scope of the admin who made it; its digests
show only organizations in that scope, through the scope component. Each (subscription,
licence subscription, lead time, expiry date) is notified once: the pass records it in
`notifications_sent` in the same transaction as the outbox message. A missed day is
caught up: an item is due at the smallest lead time not below its days left.

Subscriptions follow their operators (services/notifications/owners.py): every pass and
licence alert first ends the personal subscriptions of operators who left and re-owns by
the organization the channel ones whose creator is no longer an admin there."""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import aliased

from services.batches import CHUNK
from services.clock import utc_now
from services.db.models import (
    AuditEvent,
    ChannelSubscription,
    NotificationSent,
    Operator,
    Organization,
    OrgClosure,
    OutboxMessage,
    Sku,
    Subscription,
    TeamInstallation,
)
from services.directory.renewals import renewed
from services.notifications.leases import Leases
from services.notifications.monthly import RenderReport, queue_reports
from services.notifications.owners import RenderReowned, SubscriptionOwners, notice_message
from services.notifications.schedule import (
    DEFAULT_QUIET,
    due_day,
    month_key,
    quiet_set,
    real_zone,
    report_due,
)
from services.notifications.snoozes import Snoozes, snoozed_in
from services.notifications.status import DeliveryStatus, deliveries
from services.notifications.views import (
    DEFAULT_LEAD_DAYS,
    Digest,
    DigestItem,
    LicenseChange,
    NotificationError,
    PassResult,
    SnoozeView,
    SubscriptionView,
)
from services.scope import Right, Scope

logger = logging.getLogger(__name__)

# (digest, language) -> the Bot Framework activity to post (a card), built by the caller
Render = Callable[[Digest, str], dict[str, Any]]
# (licence change, language) -> the activity telling a channel about it
RenderChange = Callable[[LicenseChange, str], dict[str, Any]]
PASS_LEASE = "notifications.pass"
MAX_ITEMS = 500  # per digest; the card shows the first ones and links to the full list


def clean_leads(leads: Iterable[int] | None) -> tuple[int, ...]:
    values = sorted({int(d) for d in (leads or DEFAULT_LEAD_DAYS) if 0 < int(d) <= 365},
                    reverse=True)
    if not values or len(values) > 6:
        raise NotificationError("bad_lead_days")
    return tuple(values)


def _valid_time(value: str) -> bool:
    hour, _, minute = value.partition(":")
    return (len(value) == 5 and hour.isdigit() and minute.isdigit() and int(hour) < 24
            and int(minute) < 60)


def due_lead(days_left: int, leads: tuple[int, ...]) -> int | None:
    """The lead time an item is announced at: the smallest one not below DAYS_LEFT."""
    fitting = [lead for lead in leads if days_left <= lead]
    return min(fitting) if fitting and days_left >= 0 else None


@dataclass(frozen=True)
class Target:
    """Where a subscription posts: a conversation as its reference gives it."""

    conversation_id: str
    reference: dict[str, Any]
    service_url: str
    tenant_id: str | None


def conversation_target(reference: dict[str, Any]) -> Target:
    """The conversation of a turn's REFERENCE, to post new messages to: a channel
    message's conversation is its thread, but digests and reports start new posts."""
    conversation = dict(reference.get("conversation") or {})
    conversation_id = str(conversation.get("id") or "").split(";messageid=")[0]
    conversation["id"] = conversation_id
    reference = {**reference, "conversation": conversation}
    reference.pop("activityId", None)
    service_url = str(reference.get("serviceUrl") or reference.get("service_url") or "")
    if not conversation_id or not service_url:
        raise NotificationError("no_conversation")
    tenant = conversation.get("tenantId") or conversation.get("tenant_id")
    return Target(conversation_id, reference, service_url, tenant)


def subscription_scope(sub: ChannelSubscription, org: Organization) -> Scope:
    """What the subscription may show: its organization's network, as a reader sees it."""
    return Scope(operator_id=sub.created_by_id or 0, email="", name="",
                 organization_id=org.id, organization_name=org.name, org_kind=org.kind,
                 role="reader")


class NotificationService:
    def __init__(self, sessions: async_sessionmaker[AsyncSession],
                 clock: Callable[[], dt.datetime] = utc_now,
                 render_reowned: RenderReowned | None = None, *,
                 default_time: str = "08:00", default_tz: str = "UTC") -> None:
        self._sessions = sessions
        # a subscription without its own time / zone: NOTIFY_AT in NOTIFY_TZ
        self.default_time, self.default_tz = default_time, default_tz
        self._leases = Leases(sessions)
        self._clock = clock
        # Also given to the operator service, which settles in its own transactions.
        self.owners = SubscriptionOwners(render_reowned, clock)
        self.snoozes = Snoozes(sessions, clock)

    # -- subscriptions ---------------------------------------------------------------

    async def _subscription(self, session: AsyncSession, scope: Scope,
                            target: Target, kind: str, team_id: str | None
                            ) -> tuple[ChannelSubscription, dict[str, Any] | None]:
        """This organization's subscription of the conversation (a new one when none): the
        row, locked, and what it was before (None: new)."""
        sub = (await session.execute(select(ChannelSubscription).where(
            ChannelSubscription.conversation_id == target.conversation_id,
            ChannelSubscription.organization_id == scope.organization_id,
            ChannelSubscription.kind == kind).with_for_update())).scalar_one_or_none()
        before = None
        if sub is None:
            sub = ChannelSubscription(conversation_id=target.conversation_id,
                                      organization_id=scope.organization_id, kind=kind,
                                      quiet_days=DEFAULT_QUIET, lead_days=list(
                                          DEFAULT_LEAD_DAYS), digests=False,
                                      monthly_report=False)
            session.add(sub)
        else:
            before = {"active": sub.active, "digests": sub.digests,
                      "monthly_report": sub.monthly_report, "lead_days": sub.lead_days,
                      "at_risk_only": sub.at_risk_only, "notify_time": sub.notify_time,
                      "notify_tz": sub.notify_tz, "quiet_days": sub.quiet_days}
            if not sub.active:  # stopped: what it carried stopped with it
                sub.digests = sub.monthly_report = False
        sub.conversation_reference, sub.service_url = target.reference, target.service_url
        sub.tenant_id, sub.team_id = target.tenant_id, team_id or sub.team_id
        sub.created_by_id, sub.active = scope.operator_id, True
        sub.deactivated_at = sub.deactivated_reason = None
        return sub, before

    @staticmethod
    def _check(scope: Scope, kind: str, notify_time: str | None,
               notify_tz: str | None) -> None:
        """Channels are an admin's right; anyone may subscribe their own personal chat."""
        if kind == "channel":
            scope.require(Right.MANAGE_NOTIFICATIONS)
        elif kind != "personal":
            raise NotificationError("bad_kind")
        if notify_time is not None and not _valid_time(notify_time):
            raise NotificationError("bad_time")
        if notify_tz is not None and real_zone(notify_tz) is None:
            raise NotificationError("bad_zone")

    async def subscribe(self, scope: Scope, reference: dict[str, Any], *, kind: str,
                        lead_days: Iterable[int] | None, language: str,
                        notify_time: str | None = None, team_id: str | None = None,
                        at_risk_only: bool = False, notify_tz: str | None = None,
                        quiet_days: str | None = None,
                        cid: str | None = None) -> SubscriptionView:
        """Subscribe the conversation of REFERENCE to expiry digests (again: new settings,
        reactivated). What is not said (None: lead days, time, zone, quiet days) stays as
        it was on a subscription again; a new one gets the defaults."""
        self._check(scope, kind, notify_time, notify_tz)
        leads = clean_leads(lead_days) if lead_days is not None else None
        if quiet_days is not None and len(quiet_set(quiet_days)) > 6:
            raise NotificationError("bad_quiet_days")
        target = conversation_target(reference)
        async with self._sessions() as session, session.begin():
            sub, before = await self._subscription(session, scope, target, kind, team_id)
            if leads is None:
                leads = clean_leads(sub.lead_days)
            sub.lead_days, sub.language = list(leads), language
            if notify_time is not None:
                sub.notify_time = notify_time
            if notify_tz is not None:
                sub.notify_tz = notify_tz
            if quiet_days is not None:
                sub.quiet_days = quiet_days
            sub.at_risk_only, sub.digests = at_risk_only, True
            await session.flush()
            session.add(AuditEvent(actor=scope.email, organization_id=scope.organization_id,
                                   action="notifications.subscribed",
                                   target=target.conversation_id,
                                   before=before, after={"lead_days": list(leads),
                                                         "kind": kind, "language": language,
                                                         "at_risk_only": at_risk_only,
                                                         "notify_time": sub.notify_time,
                                                         "notify_tz": sub.notify_tz,
                                                         "quiet_days": sub.quiet_days},
                                   correlation_id=cid))
            sub_id = sub.id
        views = await self._views(ChannelSubscription.id == sub_id)
        return views[0]

    async def subscribe_report(self, scope: Scope, reference: dict[str, Any], *, kind: str,
                               language: str, today: dt.date,
                               notify_time: str | None = None, notify_tz: str | None = None,
                               team_id: str | None = None,
                               cid: str | None = None) -> SubscriptionView:
        """'send the monthly licence report to this channel' (on the local day TODAY): the
        conversation gets the report of each month on the next month's first working day,
        at its time of day, the first one next month (this month's came before; it can be
        asked for on demand); its expiry digests, if any, go on as they are."""
        self._check(scope, kind, notify_time, notify_tz)
        target = conversation_target(reference)
        async with self._sessions() as session, session.begin():
            sub, before = await self._subscription(session, scope, target, kind, team_id)
            if notify_time is not None:
                sub.notify_time = notify_time
            if notify_tz is not None:
                sub.notify_tz = notify_tz
            if not sub.monthly_report:
                sub.last_report_month = month_key(today)
            sub.monthly_report, sub.language = True, language
            await session.flush()
            session.add(AuditEvent(actor=scope.email, organization_id=scope.organization_id,
                                   action="notifications.report_subscribed",
                                   target=target.conversation_id, before=before,
                                   after={"monthly_report": True, "digests": sub.digests,
                                          "kind": kind, "language": language,
                                          "notify_time": sub.notify_time,
                                          "notify_tz": sub.notify_tz},
                                   correlation_id=cid))
            sub_id = sub.id
        views = await self._views(ChannelSubscription.id == sub_id)
        return views[0]

    async def stop_report(self, scope: Scope, conversation_id: str, *,
                          kind: str = "channel", cid: str | None = None) -> bool:
        """Stop the monthly report here (a subscription with nothing left stops); whether
        there was one."""
        if kind == "channel":
            scope.require(Right.MANAGE_NOTIFICATIONS)
        async with self._sessions() as session, session.begin():
            sub = (await session.execute(select(ChannelSubscription).where(
                ChannelSubscription.conversation_id == conversation_id,
                ChannelSubscription.organization_id == scope.organization_id,
                ChannelSubscription.kind == kind, ChannelSubscription.active.is_(True),
                ChannelSubscription.monthly_report.is_(True)).with_for_update())
            ).scalar_one_or_none()
            if sub is None:
                return False
            sub.monthly_report = False
            if not sub.digests:
                sub.active, sub.deactivated_at = False, self._clock()
                sub.deactivated_reason = "unsubscribed"
            session.add(AuditEvent(actor=scope.email, organization_id=scope.organization_id,
                                   action="notifications.report_stopped",
                                   target=conversation_id, before={"monthly_report": True},
                                   after={"monthly_report": False, "active": sub.active},
                                   correlation_id=cid))
        return True

    async def unsubscribe(self, scope: Scope, conversation_id: str, *, kind: str = "channel",
                          cid: str | None = None) -> int:
        """Stop this organization's subscriptions of the conversation; how many stopped."""
        if kind == "channel":
            scope.require(Right.MANAGE_NOTIFICATIONS)
        async with self._sessions() as session, session.begin():
            stopped = await session.execute(update(ChannelSubscription).where(
                ChannelSubscription.conversation_id == conversation_id,
                ChannelSubscription.organization_id == scope.organization_id,
                ChannelSubscription.kind == kind, ChannelSubscription.active.is_(True))
                .values(active=False, deactivated_at=self._clock(),
                        deactivated_reason="unsubscribed"))
            count = int(stopped.rowcount)  # type: ignore[attr-defined]
            if count:
                session.add(AuditEvent(actor=scope.email,
                                       organization_id=scope.organization_id,
                                       action="notifications.unsubscribed",
                                       target=conversation_id, before={"active": True},
                                       after={"active": False}, correlation_id=cid))
        return count

    async def settings(self, scope: Scope, conversation_id: str) -> list[SubscriptionView]:
        """This organization's subscriptions of the conversation."""
        return await self._views(ChannelSubscription.conversation_id == conversation_id,
                                 ChannelSubscription.organization_id == scope.organization_id)

    async def status(self, scope: Scope, conversation_id: str,
                     today: dt.date) -> DeliveryStatus:
        """'notification status': this organization's subscriptions of the conversation,
        its last digest, snoozes and undelivered messages (services/notifications/status)."""
        views = await self.settings(scope, conversation_id)
        snoozes = await self.snoozes.snoozed(scope, conversation_id, today)
        return await deliveries(self._sessions, views, snoozes)

    async def deactivate(self, reason: str, *, conversation_id: str | None = None,
                         team_id: str | None = None,
                         subscription_id: int | None = None) -> list[SubscriptionView]:
        """The bot was removed (or can no longer write): stop sending there, keep the
        record; the subscriptions stopped, to tell their admins."""
        conditions: list[Any] = [ChannelSubscription.active.is_(True)]
        if subscription_id is not None:
            conditions.append(ChannelSubscription.id == subscription_id)
        elif team_id is not None:
            conditions.append(ChannelSubscription.team_id == team_id)
        elif conversation_id is not None:
            conditions.append(ChannelSubscription.conversation_id == conversation_id)
        else:
            return []
        async with self._sessions() as session, session.begin():
            ids = list((await session.execute(select(ChannelSubscription.id).where(
                *conditions).with_for_update())).scalars())
            if not ids:
                return []
            await session.execute(update(ChannelSubscription).where(
                ChannelSubscription.id.in_(ids)).values(
                active=False, deactivated_at=self._clock(), deactivated_reason=reason[:64]))
            await session.execute(update(OutboxMessage).where(
                OutboxMessage.channel_subscription_id.in_(ids),
                OutboxMessage.status == "pending").values(status="cancelled",
                                                          last_error=reason[:300]))
            for sub_id in ids:
                session.add(AuditEvent(actor="partnerbot", organization_id=None,
                                       action="notifications.deactivated", target=str(sub_id),
                                       before={"active": True},
                                       after={"active": False, "reason": reason[:64]}))
        return await self._views(ChannelSubscription.id.in_(ids))

    async def installed(self, team_id: str, reference: dict[str, Any],
                        tenant_id: str | None) -> None:
        """The app was installed in a team (again): remember where."""
        now = self._clock()
        async with self._sessions() as session, session.begin():
            row = await session.get(TeamInstallation, team_id, with_for_update=True)
            if row is None:
                session.add(TeamInstallation(team_id=team_id, reference=reference,
                                             tenant_id=tenant_id, installed_at=now))
            else:
                row.reference, row.tenant_id = reference, tenant_id
                row.installed_at, row.removed_at = now, None

    async def removed(self, team_id: str) -> list[SubscriptionView]:
        """The app was removed from a team: every subscription there stops."""
        async with self._sessions() as session, session.begin():
            await session.execute(update(TeamInstallation).where(
                TeamInstallation.team_id == team_id).values(removed_at=self._clock()))
        return await self.deactivate("app_removed", team_id=team_id)

    async def enqueue_notice(self, reference: dict[str, Any],
                             activity: dict[str, Any]) -> int:
        """A one-off message (e.g. telling an admin the bot was removed), sent by the outbox
        at the same pace and with the same retries as digests."""
        async with self._sessions() as session, session.begin():
            message = notice_message(reference, activity, self._clock())
            session.add(message)
            await session.flush()
            return int(message.id)

    async def _views(self, *conditions: Any) -> list[SubscriptionView]:
        stmt = (select(ChannelSubscription, Organization.name, Operator.email)
                .join(Organization, Organization.id == ChannelSubscription.organization_id)
                .outerjoin(Operator, Operator.id == ChannelSubscription.created_by_id)
                .where(*conditions).order_by(ChannelSubscription.id))
        async with self._sessions() as session:
            rows = (await session.execute(stmt)).all()
        return [SubscriptionView(s.id, s.kind, s.conversation_id, s.organization_id, name,
                                 tuple(s.lead_days or ()), s.language,
                                 s.notify_time or self.default_time, s.active,
                                 email, s.deactivated_reason, s.created_by_id,
                                 bool(s.at_risk_only), s.notify_tz or self.default_tz,
                                 tuple(sorted(quiet_set(s.quiet_days))), s.last_digest_on,
                                 bool(s.digests), bool(s.monthly_report), s.last_report_month)
                for s, name, email in rows]

    # -- the pass ----------------------------------------------------------------------

    async def run_pass(self, when: dt.date | dt.datetime, render: Render, holder: str,
                       lease_s: float = 600, *,
                       render_report: RenderReport | None = None) -> PassResult:
        """Queue the due digest of every subscription whose local time has come at WHEN
        (an aware datetime; a bare date: that whole day) and that has not had that local
        day's pass, on one instance at a time; quiet days are skipped. With RENDER_REPORT,
        also the monthly licence reports due (services/notifications/schedule.py)."""
        if not await self._leases.acquire(PASS_LEASE, holder, lease_s):
            logger.info("notification pass skipped: another instance runs it")
            return PassResult(ran=False)
        try:
            return await self._run_pass(when, render, render_report)
        finally:
            await self._leases.release(PASS_LEASE, holder)

    async def _run_pass(self, when: dt.date | dt.datetime, render: Render,
                        render_report: RenderReport | None) -> PassResult:
        async with self._sessions() as session, session.begin():
            await self.owners.settle(session)
        async with self._sessions() as session:
            active = (await session.execute(select(ChannelSubscription, Organization).join(
                Organization, Organization.id == ChannelSubscription.organization_id).where(
                ChannelSubscription.active.is_(True)).order_by(ChannelSubscription.id)
            )).all()
        by_day: dict[dt.date, list[Any]] = defaultdict(list)
        reports_by_day: dict[dt.date, list[Any]] = defaultdict(list)
        for row in active:
            sub = row[0]
            # the subscription's local day, when its time has come and it is not quiet
            day = due_day(when, notify_time=sub.notify_time, notify_tz=sub.notify_tz,
                          quiet_days=sub.quiet_days, last_digest_on=None,
                          default_time=self.default_time, default_tz=self.default_tz)
            if day is None:
                continue
            if sub.digests and (sub.last_digest_on is None or sub.last_digest_on < day):
                by_day[day].append(row)
            if sub.monthly_report and render_report is not None and report_due(
                    day, quiet_days=sub.quiet_days, last_report_month=sub.last_report_month):
                reports_by_day[day].append(row)
        digests = items = reports = 0
        for today, subs in sorted(by_day.items()):
            made, told = await self._pass_day(today, subs, render)
            digests, items = digests + made, items + told
        for today, subs in sorted(reports_by_day.items()):
            assert render_report is not None
            reports += await queue_reports(self._sessions, today, subs, render_report,
                                           self._message_to, subscription_scope)
        logger.info("notification pass %s: %d subscriptions, %d due, %d digests, %d items, "
                    "%d monthly reports", when, len(active),
                    sum(len(v) for v in by_day.values()), digests, items, reports)
        return PassResult(True, len(active), digests, items, reports)

    async def _pass_day(self, today: dt.date, subs: list[Any],
                        render: Render) -> tuple[int, int]:
        """The digests of SUBS for their local day TODAY; each subscription's day is
        claimed (last_digest_on) in the transaction that queues its digest."""
        digests = items = 0
        candidates: dict[tuple[str, int], list[DigestItem]] = {}
        rendered: dict[tuple[Any, ...], dict[str, Any]] = {}  # same digest, same card
        upcoming: dict[str, tuple[tuple[dt.date, int], ...]] = {}
        for start in range(0, len(subs), 500):
            chunk = subs[start:start + 500]
            async with self._sessions() as session, session.begin():
                done = await self._already_sent(session, [s.id for s, _ in chunk], today)
                snoozed = await snoozed_in(session, [s.conversation_id for s, _ in chunk],
                                           today)
                told = await self._renewed_since(session, [s.id for s, _ in chunk], today)
                # the chunk's day, claimed in the transaction that queues its digests
                claimed = set((await session.execute(update(ChannelSubscription).where(
                    ChannelSubscription.id.in_([s.id for s, _ in chunk]),
                    ChannelSubscription.active.is_(True),
                    or_(ChannelSubscription.last_digest_on.is_(None),
                        ChannelSubscription.last_digest_on < today)).values(
                    last_digest_on=today).returning(ChannelSubscription.id).execution_options(
                    synchronize_session=False))).scalars())
                for sub, org in chunk:
                    if sub.id not in claimed:
                        continue  # that day's pass was made (elsewhere)
                    leads = clean_leads(sub.lead_days)
                    key = (org.id, max(leads))
                    if key not in candidates:
                        scope = subscription_scope(sub, org)
                        candidates[key] = await self._expiring(session, scope, today,
                                                               max(leads))
                    quiet = snoozed.get(sub.conversation_id, set())
                    due = [DigestItem(**{**i.__dict__, "lead_days": lead})
                           for i in candidates[key]
                           if (lead := due_lead(i.days_left, leads)) is not None
                           and i.organization_id not in quiet
                           and not (sub.at_risk_only and i.renewed)
                           and (sub.id, i.subscription_id, lead, i.expires_on) not in done]
                    since = tuple(i for i in told.get(sub.id, ())
                                  if i.organization_id not in quiet)
                    if not due and not since:
                        continue
                    if org.id not in upcoming:
                        upcoming[org.id] = await self._upcoming(
                            session, subscription_scope(sub, org), today)
                    at_risk = tuple(i for i in due if not i.renewed)[:MAX_ITEMS]
                    renewed_due = tuple(i for i in due if i.renewed)[:MAX_ITEMS]
                    digest = Digest(org.name, today, at_risk, upcoming[org.id], max(leads),
                                    renewed=renewed_due, renewed_since=since,
                                    show_parent=org.kind in ("provider", "distributor"),
                                    at_risk_only=bool(sub.at_risk_only))
                    card_key = (org.id, digest, sub.language)
                    if card_key not in rendered:
                        rendered[card_key] = render(digest, sub.language)
                    message = self._message_to(sub, rendered[card_key], "digest")
                    session.add(message)
                    await session.flush()
                    session.add_all([NotificationSent(
                        channel_subscription_id=sub.id, subscription_id=i.subscription_id,
                        lead_days=i.lead_days, expires_on=i.expires_on, outbox_id=message.id,
                        at_risk=not i.renewed, renewed_told=i.renewed)
                        for i in (*at_risk, *renewed_due)])
                    if since:
                        await session.execute(update(NotificationSent).where(
                            NotificationSent.channel_subscription_id == sub.id,
                            NotificationSent.subscription_id.in_(
                                [i.subscription_id for i in since])).values(renewed_told=True))
                    digests += 1
                    items += len(at_risk) + len(renewed_due) + len(since)
        return digests, items

    # -- changes pushed by the system of record ------------------------------------------

    async def refresh_pending(self, licences: Iterable[str], organizations: Iterable[str],
                              render: Render) -> int:
        """Rebuild the digests still waiting in the outbox that show one of LICENCES
        (renewed or removed since: dropped from the digest, which is cancelled when
        nothing is left) or a licence of ORGANIZATIONS (e.g. onboarded since: shown as it
        is now). Returns how many digests were rebuilt or cancelled."""
        licence_ids, org_ids = list(licences), list(organizations)
        if not licence_ids and not org_ids:
            return 0
        today = self._clock().date()
        pending = select(OutboxMessage.id).where(
            OutboxMessage.status == "pending", OutboxMessage.kind == "digest")
        async with self._sessions() as session, session.begin():
            affected: set[int] = set()
            for i in range(0, max(len(licence_ids), len(org_ids)), CHUNK):
                by_licence = NotificationSent.subscription_id.in_(licence_ids[i:i + CHUNK])
                by_org = NotificationSent.subscription_id.in_(select(Subscription.id).where(
                    Subscription.organization_id.in_(org_ids[i:i + CHUNK])))
                affected.update(int(oid) for oid in (await session.execute(
                    select(NotificationSent.outbox_id).where(
                        NotificationSent.outbox_id.in_(pending), by_licence | by_org))
                ).scalars() if oid is not None)
            for outbox_id in sorted(affected):
                entries = list((await session.execute(select(NotificationSent).where(
                    NotificationSent.outbox_id == outbox_id).with_for_update())).scalars())
                await self._rebuild(session, outbox_id, entries, today, render)
        return len(affected)

    async def snooze(self, scope: Scope, conversation_id: str, *, kind: str,
                     organization_id: str, days: object, today: dt.date, render: Render,
                     cid: str | None = None) -> SnoozeView:
        """Snooze an organization in a conversation (services/notifications/snoozes.py);
        a digest already queued there and not sent yet is rebuilt without it, in the same
        transaction (cancelled when nothing is left)."""
        async def rebuild_queued(session: AsyncSession) -> None:
            queued = (await session.execute(select(OutboxMessage.id).where(
                OutboxMessage.conversation_id == conversation_id,
                OutboxMessage.kind == "digest", OutboxMessage.status == "pending")
                .order_by(OutboxMessage.id))).scalars().all()
            for outbox_id in queued:
                entries = list((await session.execute(select(NotificationSent).where(
                    NotificationSent.outbox_id == outbox_id).with_for_update())).scalars())
                if entries:
                    await self._rebuild(session, outbox_id, entries, today, render)

        return await self.snoozes.snooze(scope, conversation_id, kind=kind,
                                         organization_id=organization_id, days=days,
                                         today=today, cid=cid, then=rebuild_queued)

    async def _rebuild(self, session: AsyncSession, outbox_id: int,
                       entries: list[NotificationSent], today: dt.date, render: Render) -> None:
        message = await session.get(OutboxMessage, outbox_id, with_for_update=True)
        if message is None or message.status != "pending":
            return
        sub = await session.get(ChannelSubscription, entries[0].channel_subscription_id)
        org = await session.get(Organization, sub.organization_id) if sub else None
        if sub is None or org is None:
            return
        scope = subscription_scope(sub, org)
        current = {i.subscription_id: i for i in await self._expiring(
            session, scope, today, max(e.lead_days for e in entries))}
        quiet = (await snoozed_in(session, [sub.conversation_id], today)).get(
            sub.conversation_id, set())
        items, dropped = [], []
        for entry in entries:
            item = current.get(entry.subscription_id)
            if item is None or item.expires_on != entry.expires_on \
                    or item.organization_id in quiet:
                # renewed (a new term), removed, or snoozed since: not announced now (a
                # snoozed one is announced when it comes back, the entry being gone)
                dropped.append(entry)
            else:
                items.append(DigestItem(**{**item.__dict__, "lead_days": entry.lead_days}))
        for entry in dropped:
            await session.delete(entry)
        if not items:
            message.status = "cancelled"
            message.last_error = "nothing left to announce (renewed, removed or snoozed)"
            return
        items.sort(key=lambda i: (i.expires_on, i.organization_name, i.subscription_id))
        leads = clean_leads(sub.lead_days)
        digest = Digest(org.name, today, tuple(i for i in items if not i.renewed)[:MAX_ITEMS],
                        await self._upcoming(session, scope, today), max(leads),
                        renewed=tuple(i for i in items if i.renewed)[:MAX_ITEMS],
                        show_parent=org.kind in ("provider", "distributor"),
                        at_risk_only=bool(sub.at_risk_only))
        message.activity = render(digest, sub.language)

    async def license_alerts(self, changes: list[LicenseChange], render: RenderChange) -> int:
        """Tell every active subscription whose network holds a changed organization
        (one message per subscription and change); returns the messages queued."""
        if not changes:
            return 0
        queued = 0
        async with self._sessions() as session, session.begin():
            await self.owners.settle(session)  # nothing for operators who left
            names = dict((await session.execute(select(Organization.id, Organization.name).where(
                Organization.id.in_({c.organization_id for c in changes})))).all())
            skus = dict((await session.execute(select(Sku.code, Sku.name).where(
                Sku.code.in_({c.sku_code for c in changes})))).all())
            followers: dict[str, list[ChannelSubscription]] = defaultdict(list)
            for sub, org_id in (await session.execute(
                    select(ChannelSubscription, OrgClosure.descendant_id).join(
                        OrgClosure, OrgClosure.ancestor_id == ChannelSubscription.organization_id)
                    .where(OrgClosure.descendant_id.in_(names), OrgClosure.depth > 0,
                           ChannelSubscription.active.is_(True),
                           ChannelSubscription.digests.is_(True)))).all():
                followers[org_id].append(sub)
            snoozed = await snoozed_in(session, {s.conversation_id for subs in
                                                 followers.values() for s in subs},
                                       self._clock().date())
            for change in changes:
                named = replace(change, sku_name=skus.get(change.sku_code, change.sku_code),
                                organization_name=names.get(change.organization_id,
                                                            change.organization_id))
                for sub in followers[change.organization_id]:
                    if change.organization_id in snoozed.get(sub.conversation_id, ()):
                        continue  # snoozed in that conversation
                    session.add(self._message_to(sub, render(named, sub.language), "notice"))
                    queued += 1
        return queued

    def _message_to(self, sub: ChannelSubscription, activity: dict[str, Any],
                    kind: str) -> OutboxMessage:
        """A message for SUB's conversation, to be sent by the outbox now."""
        return OutboxMessage(
            channel_subscription_id=sub.id, conversation_id=sub.conversation_id,
            tenant_id=sub.tenant_id, reference=sub.conversation_reference, activity=activity,
            kind=kind, status="pending", next_attempt_at=self._clock())

    async def _already_sent(self, session: AsyncSession, sub_ids: list[int],
                            today: dt.date) -> set[tuple[int, str, int, dt.date]]:
        rows = (await session.execute(select(
            NotificationSent.channel_subscription_id, NotificationSent.subscription_id,
            NotificationSent.lead_days, NotificationSent.expires_on).where(
            NotificationSent.channel_subscription_id.in_(sub_ids),
            NotificationSent.expires_on >= today))).all()
        return {(r[0], r[1], r[2], r[3]) for r in rows}

    async def _expiring(self, session: AsyncSession, scope: Scope, today: dt.date,
                        horizon: int) -> list[DigestItem]:
        """Licence subscriptions in SCOPE expiring within HORIZON days, by date."""
        kinds = scope.visible_kinds
        parent = aliased(Organization, name="parent")
        base = select(
            Subscription, Organization.name, Organization.onboarding, Sku.name,
            renewed(Subscription).label("renewed"), parent.name).join(
            Organization, Organization.id == Subscription.organization_id).join(
            Sku, Sku.code == Subscription.sku_code).outerjoin(
            parent, parent.id == Organization.parent_id)
        stmt = scope.restrict(base, Subscription.organization_id).where(
            Subscription.expires_on >= today,
            Subscription.expires_on <= today + dt.timedelta(days=horizon),
            Organization.kind.in_(kinds)).order_by(Subscription.expires_on, Organization.name,
                                                   Subscription.id)
        rows = (await session.execute(stmt)).all()
        return [DigestItem(s.organization_id, name, onboarding, s.id, sku, s.licenses,
                           s.expires_on, (s.expires_on - today).days, 0, bool(is_renewed),
                           parent_name)
                for s, name, onboarding, sku, is_renewed, parent_name in rows]

    async def _renewed_since(self, session: AsyncSession, sub_ids: list[int],
                             today: dt.date) -> dict[int, tuple[DigestItem, ...]]:
        """Per channel subscription: licences announced at risk whose renewal (booked, or
        auto_renew turned on) came since, not told yet; by expiry date."""
        parent = aliased(Organization, name="parent")
        stmt = (select(NotificationSent.channel_subscription_id, Subscription,
                       Organization.name, Organization.onboarding, Sku.name, parent.name)
                .join(Subscription, Subscription.id == NotificationSent.subscription_id)
                .join(Organization, Organization.id == Subscription.organization_id)
                .join(Sku, Sku.code == Subscription.sku_code)
                .outerjoin(parent, parent.id == Organization.parent_id)
                .where(NotificationSent.channel_subscription_id.in_(sub_ids),
                       NotificationSent.at_risk.is_(True),
                       NotificationSent.renewed_told.is_(False),
                       NotificationSent.expires_on == Subscription.expires_on,
                       Subscription.expires_on >= today, renewed(Subscription))
                .order_by(Subscription.expires_on, Organization.name, Subscription.id))
        out: dict[int, dict[str, DigestItem]] = defaultdict(dict)
        for sub_id, s, name, onboarding, sku, parent_name in (await session.execute(stmt)).all():
            out[sub_id].setdefault(s.id, DigestItem(
                s.organization_id, name, onboarding, s.id, sku, s.licenses, s.expires_on,
                (s.expires_on - today).days, 0, True, parent_name))
        return {k: tuple(v.values()) for k, v in out.items()}

    async def _upcoming(self, session: AsyncSession, scope: Scope,
                        today: dt.date) -> tuple[tuple[dt.date, int], ...]:
        """Expiries per week over the next 90 days (the digest's chart)."""
        end = today + dt.timedelta(days=90)
        base = select(Subscription.expires_on, func.count()).join(
            Organization, Organization.id == Subscription.organization_id)
        stmt = scope.restrict(base, Subscription.organization_id).where(
            Subscription.expires_on >= today, Subscription.expires_on <= end,
            Organization.kind.in_(scope.visible_kinds)).group_by(Subscription.expires_on)
        weeks: dict[dt.date, int] = defaultdict(int)
        for day, count in (await session.execute(stmt)).all():
            weeks[today + dt.timedelta(days=7 * ((day - today).days // 7))] += int(count)
        return tuple(sorted(weeks.items()))
