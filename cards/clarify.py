"""Honest answers to questions the bot understood only in part (`clarify`) or that ask
for data the Partner App does not hold (`unsupported`), with suggested questions as
buttons that send the question (cards/followups.py), one a line: three
questions side by side would run off the card's width."""

from __future__ import annotations

from typing import Any

from cards.common import card, inert, paragraph, stacked
from cards.followups import ask_button
from services.i18n import Messages


def clarify_card(tr: Messages, understood: str, unknown: list[str],
                 suggestions: list[str], message: str | None = None) -> dict[str, Any]:
    """What was understood and what was not (or MESSAGE: "did you mean …?"), with the
    suggested questions as buttons."""
    words = ", ".join(f"“{inert(w)}”" for w in unknown)
    text = tr("clarify.body", understood=inert(understood), words=words) if understood \
        else tr("clarify.body.nothing", words=words)
    if message is not None:
        text = message
    body: list[Any] = [paragraph(text)]
    if suggestions:
        body.append(paragraph(tr("clarify.try"), is_subtle=True, size="Small"))
    return card([*body, *stacked([ask_button(q[:80], q) for q in suggestions[:3]])])


def unsupported_card(tr: Messages, suggestions: list[str]) -> dict[str, Any]:
    body: list[Any] = [paragraph(tr("unsupported.body"))]
    if suggestions:
        body.append(paragraph(tr("clarify.try"), is_subtle=True, size="Small"))
    return card([*body, *stacked([ask_button(q[:80], q) for q in suggestions[:3]])])
