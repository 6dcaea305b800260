"""The operators of an organization (the Operators page, admins only), paged."""

from __future__ import annotations

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
from services.i18n import Messages
from services.operators import OperatorsPage


def _cell(text: str, **kwargs: Any) -> TableCell:
    return TableCell(items=[TextBlock(text=text, wrap=True, **kwargs)])


def _page_action(label: str, offset: int) -> ExecuteAction:
    return ExecuteAction(title=label, verb=verbs.OPERATORS_PAGE,
                         data={"verb": verbs.OPERATORS_PAGE, "offset": offset})


def operators_card(organization: str, page: OperatorsPage, tr: Messages) -> dict[str, Any]:
    body: list[Any] = [title(tr("operators.title", organization=inert(organization)))]
    if not page.rows:
        body.append(paragraph(tr("list.empty")))
        return card(body)
    first, last = page.offset + 1, page.offset + len(page.rows)
    body.append(paragraph(tr("list.page", first=first, last=last, total=page.total),
                          is_subtle=True, spacing="None"))
    header = TableRow(cells=[_cell(tr(k), weight="Bolder") for k in (
        "col.name", "col.email", "col.role", "col.status", "col.added_by", "col.last_seen")])
    rows = [TableRow(cells=[
        _cell(inert(o.name)), _cell(inert(o.email), size="Small"), _cell(tr(f"role.{o.role}")),
        _cell(tr(f"opstatus.{o.status}")), _cell(inert(o.added_by or "—"), size="Small"),
        _cell(tr.date(o.last_seen_at.date()) if o.last_seen_at else tr("never"), size="Small"),
    ]) for o in page.rows]
    body.append(Table(columns=[ColumnDefinition(width=w) for w in (2, 3, 1, 1, 2, 1)],
                      rows=[header, *rows], first_row_as_headers=True, show_grid_lines=False))
    actions: list[Any] = []
    if page.offset > 0:
        actions.append(_page_action(tr("list.previous"), max(0, page.offset - page.limit)))
    if last < page.total:
        actions.append(_page_action(tr("list.more"), last))
    if actions:
        body.append(ActionSet(actions=actions))
    return card(body)
