"""One handler per intent and per card verb."""

from __future__ import annotations

from bot.context import Reply, Request
from cards.help import help_card
from cards.notices import notice_card


async def handle_help(req: Request) -> Reply:
    return Reply("help", help_card(req.scope, req.tr),
                 {"intent": "help", "message": req.tr("help.title")})


async def handle_unknown(req: Request) -> Reply:
    message = req.tr("unknown.body")
    return Reply("unknown", notice_card(message), {"intent": "unknown", "message": message})
