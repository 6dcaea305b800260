"""Teams single sign-on: a silent token exchange first, a sign-in card only when consent
is needed. Ends with the pending question and the operator's id, or None if refused."""

from __future__ import annotations

from botbuilder.dialogs import (
    ComponentDialog,
    DialogTurnResult,
    WaterfallDialog,
    WaterfallStepContext,
)
from botbuilder.dialogs.prompts import OAuthPrompt, OAuthPromptSettings

from cards.notices import notice_card
from dialogs.common import activity_tenant, card_activity
from services.i18n import messages
from services.identity import IdentityService, SignInRefused, TokenInvalid

SIGN_IN = "sign_in"
PROMPT = "sso_prompt"


class SignInDialog(ComponentDialog):
    def __init__(self, connection_name: str, identity: IdentityService, title: str,
                 text: str) -> None:
        super().__init__(SIGN_IN)
        self._identity = identity
        self.add_dialog(OAuthPrompt(PROMPT, OAuthPromptSettings(
            connection_name=connection_name, title=title, text=text, timeout=300_000)))
        self.add_dialog(WaterfallDialog("sign_in_flow", [self._prompt, self._signed_in]))
        self.initial_dialog_id = "sign_in_flow"

    async def _prompt(self, step: WaterfallStepContext) -> DialogTurnResult:
        options = step.options if isinstance(step.options, dict) else {}
        step.values["text"] = str(options.get("text", ""))[:4000]
        return await step.begin_dialog(PROMPT)

    async def _signed_in(self, step: WaterfallStepContext) -> DialogTurnResult:
        tr = messages(step.context.activity.locale)
        token = getattr(step.result, "token", None)
        if not token:
            await step.context.send_activity(card_activity(notice_card(tr("sso.not_signed_in"))))
            return await step.end_dialog(None)
        sender = step.context.activity.from_property
        try:
            scope = await self._identity.sign_in(
                token, getattr(sender, "aad_object_id", None), activity_tenant(step.context))
        except (SignInRefused, TokenInvalid) as exc:
            reason = exc.reason if isinstance(exc, SignInRefused) else "invalid_token"
            key = "sso.refused.status" if reason in {"pending", "removed"} else \
                "refusal.not_operator.body"
            await step.context.send_activity(card_activity(notice_card(tr(key))))
            return await step.end_dialog(None)
        return await step.end_dialog({"text": step.values["text"],
                                      "operator_id": scope.operator_id})
