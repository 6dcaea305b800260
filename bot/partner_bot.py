"""The Teams activity handler: translates activities to handler requests and replies back
to activities. The work is done by handlers, dialogs and services."""

from __future__ import annotations

import datetime as dt
import logging
from http import HTTPStatus
from typing import Any

from botbuilder.core import CardFactory, InvokeResponse, MessageFactory, TurnContext
from botbuilder.core.teams import TeamsActivityHandler
from botbuilder.schema import Activity, ChannelAccount

from bot.context import Reply, Request
from bot.identity import resolve_operator
from bot.routing import handler_for_intent, handler_for_verb, run
from bot.services import BotServices
from bot.turnlog import INTENT, OPERATOR
from cards.help import welcome_card
from cards.notices import not_operator_card, notice_card
from services.i18n import messages
from services.scope import Scope
from services.understanding import Intent, Query, parse
from services.understanding.text import strip_mentions

logger = logging.getLogger(__name__)

CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
REPLY = "partnerbot.reply"
FULL_ANSWER = "partnerbot.full_answer"  # `ask`: list answers with every item


def card_activity(card: dict[str, Any]) -> Activity:
    return MessageFactory.attachment(CardFactory.adaptive_card(card))


def turn_date(context: TurnContext) -> dt.date:
    """Today for this user: the date of the client's local timestamp when Teams sends it
    (the user's time zone), else UTC."""
    activity = context.activity
    for stamp in (activity.local_timestamp, activity.timestamp):
        if isinstance(stamp, dt.datetime):
            return stamp.date()
    return dt.datetime.now(dt.UTC).date()


class PartnerBot(TeamsActivityHandler):
    def __init__(self, services: BotServices) -> None:
        self._services = services

    async def _operator(self, context: TurnContext) -> Scope | None:
        scope = await resolve_operator(context, self._services.scopes)
        context.turn_state[OPERATOR] = scope.operator_id if scope else "none"
        return scope

    async def answer(self, context: TurnContext, text: str) -> Reply:
        """Run TEXT as a question from this turn's sender and return the reply."""
        tr = messages(context.activity.locale)
        scope = await self._operator(context)
        if scope is None:
            message = tr("refusal.not_operator.body")
            return Reply("not_operator", not_operator_card(tr),
                         {"intent": "not_operator", "error": "forbidden", "message": message})
        today = turn_date(context)
        query = await parse(text, tr.language, today, self._services.names.bind(scope))
        context.turn_state[INTENT] = query.intent
        request = Request(scope, query, tr, self._services, today,
                          full_answer=bool(context.turn_state.get(FULL_ANSWER)))
        return await run(handler_for_intent(query.intent), request)

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        text = strip_mentions(turn_context.activity.text or "")
        reply = await self.answer(turn_context, text)
        turn_context.turn_state[REPLY] = reply
        await turn_context.send_activity(card_activity(reply.card))

    async def on_teams_members_added(  # type: ignore[override]
        self, teams_members_added: list[ChannelAccount], team_info: Any,
        turn_context: TurnContext,
    ) -> None:
        bot_id = turn_context.activity.recipient.id if turn_context.activity.recipient else None
        if not any(m.id == bot_id for m in teams_members_added):
            return
        tr = messages(turn_context.activity.locale)
        scope = await self._operator(turn_context)
        turn_context.turn_state[INTENT] = "welcome"
        await turn_context.send_activity(card_activity(welcome_card(scope, tr)))

    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse:
        if turn_context.activity.name == "adaptiveCard/action":
            return await self._card_action(turn_context)
        return await super().on_invoke_activity(turn_context)

    async def _card_action(self, context: TurnContext) -> InvokeResponse:
        tr = messages(context.activity.locale)
        value = context.activity.value if isinstance(context.activity.value, dict) else {}
        action = value.get("action") if isinstance(value.get("action"), dict) else {}
        verb = action.get("verb") if isinstance(action.get("verb"), str) else ""
        data = action.get("data") if isinstance(action.get("data"), dict) else {}
        context.turn_state[INTENT] = f"verb:{verb[:40]}"
        scope = await self._operator(context)
        handler = handler_for_verb(verb)
        if scope is None:
            card = not_operator_card(tr)
        elif handler is None:
            card = notice_card(tr("error.bad_action"))
        else:
            today = turn_date(context)
            query = Query(intent=Intent.UNKNOWN, language=tr.language, today=today)
            reply = await run(handler, Request(scope, query, tr, self._services, today, data))
            context.turn_state[REPLY] = reply
            card = reply.card
        return _card_response(card)


def _card_response(card: dict[str, Any]) -> InvokeResponse:
    body = {"statusCode": int(HTTPStatus.OK), "type": CARD_CONTENT_TYPE, "value": card}
    return InvokeResponse(status=int(HTTPStatus.OK), body=body)


__all__ = ["PartnerBot", "card_activity"]
