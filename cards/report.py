"""The monthly licence report card: the seats and their change, a chart and a table per
SKU, the partners' seats (for distributors and the provider), and the customers that
came, lapsed or were onboarded in the month."""

from __future__ import annotations

import datetime as dt
from typing import Any

from microsoft_teams.cards import (
    ExecuteAction,
    Fact,
    FactSet,
    HorizontalBarChart,
    HorizontalBarChartDataValue,
    Table,
    TableRow,
)

from cards import verbs
from cards.common import RIGHT, card, cell, fitting, inert, paragraph, table, title
from services.directory.reports import MonthlyReport, Seats
from services.directory.views import OrgRef
from services.i18n import Messages
from services.notifications.views import SubscriptionView

MAX_PARTNERS = 10  # the largest partners; the CSV holds them all
MAX_NAMES = 8  # names listed per change; the rest are counted


def _signed(tr: Messages, n: int) -> str:
    return f"+{tr.number(n)}" if n > 0 else ("−" + tr.number(-n) if n < 0 else "0")


def _table(header: str, rows: list[Seats], tr: Messages) -> Table:
    body = [TableRow(cells=[cell(inert(r.name)),
                            cell(tr.number(r.seats), horizontal_alignment=RIGHT),
                            cell(_signed(tr, r.change), horizontal_alignment=RIGHT,
                                 is_subtle=r.change == 0)]) for r in rows]
    return table([3, 2, 2], [header, tr("report.col.seats"), tr("report.col.change")], body,
                 right=(1, 2))


def _names(tr: Messages, key: str, orgs: list[OrgRef]) -> str:
    shown = ", ".join(inert(o.name) for o in orgs[:MAX_NAMES])
    if len(orgs) > MAX_NAMES:
        shown += " " + tr("report.more", n=len(orgs) - MAX_NAMES)
    return tr(key, n=len(orgs), names=shown or "—")


def report_card(report: MonthlyReport, tr: Messages, actions: list[Any] | None = None, *,
                ready: bool = False) -> dict[str, Any]:
    """READY: the card answers a click on a posted report's "Download CSV" (its link is
    the clicker's own now). The largest MAX_PARTNERS partners, fewer when long names
    would not fit in one Teams message (the CSV has them all)."""
    shown = min(MAX_PARTNERS, len(report.partners))
    return fitting(lambda n: _report_card(report, tr, actions, ready, n), shown,
                   least=min(1, shown))


def _report_card(report: MonthlyReport, tr: Messages, actions: list[Any] | None,
                 ready: bool, partners: int) -> dict[str, Any]:
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
        body.append(_table(tr("report.col.partner"), report.partners[:partners], tr))
        if len(report.partners) > partners:
            body.append(paragraph(tr("report.more_partners",
                                     n=len(report.partners) - partners),
                                  is_subtle=True, size="Small"))
    body += [paragraph(_names(tr, "report.new", report.new_customers), spacing="Medium"),
             paragraph(_names(tr, "report.lapsed", report.lapsed_customers)),
             paragraph(_names(tr, "report.onboarded", report.onboarded))]
    if ready:
        body.append(paragraph(tr("report.csv_ready"), is_subtle=True, size="Small"))
    return card(body, actions)


def posted_report_card(report: MonthlyReport, tr: Messages) -> dict[str, Any]:
    """The report a subscribed conversation gets each month. Its "Download CSV" asks the
    bot for a link of the clicker's own (a link is bound to one operator and lives ten
    minutes, so a posted card cannot carry one)."""
    data = {"verb": verbs.REPORT_CSV, "year": report.year, "month": report.month}
    return report_card(report, tr, [ExecuteAction(title=tr("export.button"),
                                                  verb=verbs.REPORT_CSV, data=data)])


def report_activity(report: MonthlyReport, language: str) -> dict[str, Any]:
    """The outbox activity of `posted_report_card`."""
    from cards.notifications import card_message
    from services.i18n import messages

    return card_message(posted_report_card(report, messages(language)))


def report_subscribed_card(view: SubscriptionView, next_on: dt.date,
                           tr: Messages) -> dict[str, Any]:
    key = "report.subscribed.personal" if view.kind == "personal" else "report.subscribed"
    return card([title(tr("report.subscribed.title")),
                 paragraph(tr(key, organization=inert(view.organization_name),
                              when=tr("notify.settings.at", time=view.notify_time or "?",
                                      zone=view.notify_tz or "?"))),
                 paragraph(tr("report.subscribed.next", date=tr.date(next_on)),
                           is_subtle=True),
                 paragraph(tr("report.subscribed.hint"), is_subtle=True, size="Small")])
