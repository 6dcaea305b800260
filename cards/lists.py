"""Lists of organizations: a table with paging past one card. Three columns, so that it
reads on a phone as on Teams' desktop: the organization (with its parent, SKUs and
onboarding status under its name), its licences (right-aligned) and its expiry (with
renewed / at risk / expired in words under the date)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from microsoft_teams.cards import ExecuteAction, TableCell, TableRow, TextBlock

from cards import verbs
from cards.common import (
    RIGHT,
    card,
    cell,
    fitting,
    inert,
    note,
    paging,
    paragraph,
    table,
    title,
)
from cards.describe import Described, describe
from cards.download import download_actions
from services.directory.views import OrgPage, OrgRow
from services.i18n import Messages

PAGE_SIZE = 10


@dataclass(frozen=True)
class ListView:
    kind: str
    page: OrgPage
    described: Described
    show_parent: bool  # the viewer sees several levels (distributor / provider)
    query_data: dict[str, Any]  # the query, sent back by "Next" / "Previous"
    export_url: str | None = None  # "Download CSV" (the whole list)


MAX_SKUS = 4  # SKU codes named on a row; the rest counted ("+2"), the CSV has them all
# Columns: the organization (its parent, SKUs and onboarding in small lines under its
# name), then two of fixed width that fit their header and values at any card width.
WIDTHS: list[int | str] = [1, "84px", "116px"]


def _date(value: dt.date | None, tr: Messages) -> str:
    return tr.date(value) if value else "—"


def skus_text(skus: tuple[str, ...]) -> str:
    shown = ", ".join(skus[:MAX_SKUS]) or "—"
    return f"{shown} +{len(skus) - MAX_SKUS}" if len(skus) > MAX_SKUS else shown


def _header(view: ListView, tr: Messages) -> list[str]:
    expiry_list = view.described.filters.expiry is not None
    return [tr("col.name"), tr("col.licenses"),
            tr("col.expires_in_range" if expiry_list else "col.expiry")]


RENEWAL_COLOR = {"at_risk": "Attention", "renewed": "Good"}


def _name(row: OrgRow, view: ListView, tr: Messages) -> TableCell:
    """The name (a click shows the organization), then its parent, SKUs and status."""
    details = [inert(row.parent_name or "—")] if view.show_parent else []
    details += [skus_text(row.skus), tr(f"status.{row.onboarding}")]
    return TableCell(items=[TextBlock(text=inert(row.name), wrap=True),
                            note(" · ".join(details), is_subtle=True)],
                     select_action=ExecuteAction(verb=verbs.SHOW_ORG,
                                                 data={"verb": verbs.SHOW_ORG, "org": row.id}))


def _expiry(row: OrgRow, view: ListView, tr: Messages) -> TableCell:
    """The date, then in words (a colour alone says nothing to a screen reader): renewed
    or at risk (an expiry list), expired (the organization has lapsed)."""
    expiry_list = view.described.filters.expiry is not None
    expiry = row.match_date if expiry_list else row.expiry
    items: list[Any] = [TextBlock(text=_date(expiry, tr), wrap=True,
                                  color="Attention" if row.lapsed else None)]
    if expiry_list and row.renewal is not None:
        items.append(note(tr(f"renewal.{row.renewal}"), weight="Bolder",
                          color=RENEWAL_COLOR[row.renewal]))
    if row.lapsed:
        items.append(note(tr("org.lapsed").capitalize(), color="Attention"))
    return TableCell(items=items)


def _row(row: OrgRow, view: ListView, tr: Messages) -> TableRow:
    return TableRow(cells=[_name(row, view, tr),
                           cell(tr.number(row.licenses), horizontal_alignment=RIGHT),
                           _expiry(row, view, tr)])


def org_list_card(view: ListView, tr: Messages) -> dict[str, Any]:
    """A page of the list: its rows, or fewer when they would not fit in one Teams
    message ("Next" goes on from the last row shown)."""
    if not view.page.rows:
        return card([_title(view, tr), paragraph(tr("list.empty"))])
    return fitting(lambda n: _page_card(view, tr, view.page.rows[:n]), len(view.page.rows))


def _title(view: ListView, tr: Messages) -> Any:
    heading = tr(f"kinds.{view.kind}")
    return title(f"{heading} {describe(view.described, tr)}".strip())


def _page_card(view: ListView, tr: Messages, rows: list[OrgRow]) -> dict[str, Any]:
    page = view.page
    first, last = page.offset + 1, page.offset + len(rows)
    body: list[Any] = [
        _title(view, tr),
        paragraph(tr("list.page", first=tr.number(first), last=tr.number(last),
                     total=tr.number(page.total)),
                  is_subtle=True, spacing="None"),
        table(WIDTHS, _header(view, tr), [_row(r, view, tr) for r in rows], right=(1,))]
    buttons = paging(page.offset, len(rows), page.limit, page.total,
                     tr("list.previous"), tr("list.more"), verbs.LIST_PAGE, view.query_data)
    if buttons:
        body.append(buttons)
    return card(body, download_actions(view.export_url, tr))
