"""What happens to a subscription when its operator leaves (SPEC section 3).

A personal subscription ("notify me") ends with its operator: removed, pending, or moved
to another organization, it is stopped (kept, with the reason, and audited) and what is
still queued for it is cancelled. A channel subscription belongs to its organization:
its digests already show the organization's network, not the person's; when whoever set
it up is no longer an active admin of that organization, it is re-owned by the
organization (`created_by_id` cleared) and the organization's active admins are told,
once: the notices are queued in the same transaction as the change, by a conditional
UPDATE, so two instances settling at once tell them once.

Settled in the transaction that removes an operator or changes a role
(services/operators.py), and again at the start of every daily pass and licence alert,
which also catches changes made elsewhere (the system of record's feed, an import)."""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.clock import utc_now
from services.db.models import (
    AuditEvent,
    ChannelSubscription,
    Operator,
    OperatorConversation,
    OperatorStatus,
    Organization,
    OutboxMessage,
    Role,
)
from services.notifications.views import OwnersSettled, ReownedNotice

logger = logging.getLogger(__name__)

# (notice, language) -> the activity telling an admin (a card), built by the caller
RenderReowned = Callable[[ReownedNotice, str], dict[str, Any]]


def notice_message(reference: dict[str, Any], activity: dict[str, Any],
                   now: dt.datetime) -> OutboxMessage:
    """A one-off outbox message to the conversation of REFERENCE."""
    conversation = reference.get("conversation") or {}
    return OutboxMessage(
        conversation_id=str(conversation.get("id", "")),
        tenant_id=conversation.get("tenantId") or conversation.get("tenant_id"),
        reference=reference, activity=activity, kind="notice", status="pending",
        next_attempt_at=now)


def departure(sub: ChannelSubscription, op: Operator) -> str | None:
    """Why OP can no longer own SUB (None: it still can)."""
    if op.organization_id != sub.organization_id:
        return "operator_moved"
    if op.status != OperatorStatus.ACTIVE:
        return "operator_removed" if op.status == OperatorStatus.REMOVED else "operator_pending"
    if sub.kind != "personal" and op.role != Role.ADMIN:
        return "operator_not_admin"
    return None


class SubscriptionOwners:
    """Ends and re-owns subscriptions whose operator left. Without RENDER (no card to
    tell the admins with) channel subscriptions are left for a caller that has one; the
    personal ones end regardless."""

    def __init__(self, render: RenderReowned | None = None,
                 clock: Callable[[], dt.datetime] = utc_now) -> None:
        self._render = render
        self._clock = clock

    async def settle(self, session: AsyncSession,
                     operator_ids: Iterable[int] | None = None) -> OwnersSettled:
        """In the caller's transaction: every active subscription (of OPERATOR_IDS only,
        when given) whose operator left is ended or re-owned."""
        stmt = (select(ChannelSubscription, Operator)
                .join(Operator, Operator.id == ChannelSubscription.created_by_id)
                .where(ChannelSubscription.active.is_(True))
                .order_by(ChannelSubscription.id))
        if operator_ids is not None:
            ids = list(operator_ids)
            if not ids:
                return OwnersSettled()
            stmt = stmt.where(ChannelSubscription.created_by_id.in_(ids))
        now = self._clock()
        ended = cancelled = 0
        leaving: dict[tuple[str, int], list[tuple[ChannelSubscription, Operator, str]]] = \
            defaultdict(list)
        silenced: set[int] = set()
        for sub, op in (await session.execute(stmt)).all():
            reason = departure(sub, op)
            if reason is None:
                continue
            if sub.kind == "personal":
                if await self._end(session, sub, op, reason, now):
                    ended += 1
                    cancelled += await self._cancel(session, OutboxMessage.channel_subscription_id
                                                    == sub.id, reason)
                    if op.status != OperatorStatus.ACTIVE:
                        silenced.add(op.id)
            elif self._render is not None:
                leaving[(sub.organization_id, op.id)].append((sub, op, reason))
        for operator_id in silenced:
            cancelled += await self.silence(session, operator_id)
        reowned = told = 0
        for (organization_id, _op), subs in leaving.items():
            moved = [s for s, op, reason in subs if await self._reown(session, s, op, reason)]
            if moved:
                reowned += len(moved)
                told += await self._tell_admins(session, organization_id, moved,
                                                subs[0][1].email, subs[0][2], now)
        if ended or reowned:
            logger.info("subscriptions settled: %d personal ended, %d channel re-owned, "
                        "%d admins told, %d queued messages cancelled", ended, reowned, told,
                        cancelled)
        return OwnersSettled(ended, reowned, told, cancelled)

    async def silence(self, session: AsyncSession, operator_id: int) -> int:
        """Cancel what is still queued for the operator's personal chat (approval cards,
        decisions, notices): a removed operator receives nothing more."""
        reference = (await session.execute(select(OperatorConversation.reference).where(
            OperatorConversation.operator_id == operator_id))).scalar_one_or_none()
        conversation = str(((reference or {}).get("conversation") or {}).get("id") or "")
        if not conversation:
            return 0
        return await self._cancel(session, OutboxMessage.conversation_id == conversation,
                                  "operator_removed")

    async def _end(self, session: AsyncSession, sub: ChannelSubscription, op: Operator,
                   reason: str, now: dt.datetime) -> bool:
        result = await session.execute(update(ChannelSubscription).where(
            ChannelSubscription.id == sub.id, ChannelSubscription.active.is_(True),
            ChannelSubscription.created_by_id == op.id).values(
            active=False, deactivated_at=now, deactivated_reason=reason))
        if result.rowcount != 1:  # type: ignore[attr-defined]
            return False  # another instance settled it first
        session.add(AuditEvent(actor="partnerbot", organization_id=sub.organization_id,
                               action="notifications.ended", target=sub.conversation_id,
                               before={"active": True, "operator": op.email},
                               after={"active": False, "reason": reason,
                                      "subscription": sub.id}))
        return True

    async def _reown(self, session: AsyncSession, sub: ChannelSubscription, op: Operator,
                     reason: str) -> bool:
        result = await session.execute(update(ChannelSubscription).where(
            ChannelSubscription.id == sub.id, ChannelSubscription.active.is_(True),
            ChannelSubscription.created_by_id == op.id).values(created_by_id=None))
        if result.rowcount != 1:  # type: ignore[attr-defined]
            return False
        session.add(AuditEvent(actor="partnerbot", organization_id=sub.organization_id,
                               action="notifications.reowned", target=sub.conversation_id,
                               before={"created_by": op.email},
                               after={"created_by": None, "reason": reason,
                                      "subscription": sub.id}))
        return True

    async def _tell_admins(self, session: AsyncSession, organization_id: str,
                           subs: list[ChannelSubscription], former: str, reason: str,
                           now: dt.datetime) -> int:
        """One notice to each active admin of the organization whose personal chat is
        known, in the same transaction as the change (so: once)."""
        assert self._render is not None
        name = (await session.execute(select(Organization.name).where(
            Organization.id == organization_id))).scalar_one()
        admins = (await session.execute(
            select(Operator.id, OperatorConversation.reference)
            .join(OperatorConversation, OperatorConversation.operator_id == Operator.id)
            .where(Operator.organization_id == organization_id, Operator.role == Role.ADMIN,
                   Operator.status == OperatorStatus.ACTIVE).order_by(Operator.id))).all()
        if not admins:
            logger.warning("%d channel subscriptions of %s re-owned by the organization; no "
                           "admin's chat is known to tell", len(subs), organization_id)
            return 0
        notice = ReownedNotice(name, former, reason, len(subs))
        activity = self._render(notice, subs[0].language or "en")
        session.add_all([notice_message(reference, activity, now) for _id, reference in admins])
        return len(admins)

    @staticmethod
    async def _cancel(session: AsyncSession, condition: Any, reason: str) -> int:
        result = await session.execute(update(OutboxMessage).where(
            condition, OutboxMessage.status == "pending").values(
            status="cancelled", last_error=reason[:300]))
        return int(result.rowcount)  # type: ignore[attr-defined]
