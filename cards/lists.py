"""Lists of organizations: a table with paging past one card."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from microsoft_teams.cards import (
    ActionSet,
    ColumnDefinition,
    ExecuteAction,
    Table,
    TableCell,
    TableRow,
    TextBlock,
)

from cards import verbs
from cards.common import card, inert, paragraph, title
from cards.describe import Described, describe
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


def _cell(text: str, **kwargs: Any) -> TableCell:
    return TableCell(items=[TextBlock(text=text, wrap=True, **kwargs)])


def _date(value: dt.date | None, tr: Messages) -> str:
    return tr.date(value) if value else "—"


def _header(view: ListView, tr: Messages) -> TableRow:
    cells = [tr("col.name")]
    if view.show_parent:
        cells.append(tr("col.parent.partner" if view.kind == "partner" else "col.parent"))
    cells += [tr("col.licenses"), tr("col.expires_in_range" if view.described.filters.expiry
                                     else "col.expiry"), tr("col.skus"), tr("col.status")]
    return TableRow(cells=[_cell(c, weight="Bolder") for c in cells])


def _row(row: OrgRow, view: ListView, tr: Messages) -> TableRow:
    name = TableCell(items=[TextBlock(text=inert(row.name), wrap=True)],
                     select_action=ExecuteAction(verb=verbs.SHOW_ORG,
                                                 data={"verb": verbs.SHOW_ORG, "org": row.id}))
    cells = [name]
    if view.show_parent:
        cells.append(_cell(inert(row.parent_name or "—")))
    expiry = row.match_date if view.described.filters.expiry else row.expiry
    cells += [
        _cell(tr.number(row.licenses)),
        _cell(_date(expiry, tr), color="Attention" if row.lapsed else None),
        _cell(", ".join(row.skus) or "—", size="Small"),
        _cell(tr(f"status.{row.onboarding}"), size="Small"),
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
    body.append(Table(columns=[ColumnDefinition(width=w) for w in width],
                      rows=[_header(view, tr)] + [_row(r, view, tr) for r in page.rows],
                      first_row_as_headers=True, show_grid_lines=False))
    actions: list[Any] = []
    if page.offset > 0:
        actions.append(_page_action(tr("list.previous"), view, max(0, page.offset - page.limit)))
    if last < page.total:
        actions.append(_page_action(tr("list.more"), view, last))
    if actions:
        body.append(ActionSet(actions=actions))
    return card(body)


def _page_action(label: str, view: ListView, offset: int) -> ExecuteAction:
    data = {"verb": verbs.LIST_PAGE, **view.query_data, "offset": offset}
    return ExecuteAction(title=label, verb=verbs.LIST_PAGE, data=data)
