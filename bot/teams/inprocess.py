"""Run a question through the bot's real turn pipeline, in process (`partnerbot ask`).

The activity is the one Teams would post for that operator; the adapter runs the same
middleware, activity handler, understanding, handlers and cards, and keeps the reply
instead of sending it."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from botbuilder.core import BotAdapter, TurnContext
from botbuilder.schema import (
    Activity,
    ActivityTypes,
    ChannelAccount,
    ConversationAccount,
    ConversationReference,
    ResourceResponse,
)

from bot.teams.adapter import on_turn_error
from bot.teams.handler import PartnerBot
from bot.teams.keys import FULL_ANSWER, IN_PROCESS, REPLY
from bot.teams.middleware import TurnLogMiddleware
from bot.turn.context import Reply


class InProcessAdapter(BotAdapter):
    """A Bot Framework adapter whose channel is this process: replies are collected."""

    def __init__(self) -> None:
        super().__init__(on_turn_error)
        self.use(TurnLogMiddleware())

    async def send_activities(self, context: TurnContext,
                              activities: list[Activity]) -> list[ResourceResponse]:
        sent = context.turn_state.setdefault("partnerbot.sent", [])
        sent.extend(activities)
        return [ResourceResponse(id=uuid.uuid4().hex) for _ in activities]

    async def update_activity(self, context: TurnContext, activity: Activity) -> None:
        context.turn_state.setdefault("partnerbot.sent", []).append(activity)

    async def delete_activity(self, context: TurnContext,
                              reference: ConversationReference) -> None:
        return None


def message_activity(aad_object_id: str, tenant_id: str | None, text: str, locale: str,
                     today: dt.date) -> Activity:
    local = dt.datetime.combine(today, dt.time(12, 0), tzinfo=dt.UTC)
    return Activity(
        type=ActivityTypes.message, id=uuid.uuid4().hex, channel_id="msteams",
        service_url="https://inprocess.invalid/", text=text, locale=locale,
        timestamp=local, local_timestamp=local,
        from_property=ChannelAccount(id=f"29:{aad_object_id}", aad_object_id=aad_object_id),
        recipient=ChannelAccount(id="28:partnerbot"),
        conversation=ConversationAccount(id=f"ask:{aad_object_id}", tenant_id=tenant_id,
                                         conversation_type="personal"),
        channel_data={"tenant": {"id": tenant_id}} if tenant_id else None,
    )


async def ask(bot: PartnerBot, adapter: InProcessAdapter, activity: Activity, *,
              full_answer: bool = True) -> Reply | None:
    """One turn; the reply the bot built (None if the turn failed: see the log).
    FULL_ANSWER: list answers carry every item (the `ask` contract), not just one page."""
    context = TurnContext(adapter, activity)
    context.turn_state[FULL_ANSWER] = full_answer
    context.turn_state[IN_PROCESS] = True
    await adapter.run_pipeline(context, bot.on_turn)
    reply: Reply | None = context.turn_state.get(REPLY)
    return reply


def error_answer(message: str) -> dict[str, Any]:
    return {"intent": "error", "error": "failed", "message": message}
