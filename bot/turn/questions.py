"""A question's answer: from the answer cache when the same question was answered on
the same data, else understanding (services/understanding) and the intent's handler."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from bot.services import BotServices
from bot.turn.context import Reply, Request
from bot.turn.routing import handler_for_intent, run
from cards.download import with_export_url
from cards.followups import with_follow_ups
from services.correlation import current_correlation_id
from services.i18n import Messages
from services.scope import Page, Scope
from services.understanding import parse
from services.understanding.followups import follow_ups
from services.understanding.language import detect_language


def question_messages(text: str, tr: Messages) -> Messages:
    """The reply's language (SPEC section 3): the question's when it is clearly English
    or French, else the Teams client's (TR)."""
    language = detect_language(text)
    return tr if language is None or language == tr.language else Messages(language)


@dataclass(frozen=True)
class Answered:
    reply: Reply
    intent: str  # for the turn log: the question's intent (":cached" from the cache)


async def answer(services: BotServices, scope: Scope, text: str, tr: Messages,
                 today: dt.date, *, full_answer: bool = False,
                 where: Callable[[], dict[str, Any]] | None = None) -> Answered:
    """WHERE gives the turn's conversation and team, when the handler runs (an answer
    from the cache does not need them)."""
    tr = question_messages(text, tr)  # parsed, cached and answered in this language
    answers = services.answers
    key = await answers.key(scope, text, tr.language, today, full_answer) \
        if answers.enabled else None
    cached: Reply | None = answers.get(key) if key is not None else None
    if cached is not None:
        if cached.export is not None:  # the link is this operator's, and single use
            url = await services.exports.link(scope, cached.export)
            cached = replace(cached, card=with_export_url(cached.card, url))
        return Answered(cached, f"{cached.intent}:cached")
    query = await parse(text, tr.language, today, services.names.bind(scope))
    request = Request(scope, query, tr, services, today, full_answer=full_answer,
                      cid=current_correlation_id(), **(where() if where else {}))
    reply = await run(handler_for_intent(query.intent), request)
    if not reply.answer.get("error"):
        suggested = follow_ups(query, tr, partners=scope.can_view(Page.PARTNERS))
        reply = replace(reply, card=with_follow_ups(reply.card, suggested))
    if key is not None:
        answers.put(key, reply)
    return Answered(reply, query.intent)
