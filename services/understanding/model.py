"""The typed query and the entry point of understanding."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from services.understanding.intents import match_intent
from services.understanding.text import fold


@dataclass(frozen=True)
class Query:
    intent: str
    text: str
    language: str
    today: dt.date


def understand(text: str, language: str, today: dt.date) -> Query:
    folded = fold(text)
    return Query(intent=match_intent(folded), text=text, language=language, today=today)
