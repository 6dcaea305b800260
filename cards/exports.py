"""CSV exports of list, ranking and breakdown cards: the sheet (a header line, the
column names, one row per item) as pure functions. The sheet
has the card's columns plus the ids (organization, parent, SKU codes, ISO country and
YYYY-MM month codes); `services.exports.csv` writes it for Excel in the language."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from cards import breakdown, ranking
from cards.describe import Described, describe
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
