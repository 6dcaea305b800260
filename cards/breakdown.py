"""A breakdown: a chart, a table of the groups with their values, and a line that says how
the question was read. Teams draws the chart (Chart.HorizontalBar / Chart.VerticalBar);
a client without charts (the Agents Playground, Outlook, Microsoft's JS renderer) shows
its fallback instead: the same bars drawn as proportional columns."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from microsoft_teams.cards import (
    Column,
    ColumnSet,
    Container,
    HorizontalBarChart,
    HorizontalBarChartDataValue,
    Table,
    TableRow,
    TextBlock,
    VerticalBarChart,
    VerticalBarChartDataValue,
)

from cards.common import RIGHT, card, cell, fitting, inert, paragraph, table, title
from cards.describe import Described, describe
from cards.download import download_actions
from services.directory.rankings import Group
from services.i18n import Messages
from services.understanding.ranges import DateRange

MAX_GROUPS = 15  # a card lists the largest groups; the ask answer holds them all


@dataclass(frozen=True)
class BreakdownView:
    kind: str  # the kind counted
    measure: str  # "licenses", "organizations" or "expiries"
    group_by: str  # "partner", "distributor", "sku", "country" or "month"
    groups: list[Group]  # names ready to show (country and month names in the language)
    described: Described  # the question's own filters (not the months of "per month")
    today: dt.date
    months: DateRange | None = None
    export_url: str | None = None  # "Download CSV" (every group)


def heading(view: BreakdownView, tr: Messages) -> str:
    return tr("breakdown.title", measure=measure_name(view, tr),
              group=tr(f"breakdown.group.{view.group_by}"))


def reading(view: BreakdownView, tr: Messages) -> str:
    group = tr(f"breakdown.group.{view.group_by}")
    kinds = tr(f"kinds.{view.kind}.lower")
    if view.months is not None:
        key = "breakdown.read.month_licenses" if view.measure == "licenses" \
            else "breakdown.read.months"
        text = tr(key, start=tr.date(view.months.start), end=tr.date(view.months.end))
    elif view.measure == "licenses":
        text = tr("breakdown.read.licenses", date=tr.date(view.today), group=group)
    else:
        text = tr("breakdown.read.organizations", kinds=kinds, group=group)
    description = describe(view.described, tr)
    if description:
        text += " " + tr("breakdown.filters", kinds=kinds, description=description)
    return f"{text} {tr('breakdown.zeros')}"


def _bars(groups: list[Group], tr: Messages) -> Container:
    """The chart for clients that have no chart element: one proportional bar a group."""
    top = max(g.value for g in groups)
    rows: list[Any] = []
    for g in groups:
        bar = [Column(width=g.value, style="accent", min_height="14px",
                      items=[TextBlock(text=" ", size="Small")])]
        if g.value < top:
            bar.append(Column(width=top - g.value, items=[TextBlock(text=" ", size="Small")]))
        rows.append(ColumnSet(spacing="Small", columns=[
            Column(width=3, vertical_content_alignment="Center",
                   items=[TextBlock(text=inert(g.name), size="Small", wrap=True)]),
            Column(width=5, vertical_content_alignment="Center",
                   items=[ColumnSet(columns=bar)]),
            Column(width=2, vertical_content_alignment="Center", items=[TextBlock(
                text=tr.number(g.value), size="Small", horizontal_alignment="Right")]),
        ]))
    return Container(items=rows)


def _chart(view: BreakdownView, groups: list[Group], chart_title: str,
           tr: Messages) -> Any:
    fallback = _bars(groups, tr)
    if view.group_by == "month":
        return VerticalBarChart(title=chart_title, show_bar_values=True, fallback=fallback,
                                data=[VerticalBarChartDataValue(x=inert(g.name), y=g.value)
                                      for g in groups])
    return HorizontalBarChart(title=chart_title, fallback=fallback,
                              data=[HorizontalBarChartDataValue(x=inert(g.name), y=g.value)
                                    for g in groups])


def measure_name(view: BreakdownView, tr: Messages) -> str:
    return tr(f"kinds.{view.kind}") if view.measure == "organizations" else tr(
        f"breakdown.measure.{view.measure}")


def _table(view: BreakdownView, groups: list[Group], tr: Messages) -> Table:
    rows = [TableRow(cells=[cell(inert(g.name)),
                            cell(tr.number(g.value), horizontal_alignment=RIGHT)])
            for g in groups]
    return table([1, "112px"], [tr(f"breakdown.col.{view.group_by}"),
                                measure_name(view, tr)], rows, right=(1,))


def breakdown_card(view: BreakdownView, tr: Messages) -> dict[str, Any]:
    chart_title = heading(view, tr)
    body: list[Any] = [title(chart_title),
                       paragraph(reading(view, tr), is_subtle=True, size="Small",
                                 spacing="None")]
    if not view.groups:
        body.append(paragraph(tr("breakdown.empty")))
        return card(body)
    largest = view.groups if view.group_by == "month" else view.groups[:MAX_GROUPS]

    def build(n: int) -> dict[str, Any]:  # fewer when long names would not fit
        shown = largest[:n]
        more = [paragraph(tr("breakdown.more", shown=len(shown),
                             total=tr.number(len(view.groups))), size="Small",
                          spacing="Small")] if len(shown) < len(view.groups) else []
        return card([*body, *more, _chart(view, shown, chart_title, tr),
                     _table(view, shown, tr)], download_actions(view.export_url, tr))

    return fitting(build, len(largest))
