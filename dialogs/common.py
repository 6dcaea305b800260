"""Bot Framework helpers shared by the activity handler and the dialogs."""

from __future__ import annotations

from typing import Any

from botbuilder.core import CardFactory, MessageFactory, TurnContext
from botbuilder.schema import Activity, ConversationReference


def card_activity(card: dict[str, Any]) -> Activity:
    return MessageFactory.attachment(CardFactory.adaptive_card(card))


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
    sent: list[str | None] = []

    async def callback(proactive: TurnContext) -> None:
        response = await proactive.send_activity(activity)
        sent.append(response.id if response else None)

    await context.adapter.continue_conversation(
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
