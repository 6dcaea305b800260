"""The monthly licence report: on demand ("licence report for October", "rapport mensuel
des licences": seats per SKU and partner, and what changed in the month), posted to a
conversation each month ("send the monthly licence report to this channel", "stop the
monthly report"), and its "Download CSV" button."""

from __future__ import annotations

import datetime as dt

from bot.handlers.export_links import export_link, question_of
from bot.handlers.notifications import (
    conversation_id_of,
    conversation_kind,
    message_reply,
    refused_here,
)
from bot.turn.context import BadCardData, Reply, Request
from cards.download import download_actions
from cards.notices import notice_card
from cards.report import report_card, report_subscribed_card
from services.directory.reports import MonthlyReport, MonthlyReports
from services.notifications import NotificationError
from services.notifications.schedule import next_report_on, schedule_in
from services.understanding.model import Filters, Intent
from services.understanding.ranges import DateRange


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


def month_range(year: int, month: int) -> DateRange:
    first = dt.date(year, month, 1)
    following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return DateRange(first, following - dt.timedelta(days=1))


def report_answer(report: MonthlyReport) -> dict[str, object]:
    """The report as `ask --json` gives it (and the CSV holds it)."""
    return {
        "intent": Intent.LICENCE_REPORT, "month": f"{report.year}-{report.month:02d}",
        "value": report.seats, "previous": report.previous_seats, "added": report.added,
        "removed": report.removed,
        "groups": [{"id": s.id, "name": s.name, "value": s.seats} for s in report.skus],
        "partners": [{"id": p.id, "name": p.name, "value": p.seats} for p in report.partners],
        "new": [c.id for c in report.new_customers],
        "lapsed": [c.id for c in report.lapsed_customers],
        "onboarded": [c.id for c in report.onboarded],
    }


async def _report_reply(req: Request, year: int, month: int, *, ready: bool = False) -> Reply:
    """The report of YEAR-MONTH in the asker's scope, with their own download link."""
    if (year, month) > (req.today.year, req.today.month):
        message = req.tr("report.future")
        return Reply(Intent.LICENCE_REPORT, notice_card(message),
                     {"intent": Intent.LICENCE_REPORT, "error": "bad_request",
                      "message": message})
    report = await MonthlyReports(req.services.directory.sessions).report(
        req.scope, year, month, req.today)
    question = question_of(req, Intent.LICENCE_REPORT, None,
                           Filters(expiry=month_range(year, month)))
    url = await export_link(req, question, bool(report.skus or report.partners))
    return Reply(Intent.LICENCE_REPORT,
                 report_card(report, req.tr, download_actions(url, req.tr),
                             ready=ready and url is not None), report_answer(report))


async def handle_licence_report(req: Request) -> Reply:
    year, month = report_month(req)
    return await _report_reply(req, year, month)


async def handle_report_csv(req: Request) -> Reply:
    """'Download CSV' on a posted monthly report: the clicker's own report of that month
    (their current scope, not the channel subscriber's) with their own link. Only the
    month comes from the card, checked."""
    year, month = req.data.get("year"), req.data.get("month")
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 9999:
        raise BadCardData("bad year")
    if isinstance(month, bool) or not isinstance(month, int) or not 1 <= month <= 12:
        raise BadCardData("bad month")
    return await _report_reply(req, year, month, ready=True)


async def handle_report_subscribe(req: Request) -> Reply:
    intent = Intent.REPORT_SUBSCRIBE
    refused = await refused_here(req, intent)
    if refused is not None:
        return refused
    assert req.conversation is not None
    schedule = schedule_in(req.query.text or "")
    try:
        view = await req.services.notifications.subscribe_report(
            req.scope, req.conversation, kind=conversation_kind(req),
            language=req.tr.language, today=req.today, notify_time=schedule.time,
            notify_tz=schedule.zone,
            team_id=req.team_id, cid=req.cid)
    except NotificationError as exc:
        return message_reply(req, intent, f"notify.error.{exc.code}", exc.code)
    next_on = next_report_on(req.today, quiet_days=",".join(map(str, view.quiet_days)),
                             last_report_month=view.last_report_month)
    return Reply(intent, report_subscribed_card(view, next_on, req.tr), {
        "intent": intent, "kind": view.kind, "time": view.notify_time, "zone": view.notify_tz,
        "next": next_on.isoformat(), "digests": view.digests})


async def handle_report_stop(req: Request) -> Reply:
    intent = Intent.REPORT_STOP
    refused = await refused_here(req, intent)
    if refused is not None:
        return refused
    stopped = await req.services.notifications.stop_report(
        req.scope, conversation_id_of(req), kind=conversation_kind(req), cid=req.cid)
    return message_reply(req, intent, "report.stopped" if stopped else "report.not_subscribed")
