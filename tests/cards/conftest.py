"""A sample of every card (tests/cards/samples.py), built once for the session."""

from __future__ import annotations

from typing import Any

import pytest
import pytest_asyncio

from bot.cli.ask import Asker
from bot.services import BotServices
from bot.settings import load_settings
from services.network.importer import NetworkImporter
from tests.cards.samples import built_cards, turn_cards
from tests.conftest import demo_document
from tests.support.databases import fresh_database


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def samples(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Every card kind, English and French: `<kind>-<language>` -> the card."""
    out: dict[str, dict[str, Any]] = {}
    async with fresh_database("sqlite", tmp_path_factory.mktemp("cards")) as db:
        await NetworkImporter(db.sessions).import_document(demo_document())
        asker = Asker(BotServices.create(load_settings(DATABASE_URL=db.url), db))
        for language in ("en", "fr"):
            cards = {**await turn_cards(asker, language), **built_cards(language)}
            out.update({f"{kind}-{language}": card for kind, card in cards.items()})
    return out
