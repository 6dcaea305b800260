"""The trust gate's Bot Framework edge: who an activity says it is from (a `Caller`),
the Bot Connector's roster entry of the sender, and what a refused sender is told."""

from __future__ import annotations

import logging
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.core.teams import TeamsInfo

from bot.turn.trust import Caller, Refusal
from cards.notices import not_operator_card, notice_card
from dialogs.common import activity_tenant
from services.i18n import Messages
from services.roster import RosterMember

logger = logging.getLogger(__name__)

# What each refusal says; the tenant refusals answer like anyone who is not an operator.
REFUSAL_TEXT = {
    Refusal.NOT_TEAMS: "refusal.not_teams",
    Refusal.RATE_LIMITED: "limit.questions",
}
TENANT_TEXT = "refusal.not_operator.body"


def caller_of(context: TurnContext, in_process: bool = False) -> Caller:
    activity = context.activity
    sender = activity.from_property
    aad = getattr(sender, "aad_object_id", None) if sender is not None else None
    user = getattr(sender, "id", None) if sender is not None else None
    return Caller(channel_id=activity.channel_id if isinstance(activity.channel_id, str)
                  else None,
                  user_id=user if isinstance(user, str) and user else None,
                  aad_object_id=aad if isinstance(aad, str) and aad else None,
                  tenant_id=activity_tenant(context), in_process=in_process)


def refusal_text(tr: Messages, refusal: Refusal | None) -> str:
    return tr(REFUSAL_TEXT.get(refusal, TENANT_TEXT) if refusal else TENANT_TEXT)


def refusal_card(tr: Messages, refusal: Refusal) -> dict[str, Any]:
    if refusal in REFUSAL_TEXT:
        return notice_card(refusal_text(tr, refusal))
    return not_operator_card(tr)


async def roster_member(context: TurnContext) -> RosterMember | None:
    """The sender as the Bot Connector's roster knows them (Microsoft's word for their
    object id, tenant and UPN); None when it cannot be asked or does not answer."""
    sender = context.activity.from_property
    if sender is None or not sender.id:
        return None
    try:
        member = await TeamsInfo.get_member(context, sender.id)
    except Exception as exc:  # noqa: BLE001 - no roster: nobody is bound
        logger.warning("Teams roster lookup failed: %s", exc.__class__.__name__)
        return None
    aad = getattr(member, "aad_object_id", None)
    tenant = getattr(member, "tenant_id", None)
    upn = getattr(member, "user_principal_name", None)
    if not all(isinstance(v, str) and v for v in (aad, tenant, upn)):
        return None
    return RosterMember(str(aad), str(tenant), str(upn))
