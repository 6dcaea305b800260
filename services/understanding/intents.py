"""Declarative intent definitions: whole-utterance phrases per intent, both languages."""

from __future__ import annotations

from dataclasses import dataclass

UNKNOWN = "unknown"


@dataclass(frozen=True)
class IntentDef:
    name: str
    phrases: frozenset[str]  # folded text (see text.fold) that means this intent


INTENTS: tuple[IntentDef, ...] = (
    IntentDef("help", frozenset({
        "help", "aide", "h", "menu", "commands", "commandes", "what can i ask",
        "what can you do", "que puis je demander", "que peux tu faire", "help me", "aidez moi",
        "hello", "hi", "bonjour", "salut", "start", "demarrer",
    })),
)


def match_intent(folded: str) -> str:
    for intent in INTENTS:
        if folded in intent.phrases:
            return intent.name
    return UNKNOWN
