"""A ranking: a numbered table (rank, name, parent where it helps, the value right-aligned)
and a line that says how the question was read (kind, measure, filters, date)."""

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
from cards.common import card, cell, inert, paragraph, title
from cards.describe import Described, describe
from cards.download import download_actions
from services.directory.rankings import Ranking
from services.i18n import Messages


@dataclass(frozen=True)
class RankingView:
    ranking: Ranking
    described: Described  # the filters as applied, with display names
    limit: int  # how many were asked for (the title says "top N")
    show_parent: bool  # the viewer sees several levels (distributor / provider)
    today: dt.date  # licenses are counted on this day
    export_url: str | None = None  # "Download CSV"


def heading(view: RankingView, tr: Messages) -> str:
    r = view.ranking
    measure = tr(f"rank.measure.{r.measure}")
    if view.limit == 1:
        return tr("rank.title.one", kind=tr(f"kind.{r.kind}"), measure=measure)
    return tr("rank.title", n=view.limit, kinds=tr(f"kinds.{r.kind}.lower"), measure=measure)


def reading(view: RankingView, tr: Messages) -> str:
    """How the question was read: what is ranked, by what, on which day, with what."""
    r = view.ranking
    key = "rank.read.organizations" if r.measure == "organizations" else (
        "rank.read.licenses" if r.kind == "customer" else "rank.read.customer_licenses")
    text = tr(key, kinds=tr(f"kinds.{r.kind}.lower"), ranked=tr.number(r.ranked),
              date=tr.date(view.today))
    description = describe(view.described, tr)
    if description:
        counted = "rank.filters.ranked" if r.kind == "customer" else "rank.filters.counted"
        text += " " + tr(counted, description=description)
    return text


def _header(view: RankingView, tr: Messages) -> TableRow:
    r = view.ranking
    cells = [cell(tr("col.rank"), weight="Bolder"), cell(tr("col.name"), weight="Bolder")]
    if view.show_parent:
        cells.append(cell(tr("col.parent.partner" if r.kind == "partner" else "col.parent"),
                          weight="Bolder"))
    value = tr("col.licenses") if r.measure == "licenses" else tr("kinds.customer")
    cells.append(cell(value, weight="Bolder", horizontal_alignment="Right"))
    return TableRow(cells=cells)


def _rows(view: RankingView, tr: Messages) -> list[TableRow]:
    rows = []
    for rank, item in enumerate(view.ranking.items, start=1):
        name = TableCell(items=[TextBlock(text=inert(item.name), wrap=True)],
                         select_action=ExecuteAction(verb=verbs.SHOW_ORG, data={
                             "verb": verbs.SHOW_ORG, "org": item.id}))
        cells = [cell(tr.number(rank), is_subtle=True), name]
        if view.show_parent:
            cells.append(cell(inert(item.parent_name or "—"), size="Small"))
        cells.append(cell(tr.number(item.value), weight="Bolder" if rank == 1 else None,
                          horizontal_alignment="Right"))
        rows.append(TableRow(cells=cells))
    return rows


def ranking_card(view: RankingView, tr: Messages) -> dict[str, Any]:
    body: list[Any] = [title(heading(view, tr)),
                       paragraph(reading(view, tr), is_subtle=True, size="Small",
                                 spacing="None")]
    if not view.ranking.items:
        body.append(paragraph(tr("rank.empty")))
        return card(body)
    widths: list[int] = [2, 7, 5, 3] if view.show_parent else [2, 10, 3]
    columns = [ColumnDefinition(width=w) for w in widths]
    columns[-1] = ColumnDefinition(width=widths[-1], horizontal_cell_content_alignment="Right")
    body.append(Table(columns=columns, rows=[_header(view, tr), *_rows(view, tr)],
                      first_row_as_headers=True, show_grid_lines=False))
    return card(body, download_actions(view.export_url, tr))
