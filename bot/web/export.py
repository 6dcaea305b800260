"""GET /export/{token}: the CSV file behind a card's "Download CSV" button.

The link is checked (signature, then single use and 10 minutes, in the database), then
the question runs again with the operator's current scope: a removed operator, or one
who may no longer see what was asked, gets a refusal page, never data. A file served is
audited (`export.downloaded`, written with the link's use in one transaction); a refusal
of a stored link (used, expired, removed operator, out of scope) is audited as a refused
action of the link's operator (`action.refused`, verb `export.download`: limited per
actor and hour, pruned by the daily retention), while a token that matches no stored
link (forged, tampered, unknown) names nobody and is only logged. Every refusal is a
short page in English or French; the token is never logged nor audited.

The file's first line states the question, the operator and the data's date: the day
of the partner network's last change ("Data as of" on the cards), in NOTIFY_TZ, or the
export's day when that is unknown."""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.handlers.exports import export_sheet, header_line
from bot.services import BotServices
from bot.web.activation import HEADERS, page_language
from bot.web.pages import STYLE
from cards.exports import Sheet
from services.clock import utc_now
from services.correlation import new_correlation_id
from services.directory import NotFound
from services.exports import ExportQuestion, ExportRefused
from services.exports.csv import to_csv
from services.exports.links import Redeemed, Refusal, StoredLink
from services.i18n import Messages
from services.scope import Forbidden, Scope

logger = logging.getLogger(__name__)

STATUS = {Refusal.INVALID: 404, Refusal.USED: 410, Refusal.EXPIRED: 410,
          Refusal.REMOVED: 403}
VERB = "export.download"  # a refused download's verb in the audit log
OUT_OF_SCOPE = "out_of_scope"  # its reason when the scope no longer allows the question


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


async def _audit_refusal(bot: BotServices, link: StoredLink | None, reason: str,
                         cid: str) -> None:
    """A refused download of a stored link, as a refused action of the link's operator."""
    if link is None:
        return  # no stored link: nobody to name, the log line is the record
    await bot.audit.refused(link.email, link.organization_id, VERB, reason,
                            link.audit_data(), cid)


async def _file(bot: BotServices, scope: Scope, question: ExportQuestion,
                sheet: Sheet) -> bytes:
    """The CSV file: its first line (the question, the operator, the data's date), then
    the sheet."""
    tr, zone, now = Messages(question.language), bot.settings.notify_tz, utc_now()
    changed = await bot.directory.data_as_of() or now
    title = header_line(sheet, scope, tr, changed.astimezone(ZoneInfo(zone)).date(),
                        tr.moment(now, zone))
    return to_csv(title, sheet.columns, sheet.rows, question.language)


def export_routes(services: Callable[[web.Request], BotServices]) -> list[web.RouteDef]:
    async def download(request: web.Request) -> web.Response:
        cid, bot = new_correlation_id(), services(request)
        link: Redeemed | None = None
        try:
            link = await bot.exports.check(request.match_info["token"][:200])
            scope = await bot.scopes.for_operator_id(link.operator_id)
            if scope is None:
                raise ExportRefused(Refusal.REMOVED, link.stored)
            question = link.question
            sheet = await export_sheet(bot, scope, question)
            body = await _file(bot, scope, question, sheet)
            await bot.exports.claim(link, scope, len(sheet.rows), cid)
        except ExportRefused as exc:
            logger.info("export cid=%s refused: %s", cid, exc.reason.value)
            await _audit_refusal(bot, exc.stored, exc.reason.value, cid)
            return _refused(page_language(request), exc.reason)
        except (Forbidden, NotFound):
            logger.info("export cid=%s refused: out of the operator's scope", cid)
            assert link is not None
            await _audit_refusal(bot, link.stored, OUT_OF_SCOPE, cid)
            return _refused(page_language(request), Refusal.REMOVED)
        logger.info("export cid=%s: link %s, %s rows for operator %s", cid, link.link_id,
                    len(sheet.rows), scope.operator_id)
        name = f"partner-app-{question.intent}-{question.today.isoformat()}.csv"
        return web.Response(body=body, headers={
            **HEADERS, "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{name}"'})

    return [web.get("/export/{token}", download)]
