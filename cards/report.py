"""The monthly licence report card: the seats and their change, a chart and a table per
SKU, the partners' seats (for distributors and the provider), and the customers that
came, lapsed or were onboarded in the month."""

from __future__ import annotations

import datetime as dt
from typing import Any

from microsoft_teams.cards import (
    ColumnDefinition,
    Fact,
    FactSet,
    HorizontalBarChart,
    HorizontalBarChartDataValue,
    Table,
    TableRow,
)

from cards.common import card, cell, inert, paragraph, title
from services.directory.reports import MonthlyReport, Seats
from services.directory.views import OrgRef
from services.i18n import Messages

MAX_PARTNERS = 10  # the largest partners; the CSV holds them all
MAX_NAMES = 8  # names listed per change; the rest are counted


def _signed(tr: Messages, n: int) -> str:
    return f"+{tr.number(n)}" if n > 0 else ("−" + tr.number(-n) if n < 0 else "0")


def _table(header: str, rows: list[Seats], tr: Messages) -> Table:
    right = "Right"
    head = TableRow(cells=[cell(header, weight="Bolder"),
                           cell(tr("report.col.seats"), weight="Bolder",
                                horizontal_alignment=right),
                           cell(tr("report.col.change"), weight="Bolder",
                                horizontal_alignment=right)])
    body = [TableRow(cells=[cell(inert(r.name)),
                            cell(tr.number(r.seats), horizontal_alignment=right),
                            cell(_signed(tr, r.change), horizontal_alignment=right,
                                 is_subtle=r.change == 0)]) for r in rows]
    return Table(columns=[ColumnDefinition(width=w) for w in (3, 2, 2)],
                 rows=[head, *body], first_row_as_headers=True, show_grid_lines=False)


def _names(tr: Messages, key: str, orgs: list[OrgRef]) -> str:
    shown = ", ".join(inert(o.name) for o in orgs[:MAX_NAMES])
    if len(orgs) > MAX_NAMES:
        shown += " " + tr("report.more", n=len(orgs) - MAX_NAMES)
    return tr(key, n=len(orgs), names=shown or "—")


def report_card(report: MonthlyReport, tr: Messages,
                actions: list[Any] | None = None) -> dict[str, Any]:
    month = tr.month(dt.date(report.year, report.month, 1))
    body: list[Any] = [
        title(tr("report.title", month=month, organization=inert(report.organization))),
        paragraph(tr("report.read", day=tr.date(report.day),
                     before=tr.date(report.previous_day)), is_subtle=True, spacing="None"),
        FactSet(facts=[
            Fact(title=tr("report.seats"), value=f"{tr.number(report.seats)} "
                 f"({_signed(tr, report.seats - report.previous_seats)})"),
            Fact(title=tr("report.added"), value=tr.number(report.added)),
            Fact(title=tr("report.removed"), value=tr.number(report.removed)),
        ]),
    ]
    if report.skus:
        body.append(HorizontalBarChart(
            title=tr("report.chart"), fallback="drop",
            data=[HorizontalBarChartDataValue(x=s.id, y=s.seats) for s in report.skus]))
        body.append(_table(tr("col.sku"), report.skus, tr))
    if report.partners:
        body.append(_table(tr("report.col.partner"), report.partners[:MAX_PARTNERS], tr))
        if len(report.partners) > MAX_PARTNERS:
            body.append(paragraph(tr("report.more_partners",
                                     n=len(report.partners) - MAX_PARTNERS),
                                  is_subtle=True, size="Small"))
    body += [paragraph(_names(tr, "report.new", report.new_customers), spacing="Medium"),
             paragraph(_names(tr, "report.lapsed", report.lapsed_customers)),
             paragraph(_names(tr, "report.onboarded", report.onboarded))]
    return card(body, actions)
