"""Helpers shared by the card builders: the card envelope and inert text."""

from __future__ import annotations

import re
from typing import Any, Literal

from microsoft_teams.cards import (
    ActionSet,
    AdaptiveCard,
    CardElement,
    ExecuteAction,
    TableCell,
    TextBlock,
)

SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION: Literal["1.5"] = "1.5"

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MARKDOWN = re.compile(r"([\\`*_\[\]()#+\-!>|~{}$])")


def inert(text: str | None) -> str:
    """Text from data (names, e-mails) shown as-is: no markdown, links or mentions."""
    if not text:
        return ""
    cleaned = _CONTROL.sub("", text).replace("<", "\u2039").replace(">", "\u203a")
    return _MARKDOWN.sub(r"\\\1", cleaned)


def title(text: str) -> TextBlock:
    return TextBlock(text=text, size="Large", weight="Bolder", wrap=True, style="heading")


def paragraph(text: str, **kwargs: Any) -> TextBlock:
    return TextBlock(text=text, wrap=True, **kwargs)


def card(body: list[CardElement], actions: list[Any] | None = None) -> dict[str, Any]:
    """A schema 1.5 Adaptive Card as a dict, ready for an attachment."""
    model = AdaptiveCard(version=VERSION, body=body, actions=actions or None)
    data: dict[str, Any] = model.model_dump(by_alias=True, exclude_none=True)
    data["$schema"] = SCHEMA
    data.setdefault("msteams", {"width": "Full"})
    return data


def cell(text: str, **kwargs: Any) -> TableCell:
    """A table cell holding one wrapped text."""
    return TableCell(items=[TextBlock(text=text, wrap=True, **kwargs)])


def paging(offset: int, shown: int, limit: int, total: int, previous: str, more: str,
           verb: str, data: dict[str, Any]) -> ActionSet | None:
    """'Previous' / 'Next' buttons re-running the same query server-side at an offset."""
    actions: list[Any] = []
    if offset > 0:
        actions.append(ExecuteAction(title=previous, verb=verb, data={
            "verb": verb, **data, "offset": max(0, offset - limit)}))
    if offset + shown < total:
        actions.append(ExecuteAction(title=more, verb=verb, data={
            "verb": verb, **data, "offset": offset + shown}))
    return ActionSet(actions=actions) if actions else None


LANGUAGES = ("en", "fr")


def with_language(value: Any, language: str) -> Any:
    """A copy of a card whose Action.Execute buttons carry LANGUAGE in their data: the
    answer to a click is in the language of the card clicked (validated on return)."""
    if isinstance(value, list):
        return [with_language(v, language) for v in value]
    if not isinstance(value, dict):
        return value
    out = {k: with_language(v, language) for k, v in value.items()}
    if out.get("type") == "Action.Execute" and isinstance(out.get("data"), dict):
        out["data"] = {**out["data"], "lang": language}
    return out


def clicked_language(data: dict[str, Any]) -> str | None:
    """The language a clicked card was in, if its data names one we speak."""
    lang = data.get("lang")
    return lang if isinstance(lang, str) and lang in LANGUAGES else None


def with_footnote(value: dict[str, Any], text: str) -> dict[str, Any]:
    """A copy of a card with a small, subtle line of TEXT at the end of its body."""
    note = TextBlock(text=text, size="Small", is_subtle=True, wrap=True, spacing="Medium")
    body = [*value.get("body", []), note.model_dump(by_alias=True, exclude_none=True)]
    return {**value, "body": body}
