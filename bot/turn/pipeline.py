"""The turn pipeline, declared once: what happens to a message and to a card action, step
by step, in order. Read MESSAGE_STEPS and CARD_ACTION_STEPS top to bottom; each step is a
small function with one job that either answers the turn (returns True: the pipeline
stops) or lets it go on.

The steps know no Bot Framework type: they see a `Turn` (bot/teams/turn.py implements it
on botbuilder's TurnContext, as `partnerbot ask` does in process)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from bot.services import BotServices
from bot.turn.context import Reply, Request
from bot.turn.questions import answer
from bot.turn.routing import EXTENSION_HANDLERS, handler_for_verb, run
from bot.turn.trust import Admission, Caller, Refusal
from cards.common import clicked_language
from cards.notices import not_operator_card, notice_card
from cards.search import extension_message
from services.correlation import current_correlation_id
from services.i18n import Messages
from services.roster import RosterMember
from services.scope import Scope
from services.understanding import Intent, Query
from services.understanding.text import fold

logger = logging.getLogger(__name__)

SIGN_OUT = frozenset({"sign out", "signout", "log out", "logout", "deconnexion",
                      "se deconnecter", "deconnecte moi", "deconnecter"})


class Turn(Protocol):
    """One incoming message or card action, as a step sees it."""

    services: BotServices
    caller: Caller
    tr: Messages
    today: dt.date
    text: str  # a message's text without @mentions ('' for a card action)
    verb: str  # a card action's verb and data ('' and {} for a message)
    data: dict[str, Any]
    full_answer: bool  # `partnerbot ask`: list answers carry every item
    only_attachments: bool  # a message with cards or files and no text
    intent: str  # what the turn log records
    admission: Admission | None
    reply: Reply | None  # the reply built for this turn (`partnerbot ask` reads it)

    @property
    def kind(self) -> str: ...  # "message", "card_action", "extension" or "other"
    def where(self) -> dict[str, Any]: ...  # this conversation and team, for handlers
    def dialog_card_owner(self) -> str | None: ...  # a dialog card's Submit: its owner
    def is_sender(self, owner: str) -> bool: ...
    async def roster(self) -> RosterMember | None: ...
    async def remember_chat(self, scope: Scope) -> None: ...
    async def say(self, card: dict[str, Any]) -> None: ...
    async def respond(self, card: dict[str, Any] | None = None,
                      message: str | None = None) -> None: ...  # a card action's answer
    async def respond_extension(self, body: dict[str, Any]) -> None: ...  # its answer
    async def deliver(self, reply: Reply, scope: Scope) -> None: ...
    async def announce(self, reply: Reply) -> None: ...  # a decided card's notices, copies
    async def continue_dialog(self, scope: Scope) -> bool: ...
    async def begin_dialog(self, scope: Scope, reply: Reply) -> None: ...
    async def sign_in(self) -> str | None: ...  # the pending question, once signed in
    async def sign_out(self) -> None: ...


Step = Callable[[Turn], Awaitable[bool]]


# -- the steps ---------------------------------------------------------------------------

async def admit(turn: Turn, again: bool = False) -> Admission:
    """The trust gate's decision (bot/turn/trust.py); AGAIN: the same turn asks once
    more (signed in meanwhile), without taking another rate token."""
    roster = None if turn.caller.in_process or turn.services.identity is not None \
        else turn.roster
    admission = await turn.services.gate.admit(turn.caller, roster, count=not again,
                                               search=turn.kind == "extension")
    turn.admission = admission
    if admission.scope is not None:
        await turn.remember_chat(admission.scope)
    return admission


async def trust_gate(turn: Turn) -> bool:
    """Channel, tenant, rate and identity, before anything else; a refusal gets no
    data, and is said once (a burst of refusals stays quiet)."""
    admission = await admit(turn)
    if admission.admitted:
        return False
    assert admission.refusal is not None
    turn.intent = f"refused:{admission.refusal.value}"
    if turn.kind == "card_action":  # said in the invoke's answer, not in the chat
        await turn.respond(message=refusal_text(turn.tr, admission.refusal))
    elif turn.kind == "extension":
        await turn.respond_extension(extension_message(
            str(turn.data.get("invoke")), refusal_text(turn.tr, admission.refusal)))
    elif turn.kind == "message" and admission.tell:
        await turn.say(refusal_card(turn.tr, admission.refusal))
    return True


async def shared_card(turn: Turn) -> bool:
    """A message holding only a card (a search result a user shared here, or any card or
    file) asks nothing: no answer, rather than "I didn't understand"."""
    if not turn.only_attachments:
        return False
    turn.intent = "shared_card"
    return True


async def length_limit(turn: Turn) -> bool:
    """A message longer than MAX_QUESTION_CHARS is answered politely, never parsed."""
    limit = turn.services.settings.max_question_chars
    if len(turn.text) <= limit:
        return False
    turn.intent = "too_long"
    await turn.say(notice_card(turn.tr("limit.too_long", limit=limit)))
    return True


async def sign_out(turn: Turn) -> bool:
    """'sign out' / 'déconnexion' with Teams SSO."""
    if turn.services.identity is None or fold(turn.text) not in SIGN_OUT:
        return False
    turn.intent = "sign_out"
    await turn.sign_out()
    await turn.say(notice_card(turn.tr("sso.signed_out")))
    return True


async def sign_in(turn: Turn) -> bool:
    """With Teams SSO, someone not signed in goes through the sign-in dialog; once signed
    in, their pending question is answered."""
    if turn.services.identity is None or _scope(turn) is not None:
        return False
    await continue_sign_in(turn)
    return True


async def continue_sign_in(turn: Turn) -> None:
    """The sign-in dialog's next step (also for Teams' signin/verifyState invokes)."""
    turn.intent = "sign_in"
    pending = await turn.sign_in()
    if pending is None:
        return
    scope = (await admit(turn, again=True)).scope
    if scope is not None:
        await _answer(turn, pending, scope)


async def sign_in_failed(turn: Turn, value: Any) -> None:
    """Teams could not get an SSO token (e.g. resourcematchfailed): tell the user what the
    admin must fix. The details go to the log, never the token."""
    value = value if isinstance(value, dict) else {}
    code = str(value.get("code", "unknown"))[:64]
    logger.warning("Teams SSO failure: %s %s", code, str(value.get("message", ""))[:200])
    turn.intent = f"signin_failure:{code}"
    key = "sso.failure.resource" if code == "resourcematchfailed" else "sso.failure.other"
    await turn.say(notice_card(turn.tr(key, code=code)))


async def dialog_in_progress(turn: Turn) -> bool:
    """The sender's own dialog (adding an operator, sending an activation link) takes
    the message; a dialog card of someone else's is not continued."""
    scope = _scope(turn)
    if scope is None:
        return False
    owner = turn.dialog_card_owner()
    if owner and not turn.is_sender(owner):
        await _not_your_dialog(turn)
        return True
    return await turn.continue_dialog(scope)


async def foreign_dialog_card(turn: Turn) -> bool:
    """A dialog card clicked by someone with no such dialog in progress (another
    person's, or one that ended): nothing changes, and they are told."""
    if _scope(turn) is None or turn.dialog_card_owner() is None:
        return False
    await _not_your_dialog(turn)
    return True


async def answer_question(turn: Turn) -> bool:
    """Understanding, then the intent's handler (or the answer cache), then the reply."""
    scope = _scope(turn)
    if scope is None:
        turn.reply = not_operator_reply(turn.tr)
        await turn.say(turn.reply.card)
        return True
    await _answer(turn, turn.text, scope)
    return True


async def card_verb(turn: Turn) -> bool:
    """A card action: its verb's handler, decided from the clicker's own scope (the
    card's data is only the handler's input, never trusted)."""
    turn.intent = f"verb:{turn.verb[:40]}"
    scope = _scope(turn)
    handler = handler_for_verb(turn.verb)
    if scope is None:
        await _audit_refusal(turn, None, "not_operator")
        await turn.respond(card=notice_card(turn.tr("sso.not_signed_in"))
                           if turn.services.identity else not_operator_card(turn.tr))
        return True
    if handler is None:
        await _audit_refusal(turn, scope, "unknown_verb")
        await turn.respond(card=notice_card(turn.tr("error.bad_action")))
        return True
    language = clicked_language(turn.data) or turn.tr.language  # the card's language
    tr = turn.tr if language == turn.tr.language else Messages(language)
    query = Query(intent=Intent.UNKNOWN, language=language, today=turn.today)
    reply = await run(handler, Request(scope, query, tr, turn.services, turn.today,
                                       turn.data, cid=current_correlation_id(), **turn.where()))
    turn.reply = reply
    if reply.answer.get("error"):
        await _audit_refusal(turn, scope, str(reply.answer["error"]))
    if reply.dialog is not None:  # the card stays; the dialog goes on in the chat
        await turn.begin_dialog(scope, reply)
        await turn.respond(message=turn.tr("dialog.started"))
        return True
    await turn.announce(reply)
    await turn.respond(card=reply.card)
    return True


async def message_extension(turn: Turn) -> bool:
    """The message extension (search a customer, or find those a message names): the
    user's own organizations, from their scope (the query is only the handler's input)."""
    turn.intent = "search"
    invoke = str(turn.data.get("invoke"))
    scope = _scope(turn)
    if scope is None:
        key = "sso.not_signed_in" if turn.services.identity else "refusal.not_operator.body"
        await turn.respond_extension(extension_message(invoke, turn.tr(key)))
        return True
    query = Query(intent=Intent.UNKNOWN, language=turn.tr.language, today=turn.today)
    reply = await run(EXTENSION_HANDLERS[invoke], Request(
        scope, query, turn.tr, turn.services, turn.today, turn.data,
        cid=current_correlation_id(), **turn.where()))
    turn.reply = reply
    if reply.answer.get("error"):
        await _audit_refusal(turn, scope, str(reply.answer["error"]))
        message = str(reply.answer.get("message") or turn.tr("error.bad_action"))
        await turn.respond_extension(extension_message(invoke, message))
        return True
    await turn.respond_extension(reply.card)
    return True


# -- the pipelines -----------------------------------------------------------------------

MESSAGE_STEPS: tuple[Step, ...] = (
    trust_gate,           # 1. Teams only, tenant, rate, who the operator is
    shared_card,          # 2. only a card or a file (a shared search result): no question
    length_limit,         # 3. too long to be a question
    sign_out,             # 4. "sign out" (Teams SSO)
    sign_in,              # 5. not signed in yet (Teams SSO)
    dialog_in_progress,   # 6. the sender's own dialog takes the message
    foreign_dialog_card,  # 7. someone else's dialog card: nothing changes
    answer_question,      # 8. understand, route to the intent's handler, reply
)

CARD_ACTION_STEPS: tuple[Step, ...] = (
    trust_gate,           # 1. Teams only, tenant, rate, who the operator is
    card_verb,            # 2. the verb's handler, from the clicker's scope
)

EXTENSION_STEPS: tuple[Step, ...] = (
    trust_gate,           # 1. Teams only, tenant, rate, who the operator is
    message_extension,    # 2. the user's own organizations: searched, or in a message
)


async def run_steps(steps: tuple[Step, ...], turn: Turn) -> None:
    for step in steps:
        if await step(turn):
            return


# -- shared by the steps -----------------------------------------------------------------

REFUSAL_TEXT = {Refusal.NOT_TEAMS: "refusal.not_teams", Refusal.RATE_LIMITED: "limit.questions"}
TENANT_TEXT = "refusal.not_operator.body"  # a tenant refusal answers like a stranger's


def refusal_text(tr: Messages, refusal: Refusal | None) -> str:
    return tr(REFUSAL_TEXT.get(refusal, TENANT_TEXT) if refusal else TENANT_TEXT)


def refusal_card(tr: Messages, refusal: Refusal) -> dict[str, Any]:
    if refusal in REFUSAL_TEXT:
        return notice_card(refusal_text(tr, refusal))
    return not_operator_card(tr)


def not_operator_reply(tr: Messages) -> Reply:
    message = tr("refusal.not_operator.body")
    return Reply("not_operator", not_operator_card(tr),
                 {"intent": "not_operator", "error": "forbidden", "message": message})


def _scope(turn: Turn) -> Scope | None:
    return turn.admission.scope if turn.admission is not None else None


async def _answer(turn: Turn, text: str, scope: Scope) -> None:
    answered = await answer(turn.services, scope, text, turn.tr, turn.today,
                            full_answer=turn.full_answer, where=turn.where)
    turn.intent = answered.intent
    turn.reply = answered.reply
    await turn.deliver(answered.reply, scope)


async def _not_your_dialog(turn: Turn) -> None:
    turn.intent = "dialog:not_owner"
    await turn.say(notice_card(turn.tr("dialog.not_owner")))


async def _audit_refusal(turn: Turn, scope: Scope | None, reason: str) -> None:
    actor = scope.email if scope is not None else f"aad:{turn.caller.sender}"
    await turn.services.audit.refused(actor, scope.organization_id if scope else None,
                                      turn.verb[:40] or turn.kind, reason, turn.data,
                                      current_correlation_id())
