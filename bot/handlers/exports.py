"""A CSV export's sheet: the question of an export link asked again, with the operator's
current scope, through the same steps as the card (so the file holds the items of
`ask --json`, in the same order) and every item, not one page."""

from __future__ import annotations

import datetime as dt

from bot.handlers.common import described
from bot.handlers.rankings import breakdown_view, ranking_view
from bot.handlers.reports import report_month
from bot.services import BotServices
from bot.turn.context import Request
from cards.exports import Sheet, breakdown_sheet, list_sheet, ranking_sheet, report_sheet
from services.directory import effective_filters
from services.directory.reports import MonthlyReports
from services.directory.views import OrgRow
from services.exports import ExportQuestion
from services.i18n import Messages
from services.scope import Scope
from services.understanding.model import Intent, Query

CHUNK = 500  # organizations read at a time


def request_for(services: BotServices, scope: Scope, question: ExportQuestion) -> Request:
    query = Query(intent=question.intent, language=question.language, today=question.today,
                  kind=question.kind, filters=question.filters, measure=question.measure,
                  group_by=question.group_by, limit=question.limit)
    return Request(scope, query, Messages(question.language), services, question.today,
                   full_answer=True)


async def _all_rows(req: Request, kind: str) -> list[OrgRow]:
    filters = effective_filters(req.query.filters, req.today)
    rows: list[OrgRow] = []
    while True:
        page = await req.services.directory.search(
            req.scope, kind, filters, req.today, offset=len(rows), limit=CHUNK)
        rows += page.rows
        if not page.rows or len(rows) >= page.total:
            return rows


async def export_sheet(services: BotServices, scope: Scope, question: ExportQuestion) -> Sheet:
    """The sheet; Forbidden or NotFound when the scope no longer allows the question."""
    req = request_for(services, scope, question)
    if question.intent == Intent.LIST:
        kind = question.kind or "customer"
        stated = await described(req, effective_filters(question.filters, question.today))
        return list_sheet(kind, await _all_rows(req, kind), stated, req.tr)
    if question.intent == Intent.LICENCE_REPORT:
        year, month = report_month(req)
        report = await MonthlyReports(services.directory.sessions).report(
            scope, year, month, question.today)
        return report_sheet(report, req.tr)
    if question.intent == Intent.RANKING:
        return ranking_sheet((await ranking_view(req))[0], req.tr)
    return breakdown_sheet((await breakdown_view(req))[0], req.tr)


def header_line(sheet: Sheet, scope: Scope, tr: Messages, today: dt.date,
                data_time: str) -> str:
    """The file's first line: the question, the operator and the data's date."""
    return tr("export.header", question=sheet.title, operator=scope.name, email=scope.email,
              organization=scope.organization_name, date=tr.date(today), exported=data_time)
