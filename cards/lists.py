"""Lists of organizations: a table with paging past one card."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from microsoft_teams.cards import (
    ColumnDefinition,
    ExecuteAction,
    Table,
    TableCell,
    TableRow,
    TextBlock,
)

from cards import verbs
from cards.common import card, cell, inert, paging, paragraph, title
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



def _date(value: dt.date | None, tr: Messages) -> str:
    return tr.date(value) if value else "—"


def _header(view: ListView, tr: Messages) -> TableRow:
    cells = [tr("col.name")]
    if view.show_parent:
        cells.append(tr("col.parent.partner" if view.kind == "partner" else "col.parent"))
    expiry_list = view.described.filters.expiry is not None
    cells += [tr("col.licenses"), tr("col.expires_in_range" if expiry_list else "col.expiry")]
    if expiry_list:
        cells.append(tr("col.renewal"))
    cells += [tr("col.skus"), tr("col.status")]
    return TableRow(cells=[cell(c, weight="Bolder") for c in cells])


RENEWAL_COLOR = {"at_risk": "Attention", "renewed": "Good"}


def _renewal(row: OrgRow, tr: Messages) -> TableCell:
    """Renewed / at risk, as text (a colour alone says nothing to a screen reader)."""
    if row.renewal is None:
        return cell("—")
    return cell(tr(f"renewal.{row.renewal}"), size="Small", weight="Bolder",
                color=RENEWAL_COLOR[row.renewal])


def _row(row: OrgRow, view: ListView, tr: Messages) -> TableRow:
    name = TableCell(items=[TextBlock(text=inert(row.name), wrap=True)],
                     select_action=ExecuteAction(verb=verbs.SHOW_ORG,
                                                 data={"verb": verbs.SHOW_ORG, "org": row.id}))
    cells = [name]
    if view.show_parent:
        cells.append(cell(inert(row.parent_name or "—")))
    expiry_list = view.described.filters.expiry is not None
    expiry = row.match_date if expiry_list else row.expiry
    cells += [
        cell(tr.number(row.licenses)),
        cell(_date(expiry, tr), color="Attention" if row.lapsed else None),
    ]
    if expiry_list:
        cells.append(_renewal(row, tr))
    cells += [
        cell(", ".join(row.skus) or "—", size="Small"),
        cell(tr(f"status.{row.onboarding}"), size="Small"),
    ]
    return TableRow(cells=cells)


def org_list_card(view: ListView, tr: Messages) -> dict[str, Any]:
    page = view.page
    heading = tr(f"kinds.{view.kind}")
    description = describe(view.described, tr)
    body: list[Any] = [title(f"{heading} {description}".strip())]
    if not page.rows:
        body.append(paragraph(tr("list.empty")))
        return card(body)
    first, last = page.offset + 1, page.offset + len(page.rows)
    body.append(paragraph(tr("list.page", first=first, last=last, total=tr.number(page.total)),
                          is_subtle=True, spacing="None"))
    width = [3, 2, 1, 2, 2, 1] if view.show_parent else [3, 1, 2, 2, 1]
    if view.described.filters.expiry is not None:
        width.insert(len(width) - 2, 2)  # the renewal column, after the expiry
    body.append(Table(columns=[ColumnDefinition(width=w) for w in width],
                      rows=[_header(view, tr)] + [_row(r, view, tr) for r in page.rows],
                      first_row_as_headers=True, show_grid_lines=False))
    buttons = paging(page.offset, len(page.rows), page.limit, page.total,
                     tr("list.previous"), tr("list.more"), verbs.LIST_PAGE, view.query_data)
    if buttons:
        body.append(buttons)
    return card(body, download_actions(view.export_url, tr))
