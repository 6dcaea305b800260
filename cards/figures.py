"""Counts and totals: a headline figure and a chart where it helps."""

from __future__ import annotations

import datetime as dt
from typing import Any

from microsoft_teams.cards import (
    DonutChart,
    DonutChartData,
    HorizontalBarChart,
    HorizontalBarChartDataValue,
    TextBlock,
    VerticalBarChart,
    VerticalBarChartDataValue,
)

from cards.common import card, inert, title
from services.directory.views import Figure
from services.i18n import Messages


def _headline(value: int, tr: Messages) -> TextBlock:
    return TextBlock(text=tr.number(value), size="ExtraLarge", weight="Bolder",
                     color="Accent", spacing="Small")


def _month_label(label: str, tr: Messages) -> str:
    try:
        year, month = (int(x) for x in label.split("-"))
        return tr.month(dt.date(year, month, 1))
    except ValueError:
        return label


def count_card(heading: str, figure: Figure, by_month: bool, tr: Messages) -> dict[str, Any]:
    body: list[Any] = [title(heading), _headline(figure.value, tr)]
    if figure.value and len(figure.breakdown) > 1:
        if by_month:
            body.append(VerticalBarChart(
                title=tr("count.chart.months"), show_bar_values=True, fallback="drop",
                data=[VerticalBarChartDataValue(x=_month_label(b.label, tr), y=b.value)
                      for b in figure.breakdown[:24]]))
        else:
            body.append(DonutChart(
                title=tr("count.chart.onboarding"), fallback="drop",
                data=[DonutChartData(legend=tr(f"status.{b.label}"), value=b.value)
                      for b in figure.breakdown]))
    return card(body)


def total_card(heading: str, figure: Figure, sku_names: dict[str, str],
               tr: Messages) -> dict[str, Any]:
    body: list[Any] = [title(heading), _headline(figure.value, tr)]
    if len(figure.breakdown) > 1:
        body.append(HorizontalBarChart(
            title=tr("total.chart"), fallback="drop",
            data=[HorizontalBarChartDataValue(x=inert(sku_names.get(b.label, b.label)),
                                              y=b.value) for b in figure.breakdown]))
    return card(body)
