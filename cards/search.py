"""The search message extension's answers ("Find a customer"): one result per
organization, a preview for the picker and the card it inserts into the conversation."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from microsoft_teams.cards import (
    ActionSet,
    Container,
    ExecuteAction,
    Fact,
    FactSet,
    SubmitAction,
    TextBlock,
)

from cards import verbs
from cards.common import card, inert, paragraph, title
from services.directory.views import OrgRow
from services.i18n import Messages

ADAPTIVE = "application/vnd.microsoft.card.adaptive"
THUMBNAIL = "application/vnd.microsoft.card.thumbnail"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _plain(text: str | None) -> str:
    """Data shown in a thumbnail preview (which renders some HTML): no tags, no controls."""
    cleaned = _CONTROL.sub(" ", text or "")
    return cleaned.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def renewal_of(row: OrgRow) -> str | None:
    """'renewed' / 'at_risk' when the organization expires in the next 90 days (the
    search reads its rows with that range, SPEC section 1), else None."""
    return row.renewal if row.match_date is not None else None


def _kind(row: OrgRow, tr: Messages) -> str:
    kind = tr(f"kind.{row.kind}")
    return kind[:1].upper() + kind[1:]


def _expiry(row: OrgRow, tr: Messages) -> str:
    if row.expiry is None:
        return tr("search.no_expiry")
    date = tr.date(row.expiry)
    return f"{date} ({tr('org.lapsed')})" if row.lapsed else date


def _summary(row: OrgRow, tr: Messages) -> str:
    """One line: licences, expiry and renewal, each said in words."""
    parts = [tr("search.licences", n=tr.number(row.licenses)), tr("search.expiry",
                                                                  date=_expiry(row, tr))]
    renewal = renewal_of(row)
    if renewal is not None:
        parts.append(tr(f"renewal.{renewal}"))
    return " · ".join(parts)


def shared_org_card(row: OrgRow, sku_names: dict[str, str], tr: Messages,
                    today: dt.date) -> dict[str, Any]:
    """The card a search result inserts: what a colleague needs to see at a glance.
    Its 'Details' button is answered from the clicker's own scope."""
    kind = _kind(row, tr)
    subtitle = f"{kind} · {inert(row.parent_name)}" if row.parent_name else kind
    skus = ", ".join(inert(sku_names.get(code, code)) for code in row.skus) or "—"
    facts = [Fact(title=tr("org.licenses"), value=tr.number(row.licenses)),
             Fact(title=tr("org.expiry"), value=_expiry(row, tr)),
             Fact(title=tr("search.skus"), value=skus),
             Fact(title=tr("org.onboarding"), value=tr(f"status.{row.onboarding}"))]
    renewal = renewal_of(row)
    if renewal is not None:
        facts.append(Fact(title=tr("col.renewal"), value=tr(f"renewal.{renewal}")))
    body: list[Any] = [title(inert(row.name)),
                       paragraph(subtitle, is_subtle=True, spacing="None"),
                       FactSet(facts=facts),
                       TextBlock(text=tr("search.as_of", date=tr.date(today)), wrap=True,
                                 size="Small", is_subtle=True)]
    details = ExecuteAction(title=tr("search.details"), verb=verbs.SHOW_ORG,
                            data={"verb": verbs.SHOW_ORG, "org": row.id})
    return card(body, [details])


def search_results(rows: list[OrgRow], sku_names: dict[str, str], tr: Messages,
                   today: dt.date) -> dict[str, Any]:
    """A composeExtension result: a list of previews, each inserting its card."""
    attachments = []
    for row in rows:
        preview = {"contentType": THUMBNAIL, "content": {
            "title": _plain(row.name),
            "subtitle": _plain(_kind(row, tr) + (f" · {row.parent_name}"
                                                         if row.parent_name else "")),
            "text": _plain(_summary(row, tr))}}
        attachments.append({"contentType": ADAPTIVE,
                            "content": shared_org_card(row, sku_names, tr, today),
                            "preview": preview})
    return {"type": "result", "attachmentLayout": "list", "attachments": attachments}


def extension_message(invoke: str, text: str) -> dict[str, Any]:
    """An invoke answer that is only a message (no match, not allowed…): a task module's
    for a message action's fetchTask, else a composeExtension's."""
    if invoke.endswith("/fetchTask"):
        return {"task": {"type": "message", "value": text}}
    return {"composeExtension": {"type": "message", "text": text}}


def message_lookup_task(rows: list[OrgRow], tr: Messages) -> dict[str, Any]:
    """A message's "…" menu: the organizations it names, each with a Share button that
    inserts its card (Teams sends the button's data back as composeExtension/submitAction)."""
    body: list[Any] = [title(tr("search.lookup.title"))]
    for row in rows:
        share = SubmitAction(title=tr("search.share"), data={"org": row.id})
        body.append(Container(separator=True, items=[
            paragraph(inert(row.name), weight="Bolder"),
            paragraph(_summary(row, tr), is_subtle=True, spacing="None"),
            ActionSet(actions=[share])]))
    content = card(body)
    return {"task": {"type": "continue", "value": {
        "title": tr("search.lookup.task_title"), "height": "medium", "width": "medium",
        "card": {"contentType": ADAPTIVE, "content": content}}}}
