"""Running notifications in the bot's process: a pass every NOTIFY_EVERY minutes (on one
instance at a time, by a database lease) that queues the digest of each subscription whose
own time of day (NOTIFY_AT in NOTIFY_TZ unless it set its own) has come in its zone, once
per local day and not on its quiet days; and the outbox sender, which also retries what
failed. `partnerbot notify run` does one pass for an external scheduler.

One drain at a time per process (the pass's and the sender loop's take turns on a lock):
claims are atomic across processes anyway (services/notifications/outbox.py), but two
drains in one process would only compete for the same rate limits and connections.

Retention runs with a process's first pass of each day, on the instance whose pass ran,
under a lease of its own (a cron `notify run` beside the scheduler): finished outbox
messages and refused-action audit rows older than RETENTION_DAYS, SSO token-exchange
state older than a day, and the processed-activity ledger past its day."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import uuid
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.services import BotServices
from cards.notifications import card_message, digest_activity, gone_card
from cards.report import report_activity
from services.dedup import ActivityLedger
from services.i18n import messages
from services.notifications.connector import BotCredentials, ConnectorClient
from services.notifications.leases import Leases
from services.notifications.outbox import OutboxSender, prune_outbox
from services.notifications.ratelimit import TeamsLimits
from services.notifications.views import DrainResult, PassResult, SubscriptionView

logger = logging.getLogger(__name__)

RETENTION_LEASE = "retention"
TOKEN_EXCHANGE_KEEP = dt.timedelta(days=1)


@dataclass(frozen=True)
class Pruned:
    """Rows the retention removed, by table."""

    outbox: int
    sign_ins: int  # SSO token-exchange items in bot_state
    activities: int
    refused: int  # refused-action audit rows
    export_links: int = 0  # expired CSV export links


def next_run(now: dt.datetime, at: str, tz: str) -> dt.datetime:
    """The next NOTIFY_AT time in zone TZ after NOW (aware)."""
    zone = ZoneInfo(tz)
    local = now.astimezone(zone)
    hour, minute = (int(x) for x in at.split(":"))
    candidate = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if candidate <= local:
        candidate = (local + dt.timedelta(days=1)).replace(hour=hour, minute=minute, second=0,
                                                          microsecond=0)
    return candidate


class NotificationRunner:
    def __init__(self, services: BotServices, http_client: object | None = None) -> None:
        settings = services.settings
        self._services = services
        self.holder = uuid.uuid4().hex[:16]
        self.connector = ConnectorClient(BotCredentials(
            settings.bot_id, settings.bot_password, settings.bot_tenant_id,
            settings.login_base_url), http_client=http_client,
            login_timeout_s=settings.outbound_timeout)
        self.sender = OutboxSender(services.database.sessions, self.connector,
                                   TeamsLimits(settings.notify_max_rps), services.notifications,
                                   on_gone=self._tell_admins, holder=self.holder)
        self._draining = asyncio.Lock()
        self.pruned: Pruned | None = None  # what the last pass's retention removed
        self._pruned_on: dt.date | None = None

    async def run_once(self, when: dt.date | dt.datetime,
                       wait_s: float = 0.0) -> tuple[PassResult, DrainResult]:
        """One pass at WHEN (an aware datetime: the subscriptions whose local time has
        come; a date: that whole day) and the outbox sent."""
        result = await self._services.notifications.run_pass(
            when, digest_activity, self.holder, render_report=report_activity)
        self.pruned = None
        day = when.date() if isinstance(when, dt.datetime) else when
        if result.ran and self._pruned_on != day:
            self._pruned_on = day
            try:
                self.pruned = await self.prune()
            except Exception:  # noqa: BLE001 - the outbox is still sent; tomorrow retries
                logger.exception("retention failed")
        drained = await self.drain(max_wait_s=wait_s)
        return result, drained

    async def prune(self, now: dt.datetime | None = None) -> Pruned | None:
        """Remove what the retention no longer keeps; None when another instance holds
        the retention lease (it is doing the same)."""
        services = self._services
        sessions = services.database.sessions
        leases = Leases(sessions)
        if not await leases.acquire(RETENTION_LEASE, self.holder, 600):
            return None
        try:
            now = now or dt.datetime.now(dt.UTC)
            keep = dt.timedelta(days=services.settings.retention_days)
            pruned = Pruned(
                outbox=await prune_outbox(sessions, now - keep),
                sign_ins=await services.state.prune_token_exchanges(
                    now - min(keep, TOKEN_EXCHANGE_KEEP)),
                activities=await ActivityLedger(sessions).prune(),
                refused=await services.audit.prune_refused(now - keep),
                export_links=await services.exports.prune(now))
        finally:
            await leases.release(RETENTION_LEASE, self.holder)
        logger.info("retention: %d outbox messages, %d sign-in exchanges, %d activities, "
                    "%d refused-action audit rows, %d export links removed", pruned.outbox,
                    pruned.sign_ins, pruned.activities, pruned.refused, pruned.export_links)
        return pruned

    async def drain(self, *, until_idle: bool = True, max_wait_s: float = 0.0) -> DrainResult:
        """Send what is due; waits for a drain already running in this process."""
        async with self._draining:
            return await self.sender.drain(until_idle=until_idle, max_wait_s=max_wait_s)

    async def _tell_admins(self, gone: list[SubscriptionView]) -> None:
        """The bot was removed from a channel: its subscribing admin hears it in their
        personal chat (through the outbox, like everything proactive); a subscription
        the organization owns (its creator left) is told to the organization's admins."""
        owners: dict[int, list[int]] = {}
        for view in gone:
            if view.kind == "personal":
                continue
            if view.created_by_id is not None:
                owners[view.id] = [view.created_by_id]
            else:
                admins = await self._services.operators.admins_of(view.organization_id)
                owners[view.id] = [admin_id for admin_id, _email, _aad in admins]
        chats = await self._services.conversations.personal(
            sorted({i for ids in owners.values() for i in ids}))
        for view in gone:
            references = [chats[i] for i in owners.get(view.id, []) if i in chats]
            if not references:
                logger.warning("subscription %s deactivated (%s); no chat to tell its admin",
                               view.id, view.deactivated_reason)
                continue
            card = gone_card(view, view.deactivated_reason or "?", messages(view.language))
            for reference in references:
                await self._services.notifications.enqueue_notice(reference,
                                                                  card_message(card))

    async def scheduler(self) -> None:
        """Every NOTIFY_EVERY minutes: one pass (whichever instance gets the lease); each
        subscription is sent at its own time, once per local day."""
        every = 60.0 * self._services.settings.notify_every
        while True:
            now = dt.datetime.now(dt.UTC)
            await asyncio.sleep(every - now.timestamp() % every)  # on the clock's minutes
            try:
                await self.run_once(dt.datetime.now(dt.UTC))
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - the next day runs anyway; the log has it
                logger.exception("notification pass failed")

    async def sender_loop(self, every_s: float = 5.0) -> None:
        """Retries and notices: whatever falls due in the outbox."""
        while True:
            try:
                await self.drain(until_idle=False)
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - e.g. the database away; try again later
                logger.exception("outbox sender failed")
            await asyncio.sleep(every_s)

    async def close(self) -> None:
        await self.connector.close()
