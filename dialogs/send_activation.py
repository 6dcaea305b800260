"""Send an activation link: the organization (picked, named, or a new customer of the
admin's partner), the recipient (a Microsoft 365 work or school address), the e-mail's
language on the confirmation card, then the link is sent.

Started from "send an activation link to Atelier Marchand", or from the button of an
organization's card. Every choice coming back from a card is checked again by the
activation service against the admin's scope; "cancel" / "annuler" works at every step."""

from __future__ import annotations

from typing import Any

from botbuilder.dialogs import (
    ComponentDialog,
    DialogContext,
    DialogTurnResult,
    WaterfallDialog,
    WaterfallStepContext,
)
from botbuilder.dialogs.prompts import PromptOptions, PromptValidatorContext, TextPrompt
from botbuilder.schema import Activity

from cards.activation import STEP, confirm_card, new_customer_card, pick_card
from cards.common import inert
from cards.notices import notice_card
from dialogs.common import (
    cancelled,
    card_activity,
    owner_of,
    reference_of,
    turn_date,
    turn_scope,
)
from services.activation import ActivationError, ActivationService, NewCustomer, SentLink
from services.correlation import current_correlation_id
from services.directory import NameResolver
from services.i18n import Messages, messages
from services.understanding import parse
from services.understanding.text import fold

SEND_ACTIVATION = "send_activation"
NEW = "__new_customer__"
PICK_LIMIT = 100
YES = frozenset({"send", "envoyer", "envoie", "yes", "oui", "ok", "confirm", "confirmer"})

# ActivationError code -> message key (the others: "activation.error")
REFUSALS = {
    "not_found": "notfound.org_id", "already_onboarded": "activation.already_onboarded",
    "not_eligible": "activation.not_eligible", "create_partner_only":
    "activation.create_partner_only", "bad_name": "activation.bad_name",
    "bad_domain": "activation.bad_domain", "bad_country": "activation.bad_country",
    "duplicate": "activation.duplicate", "invalid": "activation.recipient.invalid",
    "consumer": "activation.recipient.consumer",
    "unknown_domain": "activation.recipient.unknown_domain",
    "unavailable": "activation.recipient.unavailable",
    "rate_limited": "activation.rate_limited", "delivery": "activation.delivery_failed",
}


def refusal_text(tr: Messages, exc: ActivationError) -> str:
    detail = inert(exc.detail)
    return tr(REFUSALS.get(exc.code, "activation.error"), organization=detail, email=detail,
              domain=detail, country=detail, n=detail)


def _submitted(activity: Activity) -> dict[str, Any] | None:
    value = activity.value
    if isinstance(value, dict) and isinstance(value.get(STEP), str):
        return value
    return None


class SendActivationDialog(ComponentDialog):
    def __init__(self, activation: ActivationService, names: NameResolver,
                 ttl_days: float) -> None:
        super().__init__(SEND_ACTIVATION)
        self._activation = activation
        self._names = names
        self._ttl_days = ttl_days
        self.add_dialog(TextPrompt("pick", self._picked))
        self.add_dialog(TextPrompt("customer", self._customer))
        self.add_dialog(TextPrompt("recipient", self._recipient))
        self.add_dialog(TextPrompt("send", _answered))
        self.add_dialog(WaterfallDialog("send_activation_flow", [
            self._organization_step, self._customer_step, self._recipient_step,
            self._confirm_step, self._send_step]))
        self.initial_dialog_id = "send_activation_flow"

    async def on_continue_dialog(self, inner_dc: DialogContext) -> DialogTurnResult:
        submitted = _submitted(inner_dc.context.activity)
        if cancelled(inner_dc.context.activity) or (submitted or {}).get(STEP) == "cancel":
            tr = messages(inner_dc.context.activity.locale)
            await _say(inner_dc.context, tr("addop.cancelled"))
            return await inner_dc.cancel_all_dialogs()
        return await super().on_continue_dialog(inner_dc)

    # -- 1. which organization -------------------------------------------------------

    async def _organization_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        options = step.options if isinstance(step.options, dict) else {}
        step.values["email"] = str(options.get("email") or "").strip().lower() or None
        tr = messages(step.context.activity.locale)
        scope = turn_scope(step)
        org = options.get("org")
        if isinstance(org, str) and org:
            try:
                target = await self._activation.target(scope, org)
            except ActivationError as exc:
                await _say(step.context, refusal_text(tr, exc))
                return await step.end_dialog(None)
            return await step.next(target.id)
        candidates = await self._activation.candidates(scope, limit=PICK_LIMIT + 1)
        card = pick_card(candidates[:PICK_LIMIT], tr, can_create=scope.org_kind == "partner",
                         more=len(candidates) > PICK_LIMIT,
                         owner=owner_of(step.context.activity))
        return await step.prompt("pick", PromptOptions(prompt=card_activity(card)))

    async def _picked(self, prompt: PromptValidatorContext) -> bool:
        """An organization from the card's list, a typed name, or 'new customer'."""
        context = prompt.context
        tr = messages(context.activity.locale)
        scope = turn_scope(prompt)  # type: ignore[arg-type]
        submitted = _submitted(context.activity) or {}
        if submitted.get(STEP) == "new":
            if scope.org_kind != "partner":
                await _say(context, tr("activation.create_partner_only"))
                return False
            prompt.recognized.value = NEW
            return True
        org = submitted.get("org") if submitted.get(STEP) == "pick" else None
        text = (context.activity.text or "").strip()
        if org is None and text:
            query = await parse(text, tr.language, turn_date(context),
                                self._names.bind(scope))
            org = query.subject
            if org is None:
                await _say(context, tr("notfound.org", name=inert(text[:200])))
                return False
        if not isinstance(org, str) or not 0 < len(org) <= 64:
            await _say(context, tr("activation.pick_required"))
            return False
        try:
            target = await self._activation.target(scope, org)
        except ActivationError as exc:
            await _say(context, refusal_text(tr, exc))
            return False
        prompt.recognized.value = target.id
        return True

    # -- 2. a new customer (partners) ------------------------------------------------

    async def _customer_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        if step.result != NEW:
            return await step.next(step.result)
        tr = messages(step.context.activity.locale)
        return await step.prompt("customer", PromptOptions(
            prompt=card_activity(new_customer_card(tr, owner=owner_of(step.context.activity)))))

    async def _customer(self, prompt: PromptValidatorContext) -> bool:
        context = prompt.context
        tr = messages(context.activity.locale)
        submitted = _submitted(context.activity) or {}
        values = {k: str(submitted.get(k) or "")[:300] for k in ("name", "domain", "country")}
        if submitted.get(STEP) != "create":
            await _say(context, tr("activation.new.use_form"))
            return False
        try:
            customer = await self._activation.check_new_customer(
                turn_scope(prompt), values["name"], values["domain"],  # type: ignore[arg-type]
                values["country"])
        except ActivationError as exc:
            await _say(context, refusal_text(tr, exc))
            await context.send_activity(card_activity(new_customer_card(
                tr, values, owner=owner_of(context.activity))))
            return False
        prompt.recognized.value = {"name": customer.name, "domain": customer.domain,
                                   "country": customer.country}
        return True

    # -- 3. the recipient --------------------------------------------------------------

    async def _recipient_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        result = step.result
        if isinstance(result, dict):
            step.values["new"] = result
            step.values["org_name"] = result["name"]
        else:
            step.values["org"] = str(result)
            target = await self._activation.target(turn_scope(step), str(result))
            step.values["org_name"] = target.name
        email = step.values.get("email")
        if email and await self._check_recipient(step.context, email):
            return await step.next(email)
        tr = messages(step.context.activity.locale)
        return await step.prompt("recipient", PromptOptions(prompt=Activity(
            type="message", text=tr("activation.ask_recipient",
                                    organization=inert(step.values["org_name"])))))

    async def _recipient(self, prompt: PromptValidatorContext) -> bool:
        email = (prompt.recognized.value or "").strip().lower() \
            if prompt.recognized.succeeded else ""
        return await self._check_recipient(prompt.context, email)

    async def _check_recipient(self, context: Any, email: str) -> bool:
        verdict = await self._activation.check_recipient(email)
        if verdict == "work_or_school":
            return True
        tr = messages(context.activity.locale)
        await _say(context, refusal_text(tr, ActivationError(verdict, email or "?")))
        return False

    # -- 4. confirm and send -------------------------------------------------------------

    async def _confirm_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        step.values["email"] = str(step.result).strip().lower()
        tr = messages(step.context.activity.locale)
        card = confirm_card(tr, organization=step.values["org_name"],
                            created="new" in step.values, recipient=step.values["email"],
                            language=tr.language, ttl_days=self._ttl_days,
                            owner=owner_of(step.context.activity))
        return await step.prompt("send", PromptOptions(prompt=card_activity(card)))

    async def _send_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        tr = messages(step.context.activity.locale)
        submitted = _submitted(step.context.activity)
        answer = str(submitted.get(STEP)) if submitted else fold(str(step.result or ""))
        if answer not in YES:
            await _say(step.context, tr("addop.cancelled"))
            return await step.end_dialog(None)
        language = (submitted or {}).get("language")
        language = language if language in ("en", "fr") else tr.language
        new = step.values.get("new")
        try:
            sent = await self._activation.send(
                turn_scope(step), step.values["email"], language,
                organization_id=step.values.get("org"),
                new_customer=NewCustomer(**new) if new else None,
                sender_conversation=reference_of(step.context),
                cid=current_correlation_id())
        except ActivationError as exc:
            await _say(step.context, refusal_text(tr, exc))
            return await step.end_dialog(None)
        await _say(step.context, sent_text(tr, sent))
        return await step.end_dialog(sent.organization_id)


def sent_text(tr: Messages, sent: SentLink) -> str:
    text = tr("activation.sent", organization=inert(sent.organization_name),
              email=inert(sent.recipient), date=tr.date(sent.expires_at.date()))
    if sent.revoked:
        text += " " + tr("activation.revoked_previous")
    return text


async def _say(context: Any, text: str) -> None:
    await context.send_activity(card_activity(notice_card(text)))


async def _answered(prompt: PromptValidatorContext) -> bool:
    """Send / Cancel come from the card (Action.Submit, no text) or as typed words."""
    activity = prompt.context.activity
    return _submitted(activity) is not None or bool((activity.text or "").strip())
