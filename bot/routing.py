"""Declarative routing: intent name -> handler, card verb -> handler."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot import handlers
from bot.context import Reply, Request
from cards import verbs

Handler = Callable[[Request], Awaitable[Reply]]

INTENT_HANDLERS: dict[str, Handler] = {
    "help": handlers.handle_help,
    "unknown": handlers.handle_unknown,
}

VERB_HANDLERS: dict[str, Handler] = {
    verbs.HELP: handlers.handle_help,
}


def handler_for_intent(intent: str) -> Handler:
    return INTENT_HANDLERS.get(intent, handlers.handle_unknown)


def handler_for_verb(verb: str) -> Handler | None:
    return VERB_HANDLERS.get(verb)
