"""Injection: organization and operator names holding markdown links, <at> mentions, HTML,
Adaptive Card `${...}` expressions, control characters and very long words are shown
inert and do not break the cards; SQL metacharacters in questions change nothing."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.services import BotServices
from bot.settings import load_settings
from bot.teams.handler import PartnerBot
from bot.teams.inprocess import InProcessAdapter, ask, message_activity
from services.network.importer import NetworkImporter
from tests.cards.sizes import assert_fits
from tests.cards.test_renderer import RENDER, page  # noqa: F401 - `page` is a fixture
from tests.cards.test_renderer import _missing as renderer_missing
from tests.conftest import demo_document
from tests.security.support import ALICE, snapshot
from tests.support.databases import fresh_database

TODAY = dt.date(2026, 11, 23)
HOSTILE = {
    "c-boulangerie-dupont": "[Click me](https://evil.example/phish)",
    "c-cafe-lumiere": "<at>Alice Durand</at> <b>bold</b> <script>alert(1)</script>",
    "c-hotel-belle-epoque": "${$root.secret} {{name}} ${if(true, 'a', 'b')}",
    "c-transports-moreau": "W" * 200,  # the longest name the import accepts
    "c-clinique-saint-louis": "**Bold** _it_ # Head\x07\x1b[31m `code` ![img](https://x/y.png)",
}
OPERATOR = {"email": "mallory@contoso.example", "name": "[Boss](https://evil.example) <at>All</at>",
            "organization": "p-contoso", "roles": ["reader"],
            "aad_object_id": "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee",
            "tenant_id": ALICE[1]}
QUESTIONS = ["show my customers", "which clients expire this month", "expired customers",
             "list operators", "quels clients expirent ce mois-ci", "how many licenses in total"]
SQL = ["when does '; DROP TABLE organizations; -- expire",
       "show customers named %' OR '1'='1",
       "licences de \\'; DELETE FROM subscriptions WHERE '1'='1",
       'how many licenses for "x"); UPDATE operators SET role=\'admin\' --',
       "quand expire Robert'); DROP TABLE operators;--"]


def hostile_document() -> dict[str, Any]:
    doc = demo_document()
    for org in doc["organizations"]:
        if org["id"] in HOSTILE:
            org["name"] = HOSTILE[org["id"]]
    doc["operators"].append(OPERATOR)
    return doc


@pytest.fixture
async def bot(backend: str, tmp_path: Path) -> AsyncIterator[tuple[PartnerBot, Any]]:
    async with fresh_database(backend, tmp_path) as db:
        await NetworkImporter(db.sessions).import_document(hostile_document())
        services = BotServices.create(load_settings(DATABASE_URL=db.url, BOT_ID=""), db)
        yield PartnerBot(services), db


async def question(bot: PartnerBot, text: str, who: tuple[str, str] = ALICE) -> Any:
    reply = await ask(bot, InProcessAdapter(), message_activity(*who, text, "en-US", TODAY),
                      full_answer=False)
    assert reply is not None, text
    return reply


def texts(node: Any) -> Iterator[str]:
    """Every string an Adaptive Card shows (TextBlock, TextRun, cells, facts, titles)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("text", "title", "value", "altText", "fallbackText") and \
                    isinstance(value, str):
                yield value
            else:
                yield from texts(value)
    elif isinstance(node, list):
        for value in node:
            yield from texts(value)


UNESCAPED = [
    (re.compile(r"(?<!\\)\[[^\]]*(?<!\\)\]\((?<!\\)"), "a markdown link"),
    (re.compile(r"<\s*(at|script|b)\b", re.I), "an HTML tag or mention"),
    (re.compile(r"(?<!\\)\$(?<!\\)\{"), "an Adaptive Card expression"),
    (re.compile(r"(?<!\\)\*\*"), "markdown bold"),
    (re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"), "a control character"),
]


def assert_inert(card: dict[str, Any], where: str) -> None:
    for text in texts(card):
        for pattern, what in UNESCAPED:
            assert not pattern.search(text), f"{where}: {what} in {text[:120]!r}"
    assert_fits(card, where)  # Teams' 40 KB, as UTF-16, with the activity around it


async def test_hostile_names_are_shown_inert(bot: tuple[PartnerBot, Any]) -> None:
    partner_bot, _db = bot
    listed = await question(partner_bot, "show my customers")
    assert set(HOSTILE.values()) <= {i["name"] for i in listed.answer["items"]}  # raw data
    for text in QUESTIONS + [f"when does {name[:60]} expire" for name in HOSTILE.values()]:
        reply = await question(partner_bot, text)
        assert_inert(reply.card, text)
    operators = (await question(partner_bot, "list operators")).card
    dumped = json.dumps(operators, ensure_ascii=False)
    assert "mallory@contoso.example" in dumped and "Boss" in dumped
    assert_inert(operators, "list operators")


async def test_sql_metacharacters_change_nothing(bot: tuple[PartnerBot, Any]) -> None:
    partner_bot, db = bot
    before = await snapshot(db)
    for text in SQL:
        reply = await question(partner_bot, text)
        assert reply.answer.get("error") in (None, "not_found"), (text, reply.answer)
        assert_inert(reply.card, text)
    assert await snapshot(db) == before
    assert (await question(partner_bot, "which clients expire this month")).answer["total"] > 0


def test_the_inert_check_catches_raw_names() -> None:
    for name in [n for n in HOSTILE.values() if not n.startswith("W")] + [OPERATOR["name"]]:
        with pytest.raises(AssertionError):
            assert_inert({"body": [{"type": "TextBlock", "text": name}]}, "raw")


@pytest.mark.browser
@pytest.mark.skipif(renderer_missing() is not None, reason=str(renderer_missing()))
async def test_hostile_cards_render_cleanly(bot: tuple[PartnerBot, Any],
                                            page: Any) -> None:  # noqa: F811 - the fixture
    """Through Microsoft's renderer in Chromium: parsed without a warning, rendered."""
    partner_bot, _db = bot
    for text in ["show my customers", "list operators",
                 *(f"when does {name[:60]} expire" for name in HOSTILE.values())]:
        card = (await question(partner_bot, text)).card
        result = await page.evaluate(RENDER, card)
        problems = [e["message"] for e in result["parse"] + result["validation"]
                    if 'Unknown element type "Chart.' not in e["message"]]
        assert problems == [] and result["html"] > 0, text
        html = await page.inner_html("#host")
        assert "<script" not in html and "evil.example/phish\"" not in html, text
