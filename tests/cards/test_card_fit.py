"""Every card, English and French, fits Teams' desktop card width (540 px) and a 360 px
phone: rendered in Microsoft's renderer in Chromium at each width with Teams' host
config, no table header cell on two lines, no word broken mid-word, nothing wider than
its box, buttons included (tests/cards/fit.py says what is measured and how)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.cards.fit import FIT, MARKDOWN, PAGE, RENDER_AT, WIDTHS, host_config, problems_text
from tests.cards.test_renderer import _missing, renderer_page

pytestmark = [pytest.mark.browser, pytest.mark.skipif(_missing() is not None,
                                                       reason=str(_missing()))]


@pytest.fixture
async def teams_page() -> AsyncIterator[Any]:
    async with renderer_page(700, PAGE) as page:
        await page.evaluate(MARKDOWN)
        yield page


async def misfits(page: Any, name: str, card: dict[str, Any], width: int) -> list[str]:
    """What does not fit in CARD at WIDTH, one line a problem."""
    if not await page.evaluate(RENDER_AT, [card, host_config(width), width]):
        return [f"{name} at {width} px: nothing rendered"]
    return problems_text(name, width, await page.evaluate(FIT))


@pytest.mark.parametrize("width", WIDTHS)
async def test_every_card_fits(teams_page: Any, samples: dict[str, dict[str, Any]],
                               width: int) -> None:
    assert len(samples) >= 60
    problems = []
    for name, card in sorted(samples.items()):
        problems += await misfits(teams_page, name, card, width)
    assert not problems, "\n".join(problems)


MISFIT = {"type": "AdaptiveCard", "version": "1.5", "body": [
    {"type": "Table", "firstRowAsHeaders": True,
     "columns": [{"width": 4}, {"width": 1}, {"width": 1}],
     "rows": [{"type": "TableRow", "cells": [
         {"type": "TableCell", "items": [{"type": "TextBlock", "text": t, "wrap": True}]}
         for t in ("Name", "Renouvellement", "Licences")]}]},
    {"type": "TextBlock", "text": "Un hippopotomonstrosesquippedaliophobique", "wrap": True,
     "size": "ExtraLarge"},
    {"type": "ColumnSet", "columns": [{"type": "Column", "width": "1px", "items": [
        {"type": "TextBlock", "text": "cut", "wrap": False}]}]}],
    "actions": [{"type": "Action.Submit", "title": f"Question number {n} asked in full"}
                for n in range(3)]}


async def test_the_check_finds_what_does_not_fit(teams_page: Any) -> None:
    """A header on two lines, words broken mid-word, cut text and a row of buttons wider
    than the card are each named with the card, the width and the text."""
    found = "\n".join(await misfits(teams_page, "misfit", MISFIT, 360))
    assert "misfit at 360 px: header 'Renouvellement'" in found
    assert "word 'Renouvellement'" in found
    assert "word 'hippopotomonstrosesquippedaliophobique'" in found
    assert "overflow 'cut'" in found
    wide = "\n".join(await misfits(teams_page, "misfit", MISFIT, 540))
    assert "misfit at 540 px: overflow 'Question number 2 asked in full'" in wide
