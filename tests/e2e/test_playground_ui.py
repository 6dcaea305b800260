"""A person's view: the Playground's web UI in headless Chromium (Debian's chromium,
driven by Playwright for Python), a question typed in the personal chat, and the card
saved as a screenshot under screenshots/ (a CI artifact, not committed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cards.test_renderer import CHROMIUM, CHROMIUM_ARGS
from tests.support.playground import Stack, ui_missing

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "screenshots"


pytestmark = [pytest.mark.playground, pytest.mark.browser,
              pytest.mark.skipif(ui_missing() is not None, reason=str(ui_missing()))]


async def test_ask_in_the_playground_ui(stack: Stack) -> None:
    from playwright.async_api import async_playwright

    SHOTS.mkdir(exist_ok=True)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM),
                                                   args=CHROMIUM_ARGS)
        page = await browser.new_page(viewport={"width": 1280, "height": 900})
        await page.goto(stack.playground_url)
        await page.get_by_text("Personal Chat").first.click()
        box = page.locator('[contenteditable="true"]').first
        await box.click()
        await page.keyboard.type("which clients expire in November 2026")
        await page.keyboard.press("Enter")
        heading = page.get_by_text("Customers expiring between").last
        await heading.wait_for(timeout=60_000)  # a loaded CI machine
        card = page.locator(".ac-adaptiveCard", has_text="Customers expiring between").last
        await card.screenshot(path=str(SHOTS / "playground-expiring-card.png"))
        await page.screenshot(path=str(SHOTS / "playground.png"))
        text = await card.inner_text()
        await browser.close()
    assert "Café Lumière" in text and "Transports Moreau" in text
    assert (SHOTS / "playground-expiring-card.png").stat().st_size > 5_000
