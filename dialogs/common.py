"""Bot Framework helpers shared by the activity handler and the dialogs."""

from __future__ import annotations

from typing import Any

from botbuilder.core import CardFactory, MessageFactory, TurnContext
from botbuilder.schema import Activity


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
