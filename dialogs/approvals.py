"""Posting an operator request's approval card: here, and in every admin's own chat."""

from __future__ import annotations

import logging
from typing import Any

from botbuilder.core import TurnContext

from cards.operator_requests import approval_card, teams_user_ids
from dialogs.common import card_activity, reference_of, send_proactive
from services.conversations import ConversationBook
from services.i18n import messages
from services.operators import OperatorService, RequestView
from services.scope import Scope

logger = logging.getLogger(__name__)


async def post_approval_cards(context: TurnContext, request: RequestView, scope: Scope,
                              operators: OperatorService, conversations: ConversationBook,
                              bot_app_id: str) -> None:
    """The card here (the requester sees its status) and in every admin's chat (with
    the decision's buttons); every copy is remembered so that a decision updates them
    all."""
    tr = messages(context.activity.locale)
    admins = await operators.admins_of(scope.organization_id)
    teams_ids = teams_user_ids(admins)
    activity = card_activity(approval_card(request, tr, decider_view=False,
                                           admin_user_ids=teams_ids))
    # An admin's personal chat is seen by that admin alone: the copy there carries the
    # buttons already, for a client that does not refresh the card (a decision is still
    # checked against the clicker's own scope).
    decider = card_activity(approval_card(request, tr, decider_view=True,
                                          admin_user_ids=teams_ids))
    here = reference_of(context)
    refs: list[dict[str, Any]] = []
    sent = await context.send_activity(activity)
    if sent is not None and sent.id:
        refs.append({"reference": here, "activity_id": sent.id})
    chats = await conversations.personal(a[0] for a in admins)
    for admin_id, _email, _aad in admins:
        chat = chats.get(admin_id)
        if admin_id == scope.operator_id or chat is None or \
                chat.get("conversation", {}).get("id") == here["conversation"]["id"]:
            continue
        try:
            activity_id = await send_proactive(context, chat, decider, bot_app_id)
        except Exception as exc:  # noqa: BLE001 - one admin unreachable: the others still
            logger.warning("approval card not delivered to operator %s: %s", admin_id,
                           exc.__class__.__name__)
            continue
        if activity_id:
            refs.append({"reference": chat, "activity_id": activity_id})
    await operators.add_card_refs(request.id, refs)
