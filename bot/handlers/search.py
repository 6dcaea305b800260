"""The search message extension ("Find a customer"): the searcher's own organizations
matching a name, domain or id, each inserting its card into the conversation."""

from __future__ import annotations

from typing import Any

from bot.turn.context import BadCardData, Reply, Request
from cards.search import search_message, search_results
from services.directory.renewals import default_range
from services.directory.search import MAX_QUERY_CHARS
from services.understanding.model import Filters

SEARCH = "search"
FIND_CUSTOMER = "findCustomer"  # the command's id in the app manifest


def search_text(data: dict[str, Any]) -> str:
    """The query typed in the search box ('' on the command's initial run), validated."""
    if data.get("command") != FIND_CUSTOMER:
        raise BadCardData("unknown search command")
    text = data.get("text", "")
    if not isinstance(text, str) or len(text) > MAX_QUERY_CHARS:
        raise BadCardData("bad search text")
    return text.strip()


async def handle_search(req: Request) -> Reply:
    text = search_text(req.data)
    services = req.services
    ids = await services.search.find(req.scope, text, req.today)
    if not ids:
        message = req.tr("search.none" if text else "search.none_soon")
        return Reply(SEARCH, search_message(message),
                     {"intent": SEARCH, "items": [], "total": 0})
    # Read with the next 90 days' range: each row says whether that expiry is renewed.
    rows = await services.directory.rows_of(ids, req.today,
                                            Filters(expiry=default_range(req.today)))
    result = search_results(rows, await services.directory.sku_names(), req.tr, req.today)
    items = [{"id": r.id, "name": r.name} for r in rows]
    return Reply(SEARCH, result, {"intent": SEARCH, "items": items, "total": len(items)})
