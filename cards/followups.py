"""Buttons that ask a question: the suggested next questions under an answer and the
help card's examples and "did you mean" suggestions. A click sends the question as the
user's own message (Teams messageBack: the chat shows it, the bot answers it like typed
text; messageBack reaches the bot in a channel too, where imBack would need an @mention)."""

from __future__ import annotations

from typing import Any

from microsoft_teams.cards import ActionSet, SubmitAction

from cards.common import stacked
from services.understanding.followups import FollowUp


def ask_button(label: str, question: str) -> SubmitAction:
    return SubmitAction(title=label, data={"msteams": {
        "type": "messageBack", "text": question, "displayText": question}})


def ask_buttons(follow_ups: list[FollowUp]) -> list[ActionSet]:
    """One button a line: three side by side would run off a phone's card width."""
    rows = stacked([ask_button(f.label, f.question) for f in follow_ups])
    if rows:
        rows[0].spacing = "Medium"  # apart from the answer above
    return rows


def with_follow_ups(value: dict[str, Any], follow_ups: list[FollowUp]) -> dict[str, Any]:
    """A copy of a card with FOLLOW_UPS as buttons at the end of its body."""
    if not follow_ups:
        return value
    buttons = [b.model_dump(by_alias=True, exclude_none=True) for b in ask_buttons(follow_ups)]
    return {**value, "body": [*value.get("body", []), *buttons]}
