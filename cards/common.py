"""Helpers shared by the card builders: the card envelope, inert text, and the pieces
that keep a card readable from a 360 px phone to Teams' desktop width: tables of at most
the columns that fit (a cell may hold a main line and small lines under it, numbers
right-aligned in a column of fixed width), entries without a table where words are long,
and buttons one a line."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any, Literal

from microsoft_teams.cards import (
    ActionSet,
    AdaptiveCard,
    CardElement,
    Column,
    ColumnDefinition,
    ColumnSet,
    Container,
    ExecuteAction,
    Table,
    TableCell,
    TableRow,
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


def note(text: str, **kwargs: Any) -> TextBlock:
    """A small line under a cell's main text (a parent, a SKU, an e-mail)."""
    return TextBlock(text=text, wrap=True, size="Small", spacing="None", **kwargs)


RIGHT: Literal["Right"] = "Right"


def table(widths: list[int | str], header: list[str], rows: list[TableRow], *,
          right: tuple[int, ...] = ()) -> Table:
    """A table with a header row. WIDTHS: a weight, or "NNpx" for a column of numbers,
    dates or short words sized to its header and values so it never squeezes them;
    the columns numbered in RIGHT (numbers) are right-aligned, header included."""
    columns = [ColumnDefinition(width=w, horizontal_cell_content_alignment=RIGHT
                                if n in right else None) for n, w in enumerate(widths)]
    head = TableRow(cells=[cell(text, weight="Bolder",
                                horizontal_alignment=RIGHT if n in right else None)
                           for n, text in enumerate(header)])
    return Table(columns=columns, rows=[head, *rows], first_row_as_headers=True,
                 show_grid_lines=False)


def entry(main: list[Any], side: list[Any], under: list[Any], *,
          first: bool = False) -> Container:
    """One entry of a list drawn without a table, for entries holding long words (e-mail
    addresses): MAIN on the left, SIDE on the right (as wide as its short texts, aligned
    right), then UNDER across the card's whole width. A line separates the entries."""
    return Container(separator=not first, spacing="Default" if first else "Medium", items=[
        ColumnSet(columns=[Column(width="stretch", items=main),
                           Column(width="auto", items=side)]), *under])


def stacked(actions: list[Any]) -> list[ActionSet]:
    """Buttons one a line (an ActionSet each): a row of long titles (suggested questions)
    would run off a card's width; one a line, each fits."""
    return [ActionSet(actions=[a], spacing="Small") for a in actions]


TEAMS_MESSAGE_LIMIT = 40 * 1024  # Teams refuses a larger message (413 MessageSizeTooBig)
# What a card may take of it: the rest is for the activity that carries it and what is
# added to a built card (follow-up buttons, the data's date, the language of its buttons).
CARD_BUDGET = 34 * 1024


def utf16_size(value: Any) -> int:
    """The size Teams counts against its limit: the JSON as UTF-16."""
    return len(json.dumps(value, ensure_ascii=False).encode("utf-16-le"))


def fitting(build: Callable[[int], dict[str, Any]], count: int,
            least: int = 1) -> dict[str, Any]:
    """BUILD(n) is the card of the first n of COUNT rows: the card of the most rows (at
    least LEAST) within CARD_BUDGET. Rows of long names (200 characters, each escaped)
    can make a page too large for Teams; the card then says how many it shows."""
    whole = build(count)
    size = utf16_size(whole)
    if count <= least or size <= CARD_BUDGET:
        return whole
    # rows weigh about the same: the answer is near count * budget / size
    best, low, high = build(least), least + 1, min(count - 1, 2 * count * CARD_BUDGET // size)
    while low <= high:  # sizes grow with n
        middle = (low + high) // 2
        candidate = build(middle)
        if utf16_size(candidate) <= CARD_BUDGET:
            best, low = candidate, middle + 1
        else:
            high = middle - 1
    return best


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
