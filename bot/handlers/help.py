"""Help, FAQ and not-understood."""

from __future__ import annotations

from bot.turn.context import Reply, Request
from cards.common import inert
from cards.faq import faq_card
from cards.help import help_card
from cards.notices import notice_card


async def handle_help(req: Request) -> Reply:
    return Reply("help", help_card(req.scope, req.tr),
                 {"intent": "help", "message": req.tr("help.title")})


async def handle_unknown(req: Request) -> Reply:
    message = req.tr("unknown.body")
    return Reply("unknown", notice_card(message), {"intent": "unknown", "message": message})


async def handle_faq(req: Request) -> Reply:
    tr, scope = req.tr, req.scope
    topic = req.query.faq or "what_can_i_see"
    org = inert(scope.organization_name)
    if topic == "account_manager":
        manager = await req.services.directory.account_manager(scope)
        if manager.name:
            text = tr("faq.account_manager", organization=org, name=inert(manager.name),
                      email=inert(manager.email or "—"))
        else:
            text = tr("faq.account_manager.none", organization=org)
    elif topic == "roles":
        text = tr("faq.roles.admin" if scope.is_admin else "faq.roles.reader", organization=org)
    elif topic in {"add_operator", "onboard"}:
        text = tr(f"faq.{topic}", organization=org)
    else:
        pages = ", ".join(tr(f"page.{p.value}") for p in scope.pages)
        text = tr("faq.what_can_i_see", role=tr(f"role.{scope.role}"), organization=org,
                  kind=tr(f"kind.{scope.org_kind}"), pages=pages)
    return Reply("faq", faq_card(text, tr), {"intent": "faq", "topic": topic, "message": text})
