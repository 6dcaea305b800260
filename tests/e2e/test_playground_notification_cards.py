"""The expiry digest, a digest row's snooze, 'notification status' and 'licence report for
October' as a person sees them in the Agents Playground's web UI (headless Chromium),
saved to docs/screenshots/ (committed): digest.png, snooze.png, notification-status.png,
licence-report.png.

The bot is `partnerbot serve --demo` (the demo network, local mode, the real parser: no
question's understanding is replaced) with its own Playground, started for this module
alone (the session's shared stack already has a digest for team-contoso on 2026-11-23, and
a subscription gets one digest a day). Everything a person does is done in the UI:

- in the General channel of the team "Contoso Partners", Alice (partner admin of
  Contoso Partners, the Playground's current user) posts "@Partner App notify this channel
  30 days before expiry" (the @mention picked from the editor's mention list, as Teams
  delivers channel messages to a bot only when it is mentioned);
- `python -m bot.cli notify run --now 2026-11-23 --wait 5` runs one notification pass:
  the bot posts the digest through the Playground's Bot Connector, and it appears in the
  channel as a new post (digest.png);
- the digest row's snooze button ("Snooze": 7 days) is clicked in the UI: the click
  does reach the bot (the Playground sends the proactive card's Action.Execute as an
  adaptiveCard/action invoke), and the Playground replaces the digest by the card the
  bot answers (snooze.png); the snooze is also read back from the bot's database;
- "@Partner App notification status" is posted in the same channel (its answer comes in
  the post's thread: notification-status.png);
- "licence report for October" is typed in Alice's personal chat (licence-report.png).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import sqlite3
import struct
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from services.i18n import messages
from tests.cards.test_renderer import CHROMIUM, CHROMIUM_ARGS
from tests.support.playground import ROOT, Stack, running_stack, ui_missing

SHOTS = ROOT / "docs" / "screenshots"
CHANNEL = "team-contoso"  # General of "Contoso Partners" (.m365agentsplayground.yml)
AT_RISK = "Clinique Saint-Louis"  # the demo network's only expiry not renewed, 23 Nov + 30 d
CARD_WAIT_MS = 60_000  # a loaded CI machine

# How many pixels of an element's text its clipping ancestors (overflow not visible, up
# to the card) hide on the right: a label that does not fit its table column.
LABEL_CUT_JS = """element => {
    const range = document.createRange();
    range.selectNodeContents(element);
    const right = range.getBoundingClientRect().right;
    let cut = 0;
    for (let e = element.parentElement; e; e = e.parentElement) {
        if (getComputedStyle(e).overflowX !== "visible") {
            cut = Math.max(cut, right - e.getBoundingClientRect().right);
        }
        if (e.classList.contains("ac-adaptiveCard")) break;
    }
    return cut;
}"""

pytestmark = [pytest.mark.playground, pytest.mark.browser,
              pytest.mark.skipif(ui_missing() is not None, reason=str(ui_missing()))]


@pytest.fixture(scope="module")
def own_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with running_stack(tmp_path_factory.mktemp("notification-cards")) as running:
        yield running


def _db_rows(stack: Stack, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    with sqlite3.connect(stack.database_url.split("///", 1)[1]) as db:
        return db.execute(sql, args).fetchall()


async def _eventually(stack: Stack, sql: str, *args: Any,
                      seconds: float = 30) -> list[tuple[Any, ...]]:
    """The rows SQL finds once it finds any (the bot commits as its turn ends)."""
    deadline = asyncio.get_running_loop().time() + seconds
    while not (rows := _db_rows(stack, sql, *args)):
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"nothing found by {sql} {args}")
        await asyncio.sleep(0.2)
    return rows


async def _open(page: Any, stack: Stack) -> None:
    """The Playground's UI, once it shows the personal chat's welcome card (before that, a
    click on a channel is lost on the first load)."""
    await page.goto(stack.playground_url)
    await page.locator(".ac-adaptiveCard", has_text="Welcome to the Partner App").first \
        .wait_for(timeout=CARD_WAIT_MS)


async def _post_in_channel(page: Any, text: str) -> None:
    """A new post in the open channel that @mentions the bot, as a person writes it."""
    await page.locator('[contenteditable="true"]').first.click()
    await page.keyboard.type("@Partner")
    await page.get_by_role("menuitem", name="Partner App").click()
    await page.keyboard.type(f" {text}")
    await page.get_by_role("button", name="Post", exact=True).click()


async def _ask_in_personal_chat(page: Any, text: str) -> None:
    await page.locator('[contenteditable="true"]').first.click()
    await page.keyboard.type(text)
    await page.keyboard.press("Enter")


async def _shoot(page: Any, shown: str, name: str) -> str:
    """The last card showing SHOWN, once rendered: its screenshot and its text."""
    card = page.locator(".ac-adaptiveCard", has_text=shown).last
    await card.wait_for(timeout=CARD_WAIT_MS)
    await card.scroll_into_view_if_needed()
    await page.wait_for_timeout(800)  # the charts' drawing
    await card.screenshot(path=str(SHOTS / f"{name}.png"))
    return str(await card.inner_text())


def _assert_cropped(name: str) -> None:
    """As the other screenshots: the card at its width in the Playground, nothing else."""
    png = (SHOTS / f"{name}.png").read_bytes()
    width, height = struct.unpack(">II", png[16:24])
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and 400 <= width <= 460, (name, width)
    assert 40 <= height <= 1000, (name, height)


async def _notification_pass(stack: Stack, now: str) -> str:
    run = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "notify", "run", "--now", now, "--wait", "5",
        cwd=stack.workdir, env=stack.env, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT)
    output = (await run.communicate())[0].decode()
    assert run.returncode == 0, output
    return output


async def _new_page(playwright: Any) -> tuple[Any, Any]:
    browser = await playwright.chromium.launch(executable_path=str(CHROMIUM),
                                               args=CHROMIUM_ARGS)
    return browser, await browser.new_page(viewport={"width": 1280, "height": 1000})


async def test_a_digest_its_snooze_and_the_status_in_a_channel(own_stack: Stack) -> None:
    from playwright.async_api import async_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    async with async_playwright() as playwright:
        browser, page = await _new_page(playwright)
        try:
            await _open(page, own_stack)
            await page.get_by_text("General", exact=True).first.click()
            await page.locator(".ac-adaptiveCard", has_text="Thanks for adding").first \
                .wait_for(timeout=CARD_WAIT_MS)  # the bot knows the team

            await _post_in_channel(page, "notify this channel 30 days before expiry")
            subscribed = page.locator(".ac-adaptiveCard", has_text="Notifications on")
            await subscribed.wait_for(timeout=CARD_WAIT_MS)
            subscribed_text = await subscribed.inner_text()
            await _eventually(own_stack, "SELECT id FROM channel_subscriptions WHERE "
                              "conversation_id = ? AND active", CHANNEL)

            output = await _notification_pass(own_stack, "2026-11-23")
            sent = re.search(r"(\d+) digests \((\d+) items\)", output)
            assert sent is not None and sent[1] == "1", output
            items = int(sent[2])
            digest = await _shoot(page, "Expiring soon", "digest")
            show_buttons = await page.locator(".ac-adaptiveCard", has_text="Expiring soon") \
                .last.get_by_role("button", name="Show", exact=True).count()

            snooze = page.locator(".ac-adaptiveCard", has_text="Expiring soon").last \
                .get_by_role("button", name=re.compile(r"^Snooze"))
            snooze_buttons = await snooze.count()
            label_cut = await snooze.first.evaluate(LABEL_CUT_JS)
            await snooze.first.click()
            snoozed = await _shoot(page, "is snoozed in this conversation", "snooze")
            until = (await _eventually(
                own_stack, "SELECT until FROM notification_snoozes WHERE conversation_id = "
                "? AND organization_id = ?", CHANNEL, "c-clinique-saint-louis"))[0][0]
            digest_left = await page.locator(".ac-adaptiveCard",
                                             has_text="Expiring soon").count()

            await _post_in_channel(page, "notification status")
            status = await _shoot(page, "Notification status", "notification-status")
        finally:
            await browser.close()

    assert "Contoso Partners" in subscribed_text and "30 days" in subscribed_text
    # at-risk expiries first (a snooze button each), then one line for the renewing ones
    assert "Expiring soon: 1 not renewed" in digest
    assert "In the network of Contoso Partners, as of Nov 23, 2026." in digest
    assert AT_RISK in digest and snooze_buttons == 1  # one row, one button
    assert label_cut <= 0.5, f"the snooze button's label is cut off by {label_cut} px"
    renewing = re.search(r"(\d+) more renew automatically", digest)
    assert renewing is not None and 1 + int(renewing[1]) == items, (digest, output)
    assert digest.index(AT_RISK) < digest.index("renew automatically")
    assert show_buttons == 1
    # the click's answer replaced the digest; the snooze is the bot's, for 7 days
    until_day = dt.date.fromisoformat(str(until))
    assert 6 <= (until_day - dt.datetime.now(dt.UTC).date()).days <= 8, until_day
    assert f"{AT_RISK} is snoozed in this conversation until " \
        f"{messages('en').date(until_day)}" in snoozed
    assert digest_left == 0
    # the last digest sent here, with its items, and the snooze
    assert "Contoso Partners" in status and "30 days" in status
    assert re.search(rf"Last digest: .*, {items} items\.", status), status
    assert f"Snoozed: {AT_RISK} until {messages('en').date(until_day)}." in status
    assert "No delivery problem." in status
    for name in ("digest", "snooze", "notification-status"):
        _assert_cropped(name)


async def test_the_licence_report_in_the_personal_chat(own_stack: Stack) -> None:
    from playwright.async_api import async_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    async with async_playwright() as playwright:
        browser, page = await _new_page(playwright)
        try:
            await _open(page, own_stack)
            await _ask_in_personal_chat(page, "licence report for October")
            report = await _shoot(page, "Licence report", "licence-report")
        finally:
            await browser.close()

    heading = re.search(r"Licence report, Oct (\d{4}): Contoso Partners", report)
    assert heading is not None, report
    year = heading[1]
    assert f"active licences on Oct 31, {year}, compared with Sep 30, {year}" in report
    for sku in ("CoreSuite Enterprise", "CoreView Audit", "License Optimizer"):
        assert sku in report
    assert "New customers" in report and "Lapsed customers" in report
    _assert_cropped("licence-report")
