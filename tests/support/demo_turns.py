"""Asking the demo network through the real turn: over HTTP as a demo operator (the
operator's Teams identity from the fixture), or with `ask`.

The fixtures `client` (the web app on the demo network) and `asker` are for a test
module to import (`from tests.support.demo_turns import client as client`)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.app import create_app
from bot.cli.ask import Asker
from bot.services import BotServices
from bot.settings import load_settings
from services.db.engine import Database
from tests.conftest import demo_document
from tests.support import activities as A

OPS = {o["email"]: o for o in demo_document()["operators"]}


async def demo_client(aiohttp_client: Any, db: Database) -> Any:
    """The bot's web app on DB (local mode, expectReplies answers)."""
    settings = load_settings(DATABASE_URL=db.url, BOT_ID="")
    return await aiohttp_client(create_app(settings, database=db))


def demo_asker(db: Database) -> Asker:
    return Asker(BotServices.create(load_settings(DATABASE_URL=db.url), db))


async def card_of(client: Any, email: str, text: str, locale: str = "en-US") -> dict[str, Any]:
    """The one card the bot answers TEXT with, asked by the demo operator EMAIL."""
    op = OPS[email]
    activity = A.message(text, aad=op["aad_object_id"], tenant=op["tenant_id"], locale=locale)
    activity["localTimestamp"] = "2026-11-23T10:00:00+01:00"
    resp = await client.post("/api/messages", json=activity)
    assert resp.status == 200
    (card,) = A.cards_of(await resp.json())
    return card


@pytest.fixture
async def client(aiohttp_client: Any, demo_db: Database) -> Any:
    return await demo_client(aiohttp_client, demo_db)


@pytest.fixture
def asker(demo_db: Database) -> Asker:
    return demo_asker(demo_db)
