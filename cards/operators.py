"""The operators of an organization (the Operators page, admins only), paged."""

from __future__ import annotations

from typing import Any

from microsoft_teams.cards import (
    ColumnDefinition,
    Table,
    TableRow,
)

from cards import verbs
from cards.common import card, cell, inert, paging, paragraph, title
from services.i18n import Messages
from services.operators import OperatorsPage


def operators_card(organization: str, page: OperatorsPage, tr: Messages,
                   role: str | None = None) -> dict[str, Any]:
    """The operators of ORGANIZATION (of ROLE only: "who are the admins")."""
    heading = tr(f"operators.title.{role}", organization=inert(organization)) if role \
        else tr("operators.title", organization=inert(organization))
    body: list[Any] = [title(heading)]
    if not page.rows:
        body.append(paragraph(tr("list.empty")))
        return card(body)
    first, last = page.offset + 1, page.offset + len(page.rows)
    body.append(paragraph(tr("list.page", first=first, last=last, total=page.total),
                          is_subtle=True, spacing="None"))
    header = TableRow(cells=[cell(tr(k), weight="Bolder") for k in (
        "col.name", "col.email", "col.role", "col.status", "col.added_by", "col.last_seen")])
    rows = [TableRow(cells=[
        cell(inert(o.name)), cell(inert(o.email), size="Small"), cell(tr(f"role.{o.role}")),
        cell(tr(f"opstatus.{o.status}")), cell(inert(o.added_by or "—"), size="Small"),
        cell(tr.date(o.last_seen_at.date()) if o.last_seen_at else tr("never"), size="Small"),
    ]) for o in page.rows]
    body.append(Table(columns=[ColumnDefinition(width=w) for w in (2, 3, 1, 1, 2, 1)],
                      rows=[header, *rows], first_row_as_headers=True, show_grid_lines=False))
    buttons = paging(page.offset, len(page.rows), page.limit, page.total,
                     tr("list.previous"), tr("list.more"), verbs.OPERATORS_PAGE,
                     {"role": role} if role else {})
    if buttons:
        body.append(buttons)
    return card(body)
