"""Bot Framework helpers shared by the activity handler and the dialogs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from botbuilder.core import BotAdapter, CardFactory, MessageFactory, TurnContext
from botbuilder.dialogs import DialogContext, WaterfallStepContext
from botbuilder.schema import Activity, Attachment, ConversationReference

from cards import verbs
from cards.activation import STEP as ACTIVATION_STEP
from cards.operator_requests import CONFIRM as ADD_OPERATOR_CONFIRM
from services.scope import Scope
from services.understanding.text import fold

SCOPE = "partnerbot.scope"  # the bot puts the caller's Scope here every turn
DIALOG_CARD_KEYS = (ACTIVATION_STEP, ADD_OPERATOR_CONFIRM)
CANCEL = frozenset({"cancel", "annuler", "stop", "abort", "arrete", "laisse tomber"})


def turn_scope(step: WaterfallStepContext | DialogContext) -> Scope:
    """The operator's Scope of this turn, as the bot established it (never card data)."""
    scope = step.context.turn_state.get(SCOPE)
    if not isinstance(scope, Scope):
        raise RuntimeError("no operator scope on this turn")
    return scope


def owner_of(activity: Activity) -> str:
    """Whose dialog this activity's sender would continue: their Teams user id."""
    sender = activity.from_property
    return str(getattr(sender, "id", None) or "")


def dialog_card_owner(value: Any) -> str | None:
    """The owner named by a dialog card's Action.Submit data ('' when it names none), or
    None when VALUE is not such a submit."""
    if not isinstance(value, dict) or not any(k in value for k in DIALOG_CARD_KEYS):
        return None
    owner = value.get(verbs.DIALOG_OWNER)
    return owner if isinstance(owner, str) else ""


def cancelled(activity: Activity) -> bool:
    """'cancel' / 'annuler' typed at any step of a dialog."""
    return fold(activity.text or "") in CANCEL


CARD_CONTENT_TYPE = CardFactory.content_types.adaptive_card


class CardAttachment(Attachment):
    """An Adaptive Card attachment whose card JSON is never changed once sent (cards are
    pure functions' results, and the answer cache shares them): botbuilder deep-copies
    every outgoing activity, and this keeps the card instead of copying it value by
    value (a tenth of a cached answer's time)."""

    def __deepcopy__(self, memo: dict[int, Any]) -> CardAttachment:
        return CardAttachment(content_type=self.content_type, content=self.content,
                              content_url=self.content_url, name=self.name,
                              thumbnail_url=self.thumbnail_url)


def card_activity(card: dict[str, Any]) -> Activity:
    return MessageFactory.attachment(CardAttachment(content_type=CARD_CONTENT_TYPE,
                                                    content=card))


def activity_tenant(context: TurnContext) -> str | None:
    activity = context.activity
    conv = activity.conversation
    if conv is not None and getattr(conv, "tenant_id", None):
        return str(conv.tenant_id)
    data = activity.channel_data
    if isinstance(data, dict):
        tenant = data.get("tenant")
        if isinstance(tenant, dict) and isinstance(tenant.get("id"), str):
            return tenant["id"]
    return None


async def send_proactive(context: TurnContext, reference: dict[str, Any], activity: Activity,
                         bot_app_id: str) -> str | None:
    """Send ACTIVITY to another conversation (e.g. an admin's chat); its id, or None."""
    return await post_to(context.adapter, reference, activity, bot_app_id)


async def post_to(adapter: BotAdapter, reference: dict[str, Any], activity: Activity,
                  bot_app_id: str) -> str | None:
    """Send ACTIVITY to the conversation of REFERENCE, outside any turn (e.g. from an HTTP
    route); the new message's id, or None."""
    sent: list[str | None] = []

    async def callback(proactive: TurnContext) -> None:
        response = await proactive.send_activity(activity)
        sent.append(response.id if response else None)

    await adapter.continue_conversation(
        ConversationReference().deserialize(reference), callback, bot_app_id)
    return sent[0] if sent else None


async def update_proactive(context: TurnContext, reference: dict[str, Any], activity_id: str,
                           activity: Activity, bot_app_id: str) -> None:
    """Replace a message the bot posted in another conversation."""

    async def callback(proactive: TurnContext) -> None:
        activity.id = activity_id
        await proactive.update_activity(activity)

    await context.adapter.continue_conversation(
        ConversationReference().deserialize(reference), callback, bot_app_id)


def reference_of(context: TurnContext) -> dict[str, Any]:
    reference = TurnContext.get_conversation_reference(context.activity)
    return dict(reference.serialize())


def turn_date(context: TurnContext) -> dt.date:
    """Today for this user: the date of the client's local timestamp when Teams sends it
    (the user's time zone), else UTC."""
    activity = context.activity
    for stamp in (activity.local_timestamp, activity.timestamp):
        if isinstance(stamp, dt.datetime):
            return stamp.date()
    return dt.datetime.now(dt.UTC).date()
