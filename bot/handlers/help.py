"""Help, FAQ and not-understood."""

from __future__ import annotations

from bot.handlers.common import described
from bot.turn.context import Reply, Request
from cards.clarify import clarify_card, unsupported_card
from cards.common import inert
from cards.describe import describe
from cards.faq import faq_card
from cards.help import help_card
from cards.notices import notice_card


async def handle_help(req: Request) -> Reply:
    return Reply("help", help_card(req.scope, req.tr),
                 {"intent": "help", "message": req.tr("help.title")})


async def handle_unknown(req: Request) -> Reply:
    message = req.tr("unknown.body")
    return Reply("unknown", notice_card(message), {"intent": "unknown", "message": message})


SUGGESTIONS = ("suggest.expiring", "suggest.threshold", "suggest.help")


def _suggestions(req: Request) -> list[str]:
    """Questions the bot can answer for anyone in scope, in the question's language."""
    return [req.tr(key) for key in SUGGESTIONS]


async def _understood(req: Request) -> str:
    """How the bot read the part it understood ("customers, expiring between ...")."""
    query = req.query
    kind = query.kind or "customer"
    filters = describe(await described(req, query.filters), req.tr)
    subject = req.tr(f"page.{kind}s") if query.subject is None else inert(
        query.subject_name or "")
    return f"{subject}, {filters}" if filters else subject


async def handle_clarify(req: Request) -> Reply:
    """Understood in part: say what was understood and what was not (never answer as
    if the part not understood were absent), with questions to try."""
    unknown = list(req.query.unaccounted)
    if req.query.suggestions:  # a misspelt name that two organizations in scope match
        suggestions = list(req.query.suggestions)
        message = req.tr("clarify.did_you_mean", words=", ".join(unknown))
        card = clarify_card(req.tr, "", unknown, suggestions, message)
        return Reply("clarify", card, {"intent": "clarify", "message": message,
                                       "unknown": unknown, "suggestions": suggestions})
    suggestions = _suggestions(req)
    understood = await _understood(req)
    card = clarify_card(req.tr, understood, unknown, suggestions)
    message = req.tr("clarify.body", understood=understood,
                     words=", ".join(unknown))
    return Reply("clarify", card, {"intent": "clarify", "message": message,
                                   "unknown": unknown, "suggestions": suggestions})


async def handle_unsupported(req: Request) -> Reply:
    """Data the Partner App does not hold: say so, and name what it does know."""
    suggestions = _suggestions(req)
    message = req.tr("unsupported.body")
    return Reply("unsupported", unsupported_card(req.tr, suggestions),
                 {"intent": "unsupported", "message": message})


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
