"""The card an activation link's sender gets when the customer's consent came from a
Microsoft 365 tenant that is not (known to be) the tenant of the customer's domain:
confirm onboarding with that tenant, or cancel. The buttons carry the link id and the
tenant shown; the server decides everything else from the clicker's scope and the link."""

from __future__ import annotations

from typing import Any

from microsoft_teams.cards import ExecuteAction, Fact, FactSet

from cards import verbs
from cards.common import card, inert, paragraph, title
from services.activation import Completion
from services.i18n import Messages


def pending_card(tr: Messages, pending: Completion) -> dict[str, Any]:
    assert pending.pending_tenant is not None and pending.link_id is not None
    values = {"organization": inert(pending.organization_name),
              "tenant": pending.pending_tenant, "domain": inert(pending.domain or ""),
              "domain_tenant": pending.domain_tenant or ""}
    why = "activation.pending.nodomain" if not pending.domain else \
        "activation.pending.unknown" if pending.domain_tenant is None else \
        "activation.pending.other"
    facts = [Fact(title=tr("activation.pending.consenting"), value=pending.pending_tenant)]
    if pending.domain:
        facts.append(Fact(title=tr("activation.pending.domain_tenant", domain=values["domain"]),
                          value=pending.domain_tenant or "?"))
    data = {"link": pending.link_id}
    return card(
        [title(tr("activation.pending.title", **values)), paragraph(tr(why, **values)),
         FactSet(facts=facts), paragraph(tr("activation.pending.advice", **values),
                                         is_subtle=True, size="Small")],
        [ExecuteAction(title=tr("activation.pending.confirm_short"),
                       tooltip=tr("activation.pending.confirm", **values),
                       verb=verbs.CONFIRM_ACTIVATION, style="positive",
                       data={"verb": verbs.CONFIRM_ACTIVATION, **data,
                             "tenant": pending.pending_tenant}),
         ExecuteAction(title=tr("activation.pending.cancel"), verb=verbs.CANCEL_ACTIVATION,
                       data={"verb": verbs.CANCEL_ACTIVATION, **data})])


def confirmed_card(tr: Messages, done: Completion, who: str) -> dict[str, Any]:
    values = {"organization": inert(done.organization_name), "tenant": done.tenant_id or "",
              "who": inert(who)}
    return card([title(tr("activation.completed.title", **values)),
                 paragraph(tr("activation.pending.confirmed", **values))],
                [ExecuteAction(title=tr("activation.show_org"), verb=verbs.SHOW_ORG,
                               data={"verb": verbs.SHOW_ORG, "org": done.organization_id})])


def cancelled_card(tr: Messages, organization: str) -> dict[str, Any]:
    return card([paragraph(tr("activation.pending.cancelled",
                              organization=inert(organization)))])
