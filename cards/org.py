"""One organization: a headline for the question asked, facts and its subscriptions."""

from __future__ import annotations

from typing import Any

from microsoft_teams.cards import (
    ColumnDefinition,
    Fact,
    FactSet,
    Table,
    TableRow,
)

from cards.activation import send_button
from cards.common import card, cell, inert, paragraph, title
from services.directory.views import OrgDetail
from services.i18n import Messages


def headline(detail: OrgDetail, intent: str, tr: Messages) -> str:
    name = inert(detail.name)
    if intent == "org_licenses":
        return tr("org.headline.licenses", name=name, n=tr.number(detail.licenses))
    if intent == "org_skus":
        skus = detail.active_skus
        if not skus:
            return tr("org.headline.no_skus", name=name)
        return tr("org.headline.skus", name=name, n=len(skus),
                  skus=", ".join(inert(s.name) for s in skus))
    if intent == "org_onboarding":
        return tr("org.headline.onboarding", name=name,
                  status=tr(f"status.{detail.onboarding}").lower())
    if detail.expiry is None:
        return tr("org.headline.no_expiry", name=name)
    if detail.lapsed:
        return tr("org.headline.expired", name=name, date=tr.date(detail.expiry))
    return tr("org.headline.expiry", name=name, date=tr.date(detail.expiry))



def org_card(detail: OrgDetail, intent: str, tr: Messages,
             can_activate: bool = False) -> dict[str, Any]:
    """CAN_ACTIVATE adds 'Send activation link' (an admin, the organization not onboarded)."""
    actions = [send_button(tr, detail.id)] if can_activate else None
    facts = [Fact(title=tr("org.kind"), value=tr(f"kind.{detail.kind}"))]
    if detail.parent_name:
        facts.append(Fact(title=tr("org.parent"), value=inert(detail.parent_name)))
    if detail.domain:
        facts.append(Fact(title=tr("org.domain"), value=inert(detail.domain)))
    if detail.country:
        facts.append(Fact(title=tr("org.country"), value=detail.country))
    facts.append(Fact(title=tr("org.onboarding"), value=tr(f"status.{detail.onboarding}")))
    facts.append(Fact(title=tr("org.licenses"), value=tr.number(detail.licenses)))
    if detail.expiry:
        expiry = tr.date(detail.expiry)
        facts.append(Fact(title=tr("org.expiry"), value=f"{expiry} ({tr('org.lapsed')})"
                          if detail.lapsed else expiry))
    body: list[Any] = [
        title(inert(detail.name)),
        paragraph(headline(detail, intent, tr), weight="Bolder", spacing="Small"),
        FactSet(facts=facts),
        paragraph(tr("org.subscriptions"), weight="Bolder"),
    ]
    if not detail.subscriptions:
        body.append(paragraph(tr("org.no_subscriptions")))
        return card(body, actions)
    header = TableRow(cells=[cell(tr(k), weight="Bolder") for k in (
        "col.sku", "col.licenses", "col.starts", "col.expiry", "col.active")])
    rows = [TableRow(cells=[
        cell(inert(s.sku_name)), cell(tr.number(s.licenses)), cell(tr.date(s.starts_on)),
        cell(tr.date(s.expires_on), color=None if s.active else "Attention"),
        cell(tr("yes" if s.active else "no")),
    ]) for s in detail.subscriptions[:30]]
    body.append(Table(columns=[ColumnDefinition(width=w) for w in (3, 1, 2, 2, 1)],
                      rows=[header, *rows], first_row_as_headers=True, show_grid_lines=False))
    return card(body, actions)
