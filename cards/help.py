"""Welcome and help cards: what this operator can ask, given role and org kind."""

from __future__ import annotations

from typing import Any

from microsoft_teams.cards import ExecuteAction, TextBlock

from cards import verbs
from cards.common import card, inert, paragraph, stacked, title
from cards.followups import ask_button
from services.i18n import Messages
from services.scope import Page, Scope

PLACEHOLDER = "\u2039"  # "‹customer›": an example to complete, not to send as it is

EXAMPLES: dict[Page, tuple[str, ...]] = {
    Page.CUSTOMERS: (
        "help.example.customers_expiring",
        "help.example.customers_sku",
        "help.example.customer_licenses",
        "help.example.customers_lapsed",
    ),
    Page.PARTNERS: ("help.example.partners", "help.example.customers_of"),
    Page.DISTRIBUTORS: ("help.example.distributors",),
}


def _who(scope: Scope, tr: Messages) -> str:
    return tr("help.who", name=inert(scope.name), role=tr(f"role.{scope.role}"),
              organization=inert(scope.organization_name), kind=tr(f"kind.{scope.org_kind}"))


def _help_action(tr: Messages) -> ExecuteAction:
    return ExecuteAction(title=tr("action.help"), verb=verbs.HELP, data={"verb": verbs.HELP})


def _example(text: str) -> Any:
    """A whole question is a button that asks it; one with a ‹placeholder› is text."""
    if PLACEHOLDER in text:
        return paragraph(f"- {text}", spacing="Small")
    return stacked([ask_button(text, text)])[0]


def help_card(scope: Scope, tr: Messages) -> dict[str, Any]:
    pages = ", ".join(tr(f"page.{p.value}") for p in scope.pages)
    body: list[Any] = [
        title(tr("help.title")),
        paragraph(_who(scope, tr), is_subtle=True, spacing="None"),
        paragraph(tr("help.pages", pages=pages)),
        paragraph(tr("help.examples"), weight="Bolder"),
    ]
    for page in scope.pages:
        for key in EXAMPLES.get(page, ()):
            body.append(_example(tr(key)))
    org = inert(scope.organization_name)
    if scope.is_admin:
        body.append(paragraph(tr("help.admin.title"), weight="Bolder"))
        for key in ("help.admin.operators", "help.admin.activation",
                    "help.admin.notifications", "help.admin.audit"):
            body.append(paragraph(f"- {tr(key, organization=org)}", spacing="Small"))
    else:
        body.append(paragraph(tr("help.reader.note", organization=org)))
    body.append(TextBlock(text=tr("help.language"), wrap=True, is_subtle=True, size="Small"))
    return card(body)


def welcome_card(scope: Scope | None, tr: Messages) -> dict[str, Any]:
    body: list[Any] = [title(tr("welcome.title")), paragraph(tr("welcome.body"))]
    if scope is not None:
        body.append(paragraph(tr("welcome.signed_in", name=inert(scope.name),
                                 role=tr(f"role.{scope.role}"),
                                 organization=inert(scope.organization_name))))
    else:
        body.append(paragraph(tr("welcome.not_operator")))
    return card(body, [_help_action(tr)])
