"""Replies shared by handlers: refusals and not-found, with their structured answers."""

from __future__ import annotations

from babel import Locale

from bot.turn.context import Reply, Request
from cards.common import inert
from cards.describe import Described
from cards.notices import notice_card
from services.scope import Forbidden
from services.understanding.model import Filters


async def described(req: Request, filters: Filters) -> Described:
    """The filters with the names a card states them by (SKU, parent, country), in the
    reply's language."""
    sku_name = parent_name = country_name = None
    if filters.sku:
        sku_name = (await req.services.directory.sku_names()).get(filters.sku)
    if filters.parent == req.scope.organization_id:  # "customers of <my org>"
        parent_name = req.scope.organization_name
    elif filters.parent:
        parent_name = await req.services.directory.org_name(req.scope, filters.parent)
    if filters.country:
        country_name = Locale.parse(req.tr.language).territories.get(filters.country)
    return Described(filters, sku_name, parent_name, country_name)


def refusal(req: Request, exc: Forbidden) -> Reply:
    org = inert(req.scope.organization_name)
    if exc.page is not None:
        message = req.tr(f"refusal.page.{exc.page.value}", organization=org)
    else:
        message = req.tr("refusal.action", organization=org)
    return Reply(req.query.intent, notice_card(message),
                 {"intent": req.query.intent, "error": "forbidden", "message": message})


def not_found(req: Request, name: str | None) -> Reply:
    message = req.tr("notfound.org", name=inert(name)) if name else req.tr("notfound.org_id")
    return Reply(req.query.intent, notice_card(message),
                 {"intent": req.query.intent, "error": "not_found", "message": message})
