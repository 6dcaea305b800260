"""The ranking, breakdown, at-risk list and clarify cards as a person sees them in the
Agents Playground's web UI (headless Chromium), saved to docs/screenshots/ (committed).

The bot is the real app (create_app on the demo network, local mode) served in this
process, and the Playground talks to it as to `partnerbot serve`: the question typed in
the UI goes through the whole turn (trust gate, routing, the handler, the card) and the
reply comes back through the Playground's Bot Connector. Only understanding is replaced,
for these four questions, by the Query the parser's contract gives them, so the
screenshots do not depend on the parser being rewritten at the same time."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

import bot.turn.questions as questions
from bot.app import create_app
from bot.settings import load_settings
from services.network.importer import NetworkImporter
from services.understanding.model import Filters, Intent, Query
from services.understanding.ranges import DateRange
from tests.cards.test_renderer import CHROMIUM, CHROMIUM_ARGS
from tests.conftest import demo_document
from tests.support.databases import fresh_database
from tests.support.playground import CLI, ROOT, _wait_http, free_port, ui_missing

SHOTS = ROOT / "docs" / "screenshots"


pytestmark = [pytest.mark.playground, pytest.mark.browser,
              pytest.mark.skipif(ui_missing() is not None, reason=str(ui_missing()))]


def _this_month(today: dt.date) -> DateRange:
    following = (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return DateRange(today.replace(day=1), following - dt.timedelta(days=1))


def _query(text: str, language: str, today: dt.date) -> Query | None:
    common: dict[str, Any] = {"language": language, "today": today, "text": text,
                              "kind": "customer"}
    return {
        "top 5 customers by licenses": Query(Intent.RANKING, measure="licenses", limit=5,
                                             **common),
        "licenses per SKU": Query(Intent.BREAKDOWN, measure="licenses", group_by="sku",
                                  **common),
        "which customers are at risk": Query(Intent.LIST, filters=Filters(
            renewal="at_risk"), **common),
        "customers in the healthcare sector expiring this month": Query(
            Intent.CLARIFY, filters=Filters(expiry=_this_month(today)),
            unaccounted=("healthcare", "sector"), **common),
    }.get(text)


# question typed -> (text the card shows, screenshot)
SHOWN = [("top 5 customers by licenses", "Top 5 customers by licenses", "ranking"),
         ("licenses per SKU", "Licenses per SKU", "breakdown"),
         ("which customers are at risk", "at risk", "at-risk-list"),
         ("customers in the healthcare sector expiring this month", "healthcare",
          "clarify")]


def _start_playground(bot_port: int, port: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        ["node", str(CLI), "-e", f"http://127.0.0.1:{bot_port}/api/messages", "-c",
         "msteams", "-p", str(port), "--disable-telemetry"], cwd=ROOT,
        env={**os.environ, "TEAMSAPPTESTER_BROWSER": "none"},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _stop(process: subprocess.Popen[str]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture
async def playground_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                         ) -> AsyncIterator[str]:
    real = questions.parse

    async def parse(text: str, language: str, today: dt.date, names: Any) -> Query:
        return _query(text, language, today) or await real(text, language, today, names)

    monkeypatch.setattr(questions, "parse", parse)
    async with fresh_database("sqlite", tmp_path) as db:
        await NetworkImporter(db.sessions).import_document(demo_document())
        runner = web.AppRunner(create_app(load_settings(DATABASE_URL=db.url, BOT_ID=""),
                                          database=db))
        await runner.setup()
        bot_port, port = free_port(), free_port()
        await web.TCPSite(runner, "127.0.0.1", bot_port).start()
        process = await asyncio.to_thread(_start_playground, bot_port, port)
        try:
            await asyncio.to_thread(_wait_http, f"http://127.0.0.1:{port}/_debug/ping",
                                    process, "the Agents Playground", 60)
            yield f"http://127.0.0.1:{port}"
        finally:
            await asyncio.to_thread(_stop, process)
            await runner.cleanup()


async def test_new_cards_in_the_playground_ui(playground_url: str) -> None:
    from playwright.async_api import async_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    texts = {}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM),
                                                   args=CHROMIUM_ARGS)
        page = await browser.new_page(viewport={"width": 1280, "height": 1000})
        await page.goto(playground_url)
        await page.get_by_text("Personal Chat").first.click()
        for question, shown, name in SHOWN:
            box = page.locator('[contenteditable="true"]').first
            await box.click()
            await page.keyboard.type(question)
            await page.keyboard.press("Enter")
            card = page.locator(".ac-adaptiveCard", has_text=shown).last
            await card.wait_for(timeout=30_000)
            await card.scroll_into_view_if_needed()
            await page.wait_for_timeout(500)
            await card.screenshot(path=str(SHOTS / f"{name}.png"))
            texts[name] = await card.inner_text()
        await browser.close()
    assert "Café Lumière" in texts["ranking"] or "Clinique Saint" in texts["ranking"]
    assert "CoreSuite" in texts["breakdown"]
    assert "At risk" in texts["at-risk-list"]
    assert "healthcare" in texts["clarify"]
    for _, _, name in SHOWN:
        assert (SHOTS / f"{name}.png").stat().st_size > 5_000
