"""Activation links: the dialog's cards (pick, new customer, confirm) and the
notification the sender gets when the customer completes (or fails) onboarding."""

from __future__ import annotations

from typing import Any

from microsoft_teams.cards import (
    Choice,
    ChoiceSetInput,
    ExecuteAction,
    Fact,
    FactSet,
    SubmitAction,
    TextInput,
)

from cards import verbs
from cards.common import card, inert, paragraph, title
from services.activation import Target
from services.i18n import Messages

STEP = "activation_step"  # key of the dialog cards' Action.Submit data


def _submit(label: str, step: str, owner: str, **kwargs: Any) -> SubmitAction:
    return SubmitAction(title=label, data={STEP: step, verbs.DIALOG_OWNER: owner}, **kwargs)


def _choice_title(target: Target, tr: Messages) -> str:
    parts = [tr(f"kind.{target.kind}"), tr(f"status.{target.onboarding}")]
    if target.parent_name:
        parts.insert(1, target.parent_name)
    return f"{target.name} ({', '.join(parts)})"


def pick_card(candidates: list[Target], tr: Messages, *, can_create: bool,
              more: bool, owner: str = "") -> dict[str, Any]:
    """Which organization: a searchable list of those not onboarded, or a new customer."""
    body: list[Any] = [title(tr("activation.title"))]
    actions: list[Any] = []
    if candidates:
        body.append(paragraph(tr("activation.pick")))
        body.append(ChoiceSetInput(
            id="org", style="filtered", label=tr("activation.organization"), is_required=True,
            error_message=tr("activation.pick_required"),
            choices=[Choice(title=_choice_title(t, tr), value=t.id) for t in candidates]))
        if more:
            body.append(paragraph(tr("activation.pick_more"), is_subtle=True, size="Small"))
        actions.append(_submit(tr("activation.next"), "pick", owner, style="positive"))
    else:
        body.append(paragraph(tr("activation.none_left")))
    if can_create:
        actions.append(_submit(tr("activation.new_customer"), "new", owner,
                               associated_inputs="none"))
    actions.append(_submit(tr("addop.cancel"), "cancel", owner, associated_inputs="none"))
    return card(body, actions)


def new_customer_card(tr: Messages, values: dict[str, str] | None = None,
                      owner: str = "") -> dict[str, Any]:
    values = values or {}
    body: list[Any] = [
        title(tr("activation.new.title")),
        paragraph(tr("activation.new.intro")),
        TextInput(id="name", label=tr("activation.new.name"), is_required=True,
                  max_length=200, value=values.get("name"),
                  error_message=tr("activation.bad_name")),
        TextInput(id="domain", label=tr("activation.new.domain"), is_required=True,
                  placeholder="contoso.com", max_length=255, value=values.get("domain"),
                  error_message=tr("activation.bad_domain", domain="")),
        TextInput(id="country", label=tr("activation.new.country"), is_required=True,
                  placeholder="FR", max_length=2, value=values.get("country"),
                  error_message=tr("activation.bad_country", country="")),
    ]
    return card(body, [_submit(tr("activation.next"), "create", owner, style="positive"),
                       _submit(tr("addop.cancel"), "cancel", owner,
                               associated_inputs="none")])


def confirm_card(tr: Messages, *, organization: str, created: bool, recipient: str,
                 language: str, ttl_days: float, owner: str = "") -> dict[str, Any]:
    """The last step: what will be sent, the e-mail's language, Send / Cancel."""
    facts = [Fact(title=tr("activation.organization"), value=inert(organization)
                  + (f" ({tr('activation.will_create')})" if created else "")),
             Fact(title=tr("activation.recipient"), value=inert(recipient)),
             Fact(title=tr("activation.valid_for"),
                  value=tr("activation.days", n=tr.number(round(ttl_days, 1))))]
    body: list[Any] = [
        title(tr("activation.confirm.title")),
        FactSet(facts=facts),
        ChoiceSetInput(id="language", label=tr("activation.language"), value=language,
                       style="compact", is_required=True,
                       error_message=tr("activation.language_required"),
                       choices=[Choice(title="English", value="en"),
                                Choice(title="Français", value="fr")]),
        paragraph(tr("activation.confirm.note"), is_subtle=True, size="Small"),
    ]
    return card(body, [_submit(tr("activation.send"), "send", owner, style="positive"),
                       _submit(tr("addop.cancel"), "cancel", owner,
                               associated_inputs="none")])


def _show(tr: Messages, organization_id: str) -> ExecuteAction:
    return ExecuteAction(title=tr("activation.show_org"), verb=verbs.SHOW_ORG,
                         data={"verb": verbs.SHOW_ORG, "org": organization_id})


def completed_card(tr: Messages, organization: str, organization_id: str) -> dict[str, Any]:
    return card([title(tr("activation.completed.title", organization=inert(organization))),
                 paragraph(tr("activation.completed.body", organization=inert(organization)))],
                [_show(tr, organization_id)])


def consent_failed_card(tr: Messages, organization: str, organization_id: str,
                        error: str) -> dict[str, Any]:
    return card([title(tr("activation.failed.title", organization=inert(organization))),
                 paragraph(tr("activation.failed.body", organization=inert(organization),
                              error=inert(error)), color="Attention")],
                [_show(tr, organization_id)])


def send_button(tr: Messages, organization_id: str) -> ExecuteAction:
    """'Send activation link' on an organization's card (admins, not onboarded)."""
    return ExecuteAction(title=tr("activation.button"), verb=verbs.SEND_ACTIVATION,
                         data={"verb": verbs.SEND_ACTIVATION, "org": organization_id})
