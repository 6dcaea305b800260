"""Replies shared by handlers: refusals and not-found, with their structured answers."""

from __future__ import annotations

from bot.turn.context import Reply, Request
from cards.common import inert
from cards.notices import notice_card
from services.scope import Forbidden


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
