"""Add an operator: e-mail (a Microsoft 365 work or school account), role, confirmation.

Pre-filled from "add jane@contoso.com as reader"; "cancel" / "annuler" works at every
step. An admin's addition applies at once; a reader's (or any, under an approval
policy) becomes a request, and the approval card is posted for the admins."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from botbuilder.dialogs import (
    ComponentDialog,
    DialogContext,
    DialogTurnResult,
    WaterfallDialog,
    WaterfallStepContext,
)
from botbuilder.dialogs.choices import Choice, ListStyle
from botbuilder.dialogs.prompts import (
    ChoicePrompt,
    PromptOptions,
    PromptValidatorContext,
    TextPrompt,
)
from botbuilder.schema import Activity

from cards.common import inert
from cards.notices import notice_card
from cards.operator_requests import CONFIRM, confirm_card
from dialogs.approvals import post_approval_cards
from dialogs.common import cancelled, card_activity, owner_of, turn_scope
from services.accounts import WORK_OR_SCHOOL, AccountVerifier
from services.conversations import ConversationBook
from services.correlation import current_correlation_id
from services.i18n import messages
from services.operators import OperatorError, OperatorService
from services.understanding.text import fold

ADD_OPERATOR = "add_operator"

# (turn, e-mail) -> (object id, display name) from Graph, when the admin is signed in
UserLookup = Callable[[Any, str], Awaitable[tuple[str, str] | None]]


class AddOperatorDialog(ComponentDialog):
    def __init__(self, operators: OperatorService, accounts: AccountVerifier,
                 conversations: ConversationBook, bot_app_id: str,
                 lookup: UserLookup | None = None) -> None:
        super().__init__(ADD_OPERATOR)
        self._lookup = lookup
        self._operators = operators
        self._accounts = accounts
        self._conversations = conversations
        self._bot_app_id = bot_app_id
        self.add_dialog(TextPrompt("email", self._valid_account))
        self.add_dialog(ChoicePrompt("role"))
        self.add_dialog(TextPrompt("confirm", _confirmation))
        self.add_dialog(WaterfallDialog("add_operator_flow", [
            self._email_step, self._role_step, self._confirm_step, self._apply_step]))
        self.initial_dialog_id = "add_operator_flow"

    async def on_continue_dialog(self, inner_dc: DialogContext) -> DialogTurnResult:
        if cancelled(inner_dc.context.activity) or \
                _submitted(inner_dc.context.activity) == "cancel":
            tr = messages(inner_dc.context.activity.locale)
            await inner_dc.context.send_activity(card_activity(notice_card(
                tr("addop.cancelled"))))
            return await inner_dc.cancel_all_dialogs()
        return await super().on_continue_dialog(inner_dc)

    async def _valid_account(self, prompt: PromptValidatorContext) -> bool:
        email = (prompt.recognized.value or "").strip().lower() if prompt.recognized.succeeded \
            else ""
        return await self._check(prompt.context, email)

    async def _check(self, context: Any, email: str) -> bool:
        verdict = await self._accounts.check(email)
        if verdict == WORK_OR_SCHOOL:
            return True
        tr = messages(context.activity.locale)
        key = {"invalid": "addop.invalid", "consumer": "addop.consumer",
               "unknown_domain": "addop.unknown_domain"}.get(verdict, "addop.unavailable")
        await context.send_activity(card_activity(notice_card(
            tr(key, email=inert(email or "?")))))
        return False

    async def _email_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        options = step.options if isinstance(step.options, dict) else {}
        step.values["role"] = options.get("role") if options.get("role") in (
            "reader", "admin") else None
        email = str(options.get("email") or "").strip().lower()
        if email and await self._check(step.context, email):
            return await step.next(email)
        tr = messages(step.context.activity.locale)
        return await step.prompt("email", PromptOptions(
            prompt=Activity(type="message", text=tr("addop.ask_email"))))

    async def _role_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        step.values["email"] = email = str(step.result).strip().lower()
        tr = messages(step.context.activity.locale)
        known = await self._operators.presence(turn_scope(step), email)
        if known is not None:  # reported, never duplicated
            await step.context.send_activity(card_activity(notice_card(
                tr(f"addop.{known}", email=inert(email)))))
            return await step.end_dialog(None)
        found = await self._lookup(step.context, email) if self._lookup else None
        step.values["aad"], step.values["name"] = found if found else (None, None)
        if step.values["role"]:
            return await step.next(None)
        return await step.prompt("role", PromptOptions(
            prompt=Activity(type="message", text=tr("addop.ask_role")),
            choices=[Choice(value="reader", synonyms=[tr("role.reader"), "lecteur", "reader"]),
                     Choice(value="admin", synonyms=[tr("role.admin"), "administrateur",
                                                     "admin"])],
            style=ListStyle.hero_card))

    async def _confirm_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        if step.values["role"] is None:
            step.values["role"] = step.result.value
        tr = messages(step.context.activity.locale)
        email = step.values["email"]
        name = step.values.get("name") or email.split("@")[0].replace(".", " ").title()
        step.values["name"] = name
        return await step.prompt("confirm", PromptOptions(
            prompt=card_activity(confirm_card(email, name, step.values["role"], tr,
                                              owner_of(step.context.activity)))))

    async def _apply_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        tr = messages(step.context.activity.locale)
        answer = _submitted(step.context.activity) or fold(str(step.result or ""))
        if answer not in {"apply", "appliquer", "yes", "oui", "ok"}:
            await step.context.send_activity(card_activity(notice_card(tr("addop.cancelled"))))
            return await step.end_dialog(None)
        scope = turn_scope(step)
        email, role = step.values["email"], step.values["role"]
        try:
            outcome = await self._operators.add(
                scope, email, step.values["name"], role, aad_object_id=step.values.get("aad"),
                cid=current_correlation_id(),
                requester_conversation=_reference(step.context.activity))
        except OperatorError as exc:
            key = f"addop.{exc.code}" if exc.code in {"already_present",
                                                      "already_requested"} else "addop.invalid"
            await step.context.send_activity(card_activity(notice_card(
                tr(key, email=inert(email)))))
            return await step.end_dialog(None)
        role_text = tr(f"role.{role}")
        if outcome.applied:
            await step.context.send_activity(card_activity(notice_card(
                tr("addop.added", email=inert(email), role=role_text))))
        else:
            assert outcome.request is not None
            await step.context.send_activity(card_activity(notice_card(tr(
                "addop.requested", email=inert(email), role=role_text,
                organization=inert(scope.organization_name)))))
            await post_approval_cards(step.context, outcome.request, scope, self._operators,
                                      self._conversations, self._bot_app_id)
        return await step.end_dialog(None)


async def _confirmation(prompt: PromptValidatorContext) -> bool:
    """Apply / Cancel come from the card (Action.Submit, no text) or as typed words."""
    activity = prompt.context.activity
    return _submitted(activity) is not None or bool((activity.text or "").strip())


def _submitted(activity: Activity) -> str | None:
    value = activity.value
    if isinstance(value, dict) and isinstance(value.get(CONFIRM), str):
        return value[CONFIRM]
    return None


def _reference(activity: Activity) -> dict[str, Any]:
    """Where the requester asked: to tell them about the decision."""
    return {"conversation_id": activity.conversation.id if activity.conversation else None,
            "service_url": activity.service_url, "channel_id": activity.channel_id}
