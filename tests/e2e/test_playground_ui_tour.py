"""The README's tour, as a person sees it in the Agents Playground's web UI (headless
Chromium), on the demo as `partnerbot serve --demo` loads it (its dates moved to
today): "which clients expire this month" with its follow-up buttons, one
organization, "Find a customer" in the compose box (its results, then the card it posts)
and a reader's request as the admins' approval card. Each card is saved to
docs/screenshots/ (committed, shown in the README).

The Playground's web client sends no Action.Submit whose data holds `msteams` (imBack,
messageBack: seen in 0.2.28, its request log stays empty), so a follow-up is clicked
through its API in tests/e2e/test_playground_followups.py, not here."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import aiohttp
import pytest

from tests.cards.test_renderer import CHROMIUM, CHROMIUM_ARGS
from tests.support.playground import (
    ROOT,
    Playground,
    Stack,
    bot_cards,
    running_stack,
    ui_missing,
)

SHOTS = ROOT / "docs" / "screenshots"
BRUNO = {"id": "user-bruno", "aadObjectId": "c06ff11f-0b82-5537-b896-a2f8d555a553"}
WAIT_MS = 60_000  # a loaded CI machine

pytestmark = [pytest.mark.playground, pytest.mark.browser,
              pytest.mark.skipif(ui_missing() is not None, reason=str(ui_missing()))]


@pytest.fixture(scope="module")
def today_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with running_stack(tmp_path_factory.mktemp("tour"), demo_date=None) as running:
        yield running


@pytest.fixture
async def page(today_stack: Stack) -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM),
                                                   args=CHROMIUM_ARGS)
        page = await browser.new_page(viewport={"width": 1280, "height": 1000})
        await page.goto(today_stack.playground_url)
        yield page
        await browser.close()


async def _ask(page: Any, question: str, shown: str) -> Any:
    box = page.locator('[contenteditable="true"]').first
    await box.click()
    await page.keyboard.type(question)
    await page.keyboard.press("Enter")
    card = page.locator(".ac-adaptiveCard", has_text=shown).last
    await card.wait_for(timeout=WAIT_MS)
    return card


async def _shoot(page: Any, card: Any, name: str) -> str:
    await card.scroll_into_view_if_needed()
    await page.wait_for_timeout(500)  # fonts and the chart settle
    await card.screenshot(path=str(SHOTS / f"{name}.png"))
    assert (SHOTS / f"{name}.png").stat().st_size > 5_000
    return str(await card.inner_text())


async def test_a_list_its_follow_ups_and_one_organization(page: Any) -> None:
    await page.get_by_text("Personal Chat").first.click()
    card = await _ask(page, "which clients expire this month", "Only those at risk")
    text = await _shoot(page, card, "expiring-list")
    assert "Customers expiring" in text and "Next month" in text
    await page.screenshot(path=str(ROOT / "docs" / "playground.png"))  # the README's top

    card = await _ask(page, "tell me about Café Lumière", "Subscriptions")
    text = await _shoot(page, card, "organization")
    assert "Café Lumière" in text and "CoreSuite" in text


async def test_find_a_customer_in_the_compose_box(page: Any) -> None:
    await page.get_by_text("Personal Chat").first.click()
    await page.get_by_label("Trigger Message Extension App").click()
    await page.get_by_text("Search Command").first.click()
    await page.get_by_text("Specify Command ID or Parameter").click()
    await page.get_by_placeholder("Command ID").fill("findCustomer")
    await page.get_by_placeholder("Parameter name").fill("query")
    await page.get_by_text("Specify Command ID or Parameter").click()  # folded again
    await page.get_by_placeholder("Enter a search term").fill("clinik")  # a typo
    result = page.get_by_text("Clinique Saint-Louis").first
    await result.wait_for(timeout=WAIT_MS)
    panel = page.locator("div").filter(has=page.get_by_text("Search-Based Message Extension")
                                       ).filter(has=result).last  # the picker, no more
    await panel.screenshot(path=str(SHOTS / "find-a-customer.png"))
    await result.click()
    await page.get_by_label("Send").first.click()
    posted = page.locator(".ac-adaptiveCard", has_text="shared from the Partner App").last
    await posted.wait_for(timeout=WAIT_MS)
    text = await _shoot(page, posted, "shared-customer")
    assert "Clinique Saint-Louis" in text and "Licenses" in text


async def test_a_readers_request_as_the_approval_card(page: Any, today_stack: Stack) -> None:
    async with aiohttp.ClientSession() as session:
        client = Playground(today_stack.playground_url, session)
        await client.connect()
        await client.say("personal-chat-alice", "help")  # the bot knows Alice's chat
        await client.wait_for(lambda e: "What you can ask" in str(bot_cards(e)))
        await client.say_as("group-chat-contoso", "remove chloe.leroy@contoso.example",
                            BRUNO)
        await client.wait_for(lambda e: any("chloe.leroy" in str(c) and "refresh" in c
                                            for c in bot_cards(e)), seconds=60)
        await client.close()
    await page.get_by_text("Personal Chat").first.click()  # the admins get it in theirs
    card = page.locator(".ac-adaptiveCard", has_text="chloe.leroy@contoso.example").last
    await card.wait_for(timeout=WAIT_MS)
    text = await _shoot(page, card, "approval")
    assert "Approve" in text and "Reject" in text
