"""The audit log of an organization (admins)."""

from __future__ import annotations

from typing import Any

from microsoft_teams.cards import ColumnDefinition, Table, TableRow

from cards.common import card, cell, inert, paragraph, title
from services.audit import AuditEntry
from services.i18n import Messages


def audit_card(organization: str, entries: list[AuditEntry], tr: Messages) -> dict[str, Any]:
    body: list[Any] = [title(tr("audit.title", organization=inert(organization)))]
    if not entries:
        body.append(paragraph(tr("audit.empty")))
        return card(body)
    header = TableRow(cells=[cell(tr(k), weight="Bolder") for k in (
        "audit.col.when", "audit.col.who", "audit.col.what", "audit.col.target")])
    rows = [TableRow(cells=[
        cell(tr.date(e.at.date()), size="Small"), cell(inert(e.actor), size="Small"),
        cell(inert(e.action), size="Small"), cell(inert(e.target or "—"), size="Small"),
    ]) for e in entries]
    body.append(Table(columns=[ColumnDefinition(width=w) for w in (2, 3, 3, 3)],
                      rows=[header, *rows], first_row_as_headers=True, show_grid_lines=False))
    return card(body)
