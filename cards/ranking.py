"""A ranking: a numbered table (rank, name with its parent under it where it helps, the
value right-aligned) and a line that says how the question was read (kind, measure,
filters, date)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from microsoft_teams.cards import ExecuteAction, TableCell, TableRow, TextBlock

from cards import verbs
from cards.common import RIGHT, card, cell, fitting, inert, note, paragraph, table, title
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


# The rank, the name (its parent under it, where it helps), the value: the rank and the
# value in columns of fixed width that fit their header ("Customers") at any card width.
WIDTHS: list[int | str] = ["56px", 1, "96px"]


def _header(view: RankingView, tr: Messages) -> list[str]:
    r = view.ranking
    value = tr("col.licenses") if r.measure == "licenses" else tr("kinds.customer")
    return [tr("col.rank"), tr("col.name"), value]


def _rows(view: RankingView, tr: Messages, count: int) -> list[TableRow]:
    rows = []
    for rank, item in enumerate(view.ranking.items[:count], start=1):
        items: list[Any] = [TextBlock(text=inert(item.name), wrap=True)]
        if view.show_parent:
            items.append(note(inert(item.parent_name or "—"), is_subtle=True))
        name = TableCell(items=items, select_action=ExecuteAction(verb=verbs.SHOW_ORG, data={
            "verb": verbs.SHOW_ORG, "org": item.id}))
        rows.append(TableRow(cells=[
            cell(tr.number(rank), is_subtle=True, horizontal_alignment=RIGHT), name,
            cell(tr.number(item.value), weight="Bolder" if rank == 1 else None,
                 horizontal_alignment=RIGHT)]))
    return rows


def ranking_card(view: RankingView, tr: Messages) -> dict[str, Any]:
    body: list[Any] = [title(heading(view, tr)),
                       paragraph(reading(view, tr), is_subtle=True, size="Small",
                                 spacing="None")]
    if not view.ranking.items:
        body.append(paragraph(tr("rank.empty")))
        return card(body)
    items = view.ranking.items

    def build(n: int) -> dict[str, Any]:
        shown: list[Any] = [table(WIDTHS, _header(view, tr), _rows(view, tr, n),
                                  right=(0, 2))]
        if n < len(items):  # long names: not all fit in one Teams message
            shown.append(paragraph(tr("card.shown", shown=n, total=len(items)),
                                   is_subtle=True, size="Small"))
        return card(body + shown, download_actions(view.export_url, tr))

    return fitting(build, len(items))
