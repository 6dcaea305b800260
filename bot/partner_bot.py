"""The Teams activity handler: translates activities to handler requests and replies back
to activities. The work is done by handlers, dialogs and services."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from botbuilder.core import (
    InvokeResponse,
    MemoryStorage,
    Storage,
    TurnContext,
)
from botbuilder.dialogs import DialogSet, DialogTurnStatus
from botframework.connector.auth import UserTokenClient

from bot.context import Reply, Request
from bot.routing import handler_for_intent, handler_for_verb, run
from bot.services import BotServices
from bot.storage import TurnCachedDialogState
from bot.teams_events import TeamsEvents, team_id_of
from bot.trust_edge import caller_of, refusal_card, refusal_text, roster_member
from bot.turn.trust import Admission
from bot.turnlog import CID, INTENT, OPERATOR
from cards.notices import not_operator_card, notice_card
from dialogs.add_operator import AddOperatorDialog
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
from dialogs.common import SCOPE as DIALOG_SCOPE
from dialogs.send_activation import SendActivationDialog
from dialogs.sign_in import SIGN_IN, SignInDialog
from services.i18n import messages
from services.scope import Scope
from services.understanding import Intent, Query, parse
from services.understanding.text import fold, strip_mentions

logger = logging.getLogger(__name__)

MESSAGE_CONTENT_TYPE = "application/vnd.microsoft.activity.message"
REPLY = "partnerbot.reply"
FULL_ANSWER = "partnerbot.full_answer"  # `ask`: list answers with every item
IN_PROCESS = "partnerbot.in_process"  # `ask`: no Teams conversation to remember
ADMISSION = "partnerbot.admission"  # the trust gate's decision for this turn


SIGN_OUT = frozenset({"sign out", "signout", "log out", "logout", "deconnexion",
                      "se deconnecter", "deconnecte moi", "deconnecter"})


class PartnerBot(TeamsEvents):
    """Identity, then a handler per question or card verb. With Teams SSO configured, an
    operator is who the SSO token says (SignInDialog); otherwise (local mode) who the
    activity's aadObjectId says."""

    def __init__(self, services: BotServices, storage: Storage | None = None) -> None:
        self._services = services
        self._state = TurnCachedDialogState(storage or MemoryStorage())
        self._dialog_state = self._state.create_property("dialog_state")

    async def _admit(self, context: TurnContext, again: bool = False) -> Admission:
        """The trust gate's decision for this turn (bot/turn/trust.py), made once per turn;
        AGAIN: once more after signing in (the turn's rate token is already counted)."""
        cached = context.turn_state.get(ADMISSION)
        if isinstance(cached, Admission) and not again:
            return cached
        activity = context.activity
        in_process = bool(context.turn_state.get(IN_PROCESS))
        roster = None if in_process or self._services.identity is not None \
            else (lambda: roster_member(context))
        admission = await self._services.gate.admit(caller_of(context, in_process), roster,
                                                    count=not again)
        context.turn_state[ADMISSION] = admission
        scope = admission.scope
        context.turn_state[OPERATOR] = scope.operator_id if scope else "none"
        conversation = activity.conversation
        if scope is not None and conversation is not None and \
                conversation.conversation_type == "personal" and not in_process:
            await self._services.conversations.remember(scope.operator_id,
                                                        reference_of(context))
        return admission

    async def _operator(self, context: TurnContext) -> Scope | None:
        """The operator of this turn; None for a refused activity or a non-operator."""
        return (await self._admit(context)).scope

    async def _refuse(self, context: TurnContext, admission: Admission) -> None:
        """No data for a refused activity; said once (a burst of refusals stays quiet)."""
        assert admission.refusal is not None
        context.turn_state[INTENT] = f"refused:{admission.refusal.value}"
        if admission.tell:
            await context.send_activity(card_activity(refusal_card(
                messages(context.activity.locale), admission.refusal)))

    async def answer(self, context: TurnContext, text: str,
                     scope: Scope | None = None) -> Reply:
        """Run TEXT as a question from this turn's sender and return the reply."""
        tr = messages(context.activity.locale)
        scope = scope or await self._operator(context)
        if scope is None:
            message = tr("refusal.not_operator.body")
            return Reply("not_operator", not_operator_card(tr),
                         {"intent": "not_operator", "error": "forbidden", "message": message})
        today = turn_date(context)
        full_answer = bool(context.turn_state.get(FULL_ANSWER))
        answers = self._services.answers
        key = await answers.key(scope, text, tr.language, today, full_answer) \
            if answers.enabled else None
        cached = answers.get(key) if key is not None else None
        if cached is not None:
            context.turn_state[INTENT] = f"{cached.intent}:cached"
            return cached
        query = await parse(text, tr.language, today, self._services.names.bind(scope))
        context.turn_state[INTENT] = query.intent
        request = Request(scope, query, tr, self._services, today, full_answer=full_answer,
                          cid=context.turn_state.get(CID), **_where(context))
        reply = await run(handler_for_intent(query.intent), request)
        if key is not None:
            answers.put(key, reply)
        return reply

    async def _reply(self, context: TurnContext, text: str, scope: Scope | None) -> None:
        reply = await self.answer(context, text, scope)
        context.turn_state[REPLY] = reply
        if reply.post_request is not None and scope is not None:
            await context.send_activity(card_activity(reply.card))
            services = self._services
            await post_approval_cards(context, reply.post_request, scope, services.operators,
                                      services.conversations, services.settings.bot_id)
            return
        if reply.dialog is not None and scope is not None:
            await self._begin_dialog(context, scope, reply)
            return
        await context.send_activity(card_activity(reply.card))

    async def _begin_dialog(self, context: TurnContext, scope: Scope, reply: Reply) -> None:
        """Start REPLY's dialog, replacing one in progress (a button clicked mid-dialog)."""
        assert reply.dialog is not None
        context.turn_state[DIALOG_SCOPE] = scope
        dc = await self._dialogs(context).create_context(context)
        await dc.cancel_all_dialogs()
        await dc.begin_dialog(reply.dialog, reply.dialog_options)
        await self._state.save_changes(context)

    async def _continue_dialog(self, context: TurnContext, scope: Scope) -> bool:
        """A dialog in progress (e.g. adding an operator) takes the message first."""
        context.turn_state[DIALOG_SCOPE] = scope
        owner = dialog_card_owner(context.activity.value)
        if owner and owner != owner_of(context.activity):
            await self._not_your_dialog(context)  # another person's card: not continued
            return True
        dc = await self._dialogs(context).create_context(context)
        if dc.active_dialog is None:
            return False
        if dc.active_dialog.id == SIGN_IN:  # signed in meanwhile (another client)
            await dc.cancel_all_dialogs()
            await self._state.save_changes(context)
            return False
        context.turn_state[INTENT] = f"dialog:{dc.active_dialog.id}"
        await dc.continue_dialog()
        await self._state.save_changes(context)
        return True

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        admission = await self._admit(turn_context)
        if not admission.admitted:
            await self._refuse(turn_context, admission)
            return
        text = strip_mentions(turn_context.activity.text or "")
        if len(text) > self._services.settings.max_question_chars:
            await self._too_long(turn_context)
            return
        if self._services.identity is not None and fold(text) in SIGN_OUT:
            await self._sign_out(turn_context)
            return
        scope = admission.scope
        if scope is None and self._services.identity is not None:
            await self._sign_in(turn_context, text)
            return
        if scope is not None and await self._continue_dialog(turn_context, scope):
            return
        if scope is not None and dialog_card_owner(turn_context.activity.value) is not None:
            await self._not_your_dialog(turn_context)
            return
        await self._reply(turn_context, text, scope)

    async def _too_long(self, context: TurnContext) -> None:
        context.turn_state[INTENT] = "too_long"
        tr = messages(context.activity.locale)
        limit = self._services.settings.max_question_chars
        await context.send_activity(card_activity(notice_card(
            tr("limit.too_long", limit=limit))))

    async def _not_your_dialog(self, context: TurnContext) -> None:
        """A dialog card (Apply, Send…) clicked by someone with no such dialog in
        progress: another person's, or one that ended. Nothing changes."""
        context.turn_state[INTENT] = "dialog:not_owner"
        tr = messages(context.activity.locale)
        await context.send_activity(card_activity(notice_card(tr("dialog.not_owner"))))

    def _dialogs(self, context: TurnContext) -> DialogSet:
        tr = messages(context.activity.locale)
        services = self._services
        dialogs = DialogSet(self._dialog_state)
        if services.identity is not None:
            dialogs.add(SignInDialog(services.settings.oauth_connection_name,
                                     services.identity, tr("sso.signin.title"),
                                     tr("sso.signin.text")))

        lookup = self._graph_lookup if services.graph is not None else None
        dialogs.add(AddOperatorDialog(services.operators, services.accounts,
                                      services.conversations, services.settings.bot_id,
                                      lookup))
        dialogs.add(SendActivationDialog(services.activation, services.names,
                                         services.settings.activation_ttl / 86400))
        return dialogs

    async def _graph_lookup(self, context: TurnContext, email: str) -> tuple[str, str] | None:
        """The user in the admin's directory (object id, display name), through Graph on
        behalf of the signed-in admin; None when any step is unavailable."""
        services = self._services
        sender = context.activity.from_property
        connection = services.settings.oauth_connection_name
        try:
            client = context.turn_state.get(UserTokenClient.__name__)
            if client is not None:
                response = await client.get_user_token(sender.id, connection,
                                                       context.activity.channel_id, None)
            else:
                response = await context.adapter.get_user_token(context, connection)
            if response is None or not response.token or services.graph is None:
                return None
            graph_token = await services.graph.on_behalf_of(
                response.token, str(sender.aad_object_id or sender.id).lower())
            user = await services.graph_api.user(graph_token, email)
        except Exception as exc:  # noqa: BLE001 - the lookup only enriches the dialog
            logger.warning("Graph user lookup skipped: %s", exc.__class__.__name__)
            return None
        return (user.id, user.display_name) if user else None

    async def _sign_in(self, context: TurnContext, text: str | None = None) -> None:
        """Continue or start the SSO sign-in; once signed in, answer the pending question."""
        context.turn_state[INTENT] = "sign_in"
        dc = await self._dialogs(context).create_context(context)
        result = await dc.continue_dialog()
        if result.status == DialogTurnStatus.Empty and text is not None:
            result = await dc.begin_dialog(SIGN_IN, {"text": text})
        await self._state.save_changes(context)
        if result.status == DialogTurnStatus.Complete and isinstance(result.result, dict):
            scope = (await self._admit(context, again=True)).scope
            pending = result.result.get("text") or "help"
            if scope is not None:
                await self._reply(context, pending, scope)

    async def _sign_out(self, context: TurnContext) -> None:
        context.turn_state[INTENT] = "sign_out"
        tr = messages(context.activity.locale)
        sender = context.activity.from_property
        identity = self._services.identity
        assert identity is not None
        identity.sign_out(getattr(sender, "aad_object_id", None))
        if self._services.graph is not None:
            self._services.graph.forget(str(getattr(sender, "aad_object_id", "")).lower())
        connection = self._services.settings.oauth_connection_name
        client = context.turn_state.get(UserTokenClient.__name__)
        if client is not None:
            await client.sign_out_user(sender.id, connection, context.activity.channel_id)
        elif hasattr(context.adapter, "sign_out_user"):
            await context.adapter.sign_out_user(context, connection, sender.id)
        await self._state.load(context)
        await self._state.delete(context)
        await context.send_activity(card_activity(notice_card(tr("sso.signed_out"))))

    async def on_teams_signin_verify_state(self, turn_context: TurnContext) -> None:
        """signin/verifyState and signin/tokenExchange (after the SSO middleware)."""
        if self._services.identity is not None:
            await self._sign_in(turn_context)

    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse:
        name = turn_context.activity.name
        admission = await self._admit(turn_context)
        if not admission.admitted:  # said in the invoke's answer, not in the chat
            turn_context.turn_state[INTENT] = f"refused:{admission.refusal}"
            if name == "adaptiveCard/action":
                text = refusal_text(messages(turn_context.activity.locale), admission.refusal)
                return _message_response(text)
            return InvokeResponse(status=int(HTTPStatus.FORBIDDEN))
        if name == "adaptiveCard/action":
            return await self._card_action(turn_context)
        if name == "signin/failure":
            return await self._sign_in_failure(turn_context)
        return await super().on_invoke_activity(turn_context)

    async def _sign_in_failure(self, context: TurnContext) -> InvokeResponse:
        """Teams could not get an SSO token (e.g. resourcematchfailed): tell the user what
        the admin must fix. The details go to the log, never the token."""
        tr = messages(context.activity.locale)
        value = context.activity.value if isinstance(context.activity.value, dict) else {}
        code = str(value.get("code", "unknown"))[:64]
        logger.warning("Teams SSO failure: %s %s", code, str(value.get("message", ""))[:200])
        context.turn_state[INTENT] = f"signin_failure:{code}"
        key = "sso.failure.resource" if code == "resourcematchfailed" else "sso.failure.other"
        await context.send_activity(card_activity(notice_card(tr(key, code=code))))
        return InvokeResponse(status=int(HTTPStatus.OK))

    async def _audit_refusal(self, context: TurnContext, scope: Scope | None, verb: str,
                             reason: str, data: dict[str, Any]) -> None:
        logger.info("card action refused: verb=%s reason=%s", verb[:40], reason)
        actor = scope.email if scope is not None else f"aad:{_sender(context)}"
        await self._services.audit.refused(actor, scope.organization_id if scope else None,
                                           verb[:40], reason, data,
                                           context.turn_state.get(CID))

    async def _update_card_message(self, context: TurnContext, card: dict[str, Any],
                                   copies: list[dict[str, Any]]) -> None:
        """The decided card replaces the message for everyone in this conversation, and
        every copy posted elsewhere (the admins' chats)."""
        message_id = context.activity.reply_to_id
        app_id = self._services.settings.bot_id
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

    async def _notify(self, context: TurnContext, reference: dict[str, Any] | None,
                      text: str) -> None:
        here = context.activity.conversation.id if context.activity.conversation else None
        if reference is None or reference.get("conversation", {}).get("id") == here:
            await context.send_activity(card_activity(notice_card(text)))
            return
        try:
            await send_proactive(context, reference, card_activity(notice_card(text)),
                                 self._services.settings.bot_id)
        except Exception as exc:  # noqa: BLE001 - fall back to this conversation
            logger.warning("could not reach the requester's chat: %s", exc.__class__.__name__)
            await context.send_activity(card_activity(notice_card(text)))

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
            await self._audit_refusal(context, None, verb, "not_operator", data)
            card = notice_card(tr("sso.not_signed_in")) if self._services.identity \
                else not_operator_card(tr)
        elif handler is None:
            await self._audit_refusal(context, scope, verb, "unknown_verb", data)
            card = notice_card(tr("error.bad_action"))
        else:
            today = turn_date(context)
            query = Query(intent=Intent.UNKNOWN, language=tr.language, today=today)
            reply = await run(handler, Request(scope, query, tr, self._services, today, data,
                                               cid=context.turn_state.get(CID),
                                               **_where(context)))
            context.turn_state[REPLY] = reply
            if reply.answer.get("error"):
                await self._audit_refusal(context, scope, verb, str(reply.answer["error"]),
                                          data)
            if reply.dialog is not None:  # the card stays; the dialog goes on in the chat
                await self._begin_dialog(context, scope, reply)
                return _message_response(tr("dialog.started"))
            card = reply.card
            for notice in reply.notices:
                await self._notify(context, reply.notice_reference, notice)
            if reply.update_message:
                await self._update_card_message(context, card, reply.copies)
        return _card_response(card)


def _sender(context: TurnContext) -> str:
    sender = context.activity.from_property
    return str(getattr(sender, "aad_object_id", None) or getattr(sender, "id", None) or "?")


def _where(context: TurnContext) -> dict[str, Any]:
    """This turn's conversation for the handlers (none for `partnerbot ask`)."""
    if context.turn_state.get(IN_PROCESS):
        return {}
    return {"conversation": reference_of(context), "team_id": team_id_of(context)}


def _message_response(text: str) -> InvokeResponse:
    """Universal Actions: leave the card as it is and show TEXT to the clicker."""
    body = {"statusCode": int(HTTPStatus.OK), "type": MESSAGE_CONTENT_TYPE, "value": text}
    return InvokeResponse(status=int(HTTPStatus.OK), body=body)


def _card_response(card: dict[str, Any]) -> InvokeResponse:
    body = {"statusCode": int(HTTPStatus.OK), "type": CARD_CONTENT_TYPE, "value": card}
    return InvokeResponse(status=int(HTTPStatus.OK), body=body)


__all__ = ["PartnerBot", "card_activity"]
