"""Every card kind, English and French, through Microsoft's Adaptive Cards renderer (npm
adaptivecards v3) in headless Chromium: no unknown element (Teams-only charts drop
themselves), no parse or validation warning, inputs with ids, rendered to HTML; a
screenshot per card under screenshots/cards/ for review (not committed). How each card
fits Teams' widths is checked in test_card_fit.py, its size in test_card_size.py."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.support.card_json import walk

ROOT = Path(__file__).resolve().parents[2]
RENDERER = ROOT / "node_modules" / "adaptivecards" / "dist" / "adaptivecards.min.js"
CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ROOT / "screenshots" / "cards"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def _missing() -> str | None:
    if not RENDERER.is_file():
        return "the Adaptive Cards renderer is not installed: run `npm install`"
    if not CHROMIUM.is_file():
        return "Chromium is not installed (Debian package chromium)"
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install -e '.[dev]')"
    return None


pytestmark = [pytest.mark.browser, pytest.mark.skipif(_missing() is not None,
                                                       reason=str(_missing()))]

RENDER = """(json) => {
  const card = new AdaptiveCards.AdaptiveCard();
  const context = new AdaptiveCards.SerializationContext();
  card.parse(json, context);
  const parse = [];
  for (let i = 0; i < context.eventCount; i++) {
    const e = context.getEventAt(i);
    parse.push({event: e.event, message: e.message});
  }
  const validation = card.validateProperties().validationEvents.map(
    e => ({event: e.event, message: e.message}));
  const host = document.getElementById("host");
  host.innerHTML = "";
  const element = card.render();
  if (element) host.appendChild(element);
  return {parse, validation, html: element ? element.outerHTML.length : 0};
}"""


@pytest.fixture
def shots() -> Iterator[Path]:
    shutil.rmtree(SHOTS, ignore_errors=True)
    SHOTS.mkdir(parents=True)
    yield SHOTS


@asynccontextmanager
async def renderer_page(viewport_width: int, content: str) -> AsyncIterator[Any]:
    """Debian's Chromium showing CONTENT with Microsoft's Adaptive Cards renderer loaded."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM),
                                                   args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page(viewport={"width": viewport_width, "height": 900})
            await page.set_content(content)
            await page.add_script_tag(content=RENDERER.read_text("utf-8"))
            yield page
        finally:
            await browser.close()


@pytest.fixture
async def page() -> AsyncIterator[Any]:
    async with renderer_page(640, "<html><body style='margin:0;background:#fff'>"
                                  "<div id='host' style='width:600px;padding:8px'></div>"
                                  "</body></html>") as page:
        yield page


def _teams_only_chart(message: str) -> bool:
    return 'Unknown element type "Chart.' in message


async def test_every_card_renders_cleanly(page: Any, samples: dict[str, dict[str, Any]],
                                          shots: Path) -> None:
    assert len(samples) >= 60
    problems = []
    for name, card in sorted(samples.items()):
        assert card.get("version") == "1.5", name
        for element in walk(card):
            kind = str(element.get("type", ""))
            if kind.startswith("Input."):
                assert element.get("id"), f"{name}: an input without id"
            if kind.startswith("Chart."):  # dropped, or drawn another way, where unknown
                fallback = element.get("fallback")
                assert fallback == "drop" or isinstance(fallback, dict) and not str(
                    fallback.get("type", "")).startswith("Chart."), \
                    f"{name}: {kind} without fallback"
        result = await page.evaluate(RENDER, card)
        for event in result["parse"] + result["validation"]:
            if not _teams_only_chart(event["message"]):
                problems.append(f"{name}: {event['message']}")
        if result["html"] == 0:
            problems.append(f"{name}: nothing rendered")
        host = await page.query_selector("#host")
        await host.screenshot(path=str(shots / f"{name}.png"))
    assert problems == []
