"""Through the real turn (POST /api/messages): a reply is in the language of the question
when it is clearly English or French, otherwise in the Teams client's (SPEC section 3)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.app import create_app
from bot.settings import load_settings
from services.db.engine import Database
from tests.support import activities as A

CLAIRE_AAD = "9888c69f-850f-5e5b-acd2-c8fdf8762ab4"  # admin, Alpha Distribution
CLAIRE_TENANT = "d752334c-2297-5126-a591-b69bc422f0d5"


@pytest.fixture
async def client(aiohttp_client: Any, demo_db: Database) -> Any:
    settings = load_settings(DATABASE_URL=demo_db.url, BOT_ID="")
    return await aiohttp_client(create_app(settings, database=demo_db))


async def card_text(client: Any, text: str, locale: str) -> str:
    activity = A.message(text, aad=CLAIRE_AAD, tenant=CLAIRE_TENANT, locale=locale)
    activity["localTimestamp"] = "2026-11-23T10:00:00+01:00"
    resp = await client.post("/api/messages", json=activity)
    assert resp.status == 200
    (card,) = A.cards_of(await resp.json())
    return json.dumps(card, ensure_ascii=False)


def first_column(card: str) -> str:
    table = next(e for e in json.loads(card)["body"] if e["type"] == "Table")
    return str(table["rows"][0]["cells"][0]["items"][0]["text"])


async def test_a_french_question_from_an_english_client_is_answered_in_french(
        client: Any) -> None:
    card = await card_text(client, "quels clients expirent ce mois-ci ?", "en-US")
    assert first_column(card) == "Nom"


async def test_an_english_question_from_a_french_client_is_answered_in_english(
        client: Any) -> None:
    card = await card_text(client, "which clients expire this month", "fr-FR")
    assert first_column(card) == "Name"


async def test_a_question_without_a_clear_language_keeps_the_client_language(
        client: Any) -> None:
    assert "What you can ask" in await card_text(client, "help", "en-US")
    assert "Ce que vous pouvez demander" in await card_text(client, "help", "fr-FR")
    assert first_column(await card_text(client, "Contoso", "fr-FR")) != "Name"


async def test_the_answer_cache_keeps_the_languages_apart(client: Any) -> None:
    """The same question in each language, then again: each answer in its own language
    (the cache key holds the detected language, not only the client's)."""
    for _ in range(2):
        assert first_column(await card_text(
            client, "quels clients expirent ce mois-ci ?", "en-US")) == "Nom"
        assert first_column(await card_text(
            client, "which clients expire this month", "en-US")) == "Name"
        assert first_column(await card_text(
            client, "which clients expire this month", "fr-FR")) == "Name"


def execute_actions(card: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            if value.get("type") == "Action.Execute":
                found.append(value)
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
    walk(card)
    return found


async def test_the_next_page_of_a_french_answer_stays_french(client: Any) -> None:
    """The buttons of an answer carry its language: the next page of a French answer to
    an English client is French too, and a language we do not speak is ignored."""
    activity = A.message("quels clients avons-nous ?", aad=CLAIRE_AAD, tenant=CLAIRE_TENANT,
                         locale="en-US")
    (card,) = A.cards_of(await (await client.post("/api/messages", json=activity)).json())
    more = next(a for a in execute_actions(card) if a["data"].get("offset"))
    assert more["data"]["lang"] == "fr"
    for lang, header in (("fr", "Nom"), ("de", "Name")):
        click = A.card_action(more["verb"], {**more["data"], "lang": lang}, aad=CLAIRE_AAD,
                              tenant=CLAIRE_TENANT, locale="en-US")
        resp = await client.post("/api/messages", json=click)
        assert resp.status == 200
        page = (await resp.json())["value"]
        assert first_column(json.dumps(page)) == header
