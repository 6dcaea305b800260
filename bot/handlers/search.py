"""The message extension "Find a customer": in the compose box, the searcher's own
organizations matching a name, domain or id; on a message's "…" menu, those the message
names. Either way a chosen one inserts its card into the conversation. Each handler's
reply card is the whole invoke answer ({"composeExtension": …} or {"task": …})."""

from __future__ import annotations

import html
import re
from typing import Any

from bot.turn.context import BadCardData, Reply, Request
from cards.search import extension_message, message_lookup_task, search_results
from services.directory.renewals import default_range
from services.directory.search import MAX_QUERY_CHARS
from services.directory.views import OrgRow
from services.understanding.model import Filters

SEARCH = "search"
# The invokes, and the commands' ids in the app manifest.
QUERY, FETCH_TASK, SUBMIT_ACTION = ("composeExtension/query", "composeExtension/fetchTask",
                                    "composeExtension/submitAction")
FIND_CUSTOMER = "findCustomer"  # search command: compose box and command box
FIND_IN_MESSAGE = "findCustomerInMessage"  # action command: a message's "…" menu
MAX_MESSAGE_CHARS = 4_000  # of a message's text searched for names
_TAGS = re.compile(r"<[^>]*>")


def _command(data: dict[str, Any], expected: str) -> None:
    if data.get("command") != expected:
        raise BadCardData("unknown message extension command")


def search_text(data: dict[str, Any]) -> str:
    """The query typed in the search box ('' on the command's initial run), validated."""
    _command(data, FIND_CUSTOMER)
    text = data.get("text", "")
    if not isinstance(text, str) or len(text) > MAX_QUERY_CHARS:
        raise BadCardData("bad search text")
    return text.strip()


def message_text(data: dict[str, Any]) -> str:
    """The text of the message whose "…" menu was used (Teams sends its HTML)."""
    _command(data, FIND_IN_MESSAGE)
    content = data.get("text", "")
    if not isinstance(content, str):
        raise BadCardData("bad message payload")
    return html.unescape(_TAGS.sub(" ", content[:MAX_MESSAGE_CHARS * 4]))[:MAX_MESSAGE_CHARS]


async def _rows(req: Request, ids: list[str]) -> list[OrgRow]:
    # Read with the next 90 days' range: each row says whether that expiry is renewed.
    return await req.services.directory.rows_of(ids, req.today,
                                                Filters(expiry=default_range(req.today)))


def _answer(rows: list[OrgRow]) -> dict[str, Any]:
    items = [{"id": r.id, "name": r.name} for r in rows]
    return {"intent": SEARCH, "items": items, "total": len(items)}


async def handle_search(req: Request) -> Reply:
    text = search_text(req.data)
    ids = await req.services.search.find(req.scope, text, req.today)
    if not ids:
        message = req.tr("search.none" if text else "search.none_soon")
        return Reply(SEARCH, extension_message(QUERY, message), _answer([]))
    return await _results(req, ids)


async def _results(req: Request, ids: list[str]) -> Reply:
    """The result cards of organizations IDS (in the searcher's scope), for Teams."""
    rows = await _rows(req, ids)
    result = search_results(rows, await req.services.directory.sku_names(), req.tr, req.today)
    return Reply(SEARCH, {"composeExtension": result}, _answer(rows))


async def handle_message_lookup(req: Request) -> Reply:
    """The organizations of the searcher's scope that a message names, to choose one."""
    text = message_text(req.data)
    ids = await req.services.search.named_in(req.scope, text)
    if not ids:
        return Reply(SEARCH, extension_message(FETCH_TASK, req.tr("search.none_named")),
                     _answer([]))
    rows = await _rows(req, ids)
    return Reply(SEARCH, message_lookup_task(rows, req.tr), _answer(rows))


async def handle_share(req: Request) -> Reply:
    """The organization chosen in the message's lookup: its card, inserted. The id is
    the card's data: it must be in the sharer's own scope (NotFound otherwise)."""
    _command(req.data, FIND_IN_MESSAGE)
    org = req.data.get("org")
    if not isinstance(org, str) or not 0 < len(org) <= 64:
        raise BadCardData("bad organization id")
    await req.services.directory.org_name(req.scope, org)  # in scope, or NotFound
    return await _results(req, [org])
