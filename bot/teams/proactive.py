"""Messages the bot sends outside a turn: telling an activation link's sender that the
customer completed (or could not complete) onboarding, or that a consent from another
tenant than the customer's domain waits for their confirmation."""

from __future__ import annotations

import logging

from botbuilder.core import BotAdapter

from cards.activation import completed_card, consent_failed_card
from cards.activation_pending import pending_card
from dialogs.common import card_activity, post_to
from services.activation import Completion
from services.conversations import ConversationBook
from services.i18n import messages

logger = logging.getLogger(__name__)


class SenderNotifier:
    """Posts the outcome card where the sender asked (the conversation of the dialog),
    else in their personal chat with the bot. A failure is logged, never raised: the
    customer's admin still gets their page."""

    def __init__(self, adapter: BotAdapter, conversations: ConversationBook,
                 bot_app_id: str) -> None:
        self._adapter = adapter
        self._conversations = conversations
        self._app_id = bot_app_id

    async def __call__(self, outcome: Completion) -> None:
        tr = messages(outcome.language)
        if outcome.error is not None:
            card = consent_failed_card(tr, outcome.organization_name, outcome.organization_id,
                                       outcome.error)
        elif outcome.pending:
            card = pending_card(tr, outcome)
        else:
            card = completed_card(tr, outcome.organization_name, outcome.organization_id)
        personal = (await self._conversations.personal([outcome.sender_id])).get(
            outcome.sender_id)
        places = [ref for ref in (outcome.sender_conversation, personal) if ref]
        for reference in places:
            try:
                await post_to(self._adapter, reference, card_activity(card), self._app_id)
                return
            except Exception as exc:  # noqa: BLE001 - try the next place, then log
                logger.warning("could not tell the sender of %s in %s: %s",
                               outcome.organization_id,
                               (reference.get("conversation") or {}).get("id", "?"),
                               exc.__class__.__name__)
        if not places:
            logger.warning("no conversation to tell the sender of %s (operator %s)",
                           outcome.organization_id, outcome.sender_id)
