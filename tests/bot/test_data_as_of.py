"""Every answer read from the partner network says when the network last changed (issue
19, "data as of"), in the client's time zone (activity.localTimezone, else NOTIFY_TZ)
and language; an import moves it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import update

from bot.app import create_app
from bot.settings import load_settings
from services.db.engine import Database
from services.db.meta import DATA_CHANGED_AT
from services.db.models import AppMeta
from services.network.importer import NetworkImporter
from tests.conftest import demo_document
from tests.support import activities as A

CHANGED = dt.datetime(2026, 11, 20, 8, 30, tzinfo=dt.UTC)


@pytest.fixture
async def client(aiohttp_client: Any, demo_db: Database) -> Any:
    async with demo_db.sessions() as session, session.begin():
        await session.execute(update(AppMeta).where(AppMeta.key == DATA_CHANGED_AT)
                              .values(value=CHANGED.isoformat()))
    settings = load_settings(DATABASE_URL=demo_db.url, BOT_ID="", NOTIFY_TZ="America/New_York",
                             ANSWER_CACHE_SIZE="0")
    return await aiohttp_client(create_app(settings, database=demo_db))


async def last_line(client: Any, text: str, locale: str = "en-US",
                    timezone: str | None = None) -> str:
    activity = A.message(text, locale=locale)
    if timezone is not None:
        activity["localTimezone"] = timezone
    resp = await client.post("/api/messages", json=activity)
    assert resp.status == 200
    (card,) = A.cards_of(await resp.json())
    # The last text of the card (the suggested next questions' buttons come after it).
    return str([b for b in card["body"] if b["type"] == "TextBlock"][-1]["text"])


async def test_the_time_of_the_last_change_in_the_client_time_zone(client: Any) -> None:
    assert await last_line(client, "which clients expire this month",
                           timezone="Europe/Paris") == (
        "Data as of Nov 20, 2026, 09:30 (Europe/Paris).")
    assert await last_line(client, "top 3 customers by licenses",
                           timezone="Asia/Tokyo") == "Data as of Nov 20, 2026, 17:30 (Asia/Tokyo)."
    assert await last_line(client, "combien de licences a Café Lumière ?", "fr-FR",
                           "Europe/Paris") == (
        "Données à jour au 20 nov. 2026, 09:30 (Europe/Paris).")


async def test_without_a_valid_client_zone_the_bot_zone_is_used(client: Any) -> None:
    for zone in (None, "Mars/Olympus", "../../etc/passwd"):
        assert await last_line(client, "licenses per SKU", timezone=zone) == (
            "Data as of Nov 20, 2026, 03:30 (America/New_York).")


async def test_answers_that_are_not_read_from_the_network_say_nothing(client: Any) -> None:
    assert "Data as of" not in await last_line(client, "help")
    assert "Data as of" not in await last_line(client, "customers in the healthcare sector")


async def test_an_import_that_changes_the_network_moves_it(client: Any,
                                                          demo_db: Database) -> None:
    same = await last_line(client, "which clients expire this month", timezone="UTC")
    await NetworkImporter(demo_db.sessions).import_document(demo_document())
    assert await last_line(client, "which clients expire this month", timezone="UTC") == same
    changed = demo_document()
    changed["subscriptions"][0]["licenses"] += 1
    before = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    await NetworkImporter(demo_db.sessions).import_document(changed)
    line = await last_line(client, "which clients expire this month", timezone="UTC")
    when = dt.datetime.strptime(line, "Data as of %b %d, %Y, %H:%M (UTC).").replace(
        tzinfo=dt.UTC)
    assert before <= when <= dt.datetime.now(dt.UTC)
