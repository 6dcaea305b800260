"""The operators of an organization (the Operators page, admins only)."""

from __future__ import annotations

from typing import Any

from microsoft_teams.cards import ColumnDefinition, Table, TableCell, TableRow, TextBlock

from cards.common import card, inert, paragraph, title
from services.directory.views import OperatorRow
from services.i18n import Messages


def _cell(text: str, **kwargs: Any) -> TableCell:
    return TableCell(items=[TextBlock(text=text, wrap=True, **kwargs)])


def operators_card(organization: str, operators: list[OperatorRow],
                   tr: Messages) -> dict[str, Any]:
    body: list[Any] = [title(tr("operators.title", organization=inert(organization))),
                       paragraph(tr("list.count", total=len(operators)), is_subtle=True,
                                 spacing="None")]
    header = TableRow(cells=[_cell(tr(k), weight="Bolder") for k in (
        "col.name", "col.email", "col.role", "col.status", "col.added_by", "col.last_seen")])
    rows = [TableRow(cells=[
        _cell(inert(o.name)), _cell(inert(o.email), size="Small"), _cell(tr(f"role.{o.role}")),
        _cell(tr(f"opstatus.{o.status}")), _cell(inert(o.added_by or "—"), size="Small"),
        _cell(tr.date(o.last_seen_at.date()) if o.last_seen_at else tr("never"), size="Small"),
    ]) for o in operators[:50]]
    body.append(Table(columns=[ColumnDefinition(width=w) for w in (2, 3, 1, 1, 2, 1)],
                      rows=[header, *rows], first_row_as_headers=True, show_grid_lines=False))
    return card(body)
