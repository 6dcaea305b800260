"""The pipeline's `Turn` (bot/turn/pipeline.py) on botbuilder's TurnContext: what the
activity says, and how a step's reply becomes activities, dialogs and invoke answers."""

from __future__ import annotations

import logging
import re
from http import HTTPStatus
from typing import Any

from botbuilder.core import InvokeResponse, TurnContext
from botbuilder.schema import ActivityTypes

from bot.handlers.search import FETCH_TASK, QUERY, SUBMIT_ACTION
from bot.services import BotServices
from bot.teams.dialogs import DialogHost
from bot.teams.edge import caller_of, client_timezone, roster_member, team_id_of
from bot.teams.keys import FULL_ANSWER, IN_PROCESS, INTENT, OPERATOR, REPLY
from bot.turn.context import Reply
from bot.turn.trust import Admission
from cards.notices import notice_card
from dialogs.approvals import post_approval_cards
from dialogs.common import (
    CARD_CONTENT_TYPE,
    card_activity,
    dialog_card_owner,
    owner_of,
    reference_of,
    send_proactive,
    turn_date,
    update_proactive,
)
from services.i18n import messages
from services.roster import RosterMember
from services.scope import Scope
from services.understanding.text import strip_mentions

logger = logging.getLogger(__name__)

MESSAGE_CONTENT_TYPE = "application/vnd.microsoft.activity.message"
CARD_ACTION = "adaptiveCard/action"
EXTENSION_INVOKES = frozenset({QUERY, FETCH_TASK, SUBMIT_ACTION})
# Where a card inserted by a message extension sits in a message's text (Teams' markup).
CARD_PLACEHOLDER = re.compile(
    r'<span[^>]*itemtype="http://schema\.skype\.com/InputExtension"[^>]*>'
    r'(?:\s*<span[^>]*>\s*</span>)*\s*</span>')


class TeamsTurn:
    def __init__(self, context: TurnContext, services: BotServices,
                 dialogs: DialogHost) -> None:
        self.context = context
        self.services = services
        self._dialogs = dialogs
        activity = context.activity
        self.in_process = bool(context.turn_state.get(IN_PROCESS))
        self.caller = caller_of(context, self.in_process)
        self.tr = messages(activity.locale)
        self.today = turn_date(context)
        self.full_answer = bool(context.turn_state.get(FULL_ANSWER))
        self.text = strip_mentions(without_card_placeholders(
            activity.text or asked_by_button(activity.value))) \
            if activity.type == ActivityTypes.message else ""
        self.only_attachments = activity.type == ActivityTypes.message and \
            bool(activity.attachments) and not self.text.strip() and activity.value is None
        value: dict[str, Any] = activity.value if isinstance(activity.value, dict) else {}
        action: dict[str, Any] = value["action"] if isinstance(value.get("action"), dict) \
            else {}
        verb, data = action.get("verb"), action.get("data")
        self.verb: str = verb if isinstance(verb, str) else ""
        self.data: dict[str, Any] = data if isinstance(data, dict) else {}
        if self.kind == "extension":
            self.data = extension_data(str(activity.name), value)
        self._admission: Admission | None = None
        self.response: InvokeResponse | None = None

    # -- what the activity says ----------------------------------------------------------

    @property
    def kind(self) -> str:
        activity = self.context.activity
        if activity.type == ActivityTypes.message:
            return "message"
        if activity.type == ActivityTypes.invoke and activity.name == CARD_ACTION:
            return "card_action"
        if activity.type == ActivityTypes.invoke and activity.name in EXTENSION_INVOKES:
            return "extension"
        return "other"

    @property
    def intent(self) -> str:
        return str(self.context.turn_state.get(INTENT, "-"))

    @intent.setter
    def intent(self, value: str) -> None:
        self.context.turn_state[INTENT] = value

    @property
    def admission(self) -> Admission | None:
        return self._admission

    @admission.setter
    def admission(self, value: Admission | None) -> None:
        self._admission = value
        scope = value.scope if value is not None else None
        self.context.turn_state[OPERATOR] = scope.operator_id if scope else "none"

    @property
    def reply(self) -> Reply | None:
        reply = self.context.turn_state.get(REPLY)
        return reply if isinstance(reply, Reply) else None

    @reply.setter
    def reply(self, value: Reply | None) -> None:
        self.context.turn_state[REPLY] = value

    def where(self) -> dict[str, Any]:
        """This turn's conversation for the handlers (none for `partnerbot ask`)."""
        if self.in_process:
            return {}
        return {"conversation": reference_of(self.context), "team_id": team_id_of(self.context),
                "timezone": client_timezone(self.context.activity)}

    def dialog_card_owner(self) -> str | None:
        return dialog_card_owner(self.context.activity.value)

    def is_sender(self, owner: str) -> bool:
        return owner == owner_of(self.context.activity)

    async def roster(self) -> RosterMember | None:
        return await roster_member(self.context)

    async def remember_chat(self, scope: Scope) -> None:
        conversation = self.context.activity.conversation
        conversations = self.services.conversations
        if conversation is not None and conversation.conversation_type == "personal" \
                and not self.in_process \
                and not conversations.known(scope.operator_id, str(conversation.id or "")):
            await conversations.remember(scope.operator_id, reference_of(self.context))

    # -- replies -------------------------------------------------------------------------

    async def say(self, card: dict[str, Any]) -> None:
        await self.context.send_activity(card_activity(card))

    async def respond(self, card: dict[str, Any] | None = None,
                      message: str | None = None) -> None:
        """A card action's answer: the card that replaces the clicker's view, or MESSAGE
        shown to the clicker with the card left as it is (Universal Actions)."""
        if card is not None:
            body = {"statusCode": int(HTTPStatus.OK), "type": CARD_CONTENT_TYPE,
                    "value": card}
        else:
            body = {"statusCode": int(HTTPStatus.OK), "type": MESSAGE_CONTENT_TYPE,
                    "value": message or ""}
        self.response = InvokeResponse(status=int(HTTPStatus.OK), body=body)

    async def respond_extension(self, body: dict[str, Any]) -> None:
        """A message extension invoke's answer: results, a task module or a message."""
        self.response = InvokeResponse(status=int(HTTPStatus.OK), body=body)

    async def deliver(self, reply: Reply, scope: Scope) -> None:
        if reply.post_request is not None:
            await self.say(reply.card)
            services = self.services
            await post_approval_cards(self.context, reply.post_request, scope,
                                      services.operators, services.conversations,
                                      services.settings.bot_id)
            return
        if reply.dialog is not None:
            await self.begin_dialog(scope, reply)
            return
        await self.say(reply.card)

    async def announce(self, reply: Reply) -> None:
        """A decided card's notices (here or in the requester's chat) and, when it
        changes for everyone, the message and its copies in other conversations."""
        for notice in reply.notices:
            await self._notify(reply.notice_reference, notice)
        if reply.update_message:
            await self._update_card_message(reply.card, reply.copies)

    async def _notify(self, reference: dict[str, Any] | None, text: str) -> None:
        context = self.context
        here = context.activity.conversation.id if context.activity.conversation else None
        if reference is None or reference.get("conversation", {}).get("id") == here:
            await self.say(notice_card(text))
            return
        try:
            await send_proactive(context, reference, card_activity(notice_card(text)),
                                 self.services.settings.bot_id)
        except Exception as exc:  # noqa: BLE001 - fall back to this conversation
            logger.warning("could not reach the requester's chat: %s", exc.__class__.__name__)
            await self.say(notice_card(text))

    async def _update_card_message(self, card: dict[str, Any],
                                   copies: list[dict[str, Any]]) -> None:
        context = self.context
        message_id = context.activity.reply_to_id
        app_id = self.services.settings.bot_id
        try:
            if message_id:
                update = card_activity(card)
                update.id = message_id
                await context.update_activity(update)
            for copy in copies:
                if copy.get("activity_id") in (None, message_id):
                    continue
                await update_proactive(context, copy["reference"], copy["activity_id"],
                                       card_activity(card), app_id)
        except Exception as exc:  # noqa: BLE001 - the clicker's copy is updated anyway
            logger.warning("could not update a card copy: %s", exc.__class__.__name__)

    # -- dialogs and sign-in -------------------------------------------------------------

    async def continue_dialog(self, scope: Scope) -> bool:
        dialog_id = await self._dialogs.continue_(self.context, scope)
        if dialog_id is None:
            return False
        self.intent = f"dialog:{dialog_id}"
        return True

    async def begin_dialog(self, scope: Scope, reply: Reply) -> None:
        await self._dialogs.begin(self.context, scope, reply)

    async def sign_in(self) -> str | None:
        return await self._dialogs.sign_in(self.context)

    async def sign_out(self) -> None:
        await self._dialogs.sign_out(self.context)


def extension_data(invoke: str, value: dict[str, Any]) -> dict[str, Any]:
    """What a message extension invoke says, as the handlers validate it: the command,
    and the search box's 'query' parameter ('' on the initial run), the HTML of the
    message whose "…" menu was used, or the data of the lookup's button."""
    data: dict[str, Any] = {"invoke": invoke, "command": value.get("commandId")}
    if invoke == QUERY:
        params = value.get("parameters")
        data["text"] = ""
        for param in params if isinstance(params, list) else []:
            if isinstance(param, dict) and param.get("name") == "query":
                data["text"] = param.get("value", "")
    elif invoke == FETCH_TASK:
        payload = value.get("messagePayload")
        body = payload.get("body") if isinstance(payload, dict) else None
        data["text"] = body.get("content", "") if isinstance(body, dict) else ""
    else:
        submitted = value.get("data")
        data["org"] = submitted.get("org") if isinstance(submitted, dict) else None
    return data


def asked_by_button(value: Any) -> str:
    """The question of a button that asks one (Action.Submit as Teams' imBack or
    messageBack), when the client sends the card's data rather than the text (Teams
    sends the text; the Agents Playground sends the data): just as if it was typed."""
    msteams = value.get("msteams") if isinstance(value, dict) else None
    if not isinstance(msteams, dict):
        return ""
    asked = msteams.get("value") if msteams.get("type") == "imBack" else \
        msteams.get("text") if msteams.get("type") == "messageBack" else None
    return asked if isinstance(asked, str) else ""


def without_card_placeholders(text: str) -> str:
    """A message's text without the markup that marks its inserted cards (a search
    result shared from the compose box): a card alone asks nothing."""
    return CARD_PLACEHOLDER.sub(" ", text).strip() if "InputExtension" in text else text
