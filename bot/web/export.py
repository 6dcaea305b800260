"""GET /export/{token}: the CSV file behind a card's "Download CSV" button.

The link is checked (signature, then single use and 10 minutes, in the database), then
the question runs again with the operator's current scope: a removed operator, or one
who may no longer see what was asked, gets a refusal page, never data. Every refusal is
a short page in English or French; the token is never logged."""

from __future__ import annotations

import html
import logging
from collections.abc import Callable

from aiohttp import web

from bot.handlers.exports import export_sheet, header_line
from bot.services import BotServices
from bot.web.activation import HEADERS, page_language
from bot.web.pages import STYLE
from services.clock import utc_now
from services.correlation import new_correlation_id
from services.directory import NotFound
from services.exports import ExportRefused
from services.exports.csv import to_csv
from services.exports.links import Refusal
from services.i18n import Messages
from services.scope import Forbidden

logger = logging.getLogger(__name__)

STATUS = {Refusal.INVALID: 404, Refusal.USED: 410, Refusal.EXPIRED: 410,
          Refusal.REMOVED: 403}


def refusal_page(tr: Messages, reason: Refusal) -> str:
    heading, body = tr(f"export.refused.{reason.value}.title"), tr(
        f"export.refused.{reason.value}.body")
    return (f'<!DOCTYPE html><html lang="{tr.language}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(heading)}</title><style>{STYLE}</style></head>"
            f"<body><main><h1>{html.escape(heading)}</h1><p>{html.escape(body)}</p>"
            f'<p class="small">{html.escape(tr("export.page.footer"))}</p></main></body></html>')


def _refused(tr: Messages, reason: Refusal) -> web.Response:
    return web.Response(text=refusal_page(tr, reason), status=STATUS[reason],
                        content_type="text/html", charset="utf-8", headers=HEADERS)


def export_routes(services: Callable[[web.Request], BotServices]) -> list[web.RouteDef]:
    async def download(request: web.Request) -> web.Response:
        tr, cid, bot = page_language(request), new_correlation_id(), services(request)
        try:
            link = await bot.exports.redeem(request.match_info["token"][:200])
            scope = await bot.scopes.for_operator_id(link.operator_id)
            if scope is None:
                raise ExportRefused(Refusal.REMOVED)
            question = link.question
            sheet = await export_sheet(bot, scope, question)
        except ExportRefused as exc:
            logger.info("export cid=%s refused: %s", cid, exc.reason.value)
            return _refused(tr, exc.reason)
        except (Forbidden, NotFound):
            logger.info("export cid=%s refused: out of the operator's scope", cid)
            return _refused(tr, Refusal.REMOVED)
        tr = Messages(question.language)
        now = utc_now()
        title = header_line(sheet, scope, tr, question.today,
                            f"{tr.date(now.date())} {now:%H:%M} UTC")
        body = to_csv(title, sheet.columns, sheet.rows, question.language)
        logger.info("export cid=%s: link %s, %s rows for operator %s", cid, link.link_id,
                    len(sheet.rows), scope.operator_id)
        name = f"partner-app-{question.intent}-{question.today.isoformat()}.csv"
        return web.Response(body=body, headers={
            **HEADERS, "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{name}"'})

    return [web.get("/export/{token}", download)]
