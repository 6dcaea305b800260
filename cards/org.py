"""One organization: a headline for the question asked, facts and its subscriptions (a
table of three columns that reads on a phone as on Teams' desktop: the SKU with its term
under it, the licences right-aligned, active or not in words)."""

from __future__ import annotations

from typing import Any

from microsoft_teams.cards import Fact, FactSet, Table, TableCell, TableRow, TextBlock

from cards.activation import send_button
from cards.common import RIGHT, card, cell, fitting, inert, note, paragraph, table, title
from services.directory.views import OrgDetail, SubscriptionView
from services.i18n import Messages

MAX_SUBSCRIPTIONS = 30
WIDTHS: list[int | str] = [1, "84px", "72px"]


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
    subscriptions = detail.subscriptions[:MAX_SUBSCRIPTIONS]

    def build(n: int) -> dict[str, Any]:  # fewer when long names would not fit
        shown: list[Any] = [_subscriptions(subscriptions[:n], tr)]
        if n < len(detail.subscriptions):
            shown.append(paragraph(tr("card.shown", shown=n,
                                      total=len(detail.subscriptions)),
                                   is_subtle=True, size="Small"))
        return card(body + shown, actions)

    return fitting(build, len(subscriptions))


def _subscriptions(subscriptions: list[SubscriptionView], tr: Messages) -> Table:
    rows = [TableRow(cells=[
        TableCell(items=[TextBlock(text=inert(s.sku_name), wrap=True),
                         note(tr("org.term", starts=tr.date(s.starts_on),
                                 expires=tr.date(s.expires_on)), is_subtle=True)]),
        cell(tr.number(s.licenses), horizontal_alignment=RIGHT),
        cell(tr("yes" if s.active else "no"), weight=None if s.active else "Bolder",
             color=None if s.active else "Attention"),
    ]) for s in subscriptions]
    return table(WIDTHS, [tr(k) for k in ("col.sku", "col.licenses", "col.active")],
                 rows, right=(1,))
