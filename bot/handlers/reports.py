"""The monthly licence report on demand ("licence report for October", "rapport mensuel
des licences"): seats per SKU and partner, and what changed in the month."""

from __future__ import annotations

import datetime as dt

from bot.turn.context import Reply, Request
from cards.notices import notice_card
from cards.report import report_card
from services.directory.reports import MonthlyReports
from services.understanding.model import Intent


def report_month(req: Request) -> tuple[int, int]:
    """The month asked for: the one the question names (a month named without a year is
    its last occurrence: a report is of the past), else the last complete month."""
    today, expiry = req.today, req.query.filters.expiry
    if expiry is None:
        first = today.replace(day=1) - dt.timedelta(days=1)
        return first.year, first.month
    year, month = expiry.start.year, expiry.start.month
    if (year, month) > (today.year, today.month):
        year -= 1
    return year, month


async def handle_licence_report(req: Request) -> Reply:
    year, month = report_month(req)
    if (year, month) > (req.today.year, req.today.month):
        message = req.tr("report.future")
        return Reply(Intent.LICENCE_REPORT, notice_card(message),
                     {"intent": Intent.LICENCE_REPORT, "error": "bad_request",
                      "message": message})
    report = await MonthlyReports(req.services.directory.sessions).report(
        req.scope, year, month, req.today)
    answer = {
        "intent": Intent.LICENCE_REPORT, "month": f"{year}-{month:02d}",
        "value": report.seats, "previous": report.previous_seats, "added": report.added,
        "removed": report.removed,
        "groups": [{"id": s.id, "name": s.name, "value": s.seats} for s in report.skus],
        "partners": [{"id": p.id, "name": p.name, "value": p.seats} for p in report.partners],
        "new": [c.id for c in report.new_customers],
        "lapsed": [c.id for c in report.lapsed_customers],
        "onboarded": [c.id for c in report.onboarded],
    }
    return Reply(Intent.LICENCE_REPORT, report_card(report, req.tr), answer)
