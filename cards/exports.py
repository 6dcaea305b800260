"""CSV exports of list, ranking, breakdown and monthly report cards: the sheet (a header line, the
column names, one row per item) as pure functions. The sheet
has the card's columns plus the ids (organization, parent, SKU codes, ISO country and
YYYY-MM month codes); `services.exports.csv` writes it for Excel in the language."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from cards import breakdown, ranking
from cards.describe import Described, describe
from services.directory.reports import MonthlyReport
from services.directory.views import OrgRow
from services.i18n import Messages

Value = str | int | float | dt.date | None

_ESCAPED = re.compile(r"\\(.)")


def plain(text: str) -> str:
    """Card text without the markdown escapes of `inert` (a CSV shows text as is)."""
    return _ESCAPED.sub(r"\1", text)


@dataclass(frozen=True)
class Sheet:
    title: str  # what was asked, as the card's heading states it
    columns: list[str]
    rows: list[list[Value]]


def list_sheet(kind: str, rows: list[OrgRow], described: Described,
               tr: Messages) -> Sheet:
    expiry_list = described.filters.expiry is not None
    columns = [tr("export.col.id"), tr("col.name"), tr("export.col.parent_id"),
               tr("col.parent.partner" if kind == "partner" else "col.parent"),
               tr("col.licenses"), tr("col.expires_in_range" if expiry_list else "col.expiry")]
    if expiry_list:
        columns.append(tr("col.renewal"))
    columns += [tr("col.skus"), tr("col.status")]
    out: list[list[Value]] = []
    for r in rows:
        line: list[Value] = [r.id, r.name, r.parent_id, r.parent_name, r.licenses,
                             r.match_date if expiry_list else r.expiry]
        if expiry_list:
            line.append(tr(f"renewal.{r.renewal}") if r.renewal else None)
        line += [" ".join(r.skus), tr(f"status.{r.onboarding}")]
        out.append(line)
    heading = f"{tr(f'kinds.{kind}')} {describe(described, tr)}".strip()
    return Sheet(plain(heading), columns, out)


def ranking_sheet(view: ranking.RankingView, tr: Messages) -> Sheet:
    r = view.ranking
    value = tr("col.licenses") if r.measure == "licenses" else tr("kinds.customer")
    columns = [tr("col.rank"), tr("export.col.id"), tr("col.name"),
               tr("export.col.parent_id"),
               tr("col.parent.partner" if r.kind == "partner" else "col.parent"), value]
    rows: list[list[Value]] = [[rank, i.id, i.name, i.parent_id, i.parent_name, i.value]
                               for rank, i in enumerate(r.items, start=1)]
    text = f"{ranking.heading(view, tr)}. {ranking.reading(view, tr)}"
    return Sheet(plain(text), columns, rows)


def breakdown_sheet(view: breakdown.BreakdownView, tr: Messages) -> Sheet:
    columns = [tr("export.col.id"), tr(f"breakdown.col.{view.group_by}"),
               breakdown.measure_name(view, tr)]
    rows: list[list[Value]] = [[g.id, g.name, g.value] for g in view.groups]
    text = f"{breakdown.heading(view, tr)}. {breakdown.reading(view, tr)}"
    return Sheet(plain(text), columns, rows)


def report_sheet(report: MonthlyReport, tr: Messages) -> Sheet:
    """The monthly licence report: the total, one row per SKU and per partner (seats on
    the month's last day, and the change), then the customers that came, lapsed or were
    onboarded in the month."""
    columns = [tr("report.col.section"), tr("export.col.id"), tr("col.name"),
               tr("report.col.seats"), tr("report.col.change")]
    rows: list[list[Value]] = [[tr("report.section.total"), None, report.organization,
                                report.seats, report.seats - report.previous_seats]]
    rows += [[tr("report.section.sku"), g.id, g.name, g.seats, g.change] for g in report.skus]
    rows += [[tr("report.section.partner"), p.id, p.name, p.seats, p.change]
             for p in report.partners]
    for key, orgs in (("new", report.new_customers), ("lapsed", report.lapsed_customers),
                      ("onboarded", report.onboarded)):
        rows += [[tr(f"report.section.{key}"), o.id, o.name, None, None] for o in orgs]
    month = tr.month(dt.date(report.year, report.month, 1))
    return Sheet(plain(tr("report.title", month=month, organization=report.organization)),
                 columns, rows)
