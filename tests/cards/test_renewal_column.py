"""An expiry list says, row by row and in words, whether each expiry is renewed or at
risk (SPEC section 1), in English and in French, under the row's date (a colour alone
says nothing to a screen reader); other lists say no such thing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from bot.cli.ask import Asker
from bot.services import BotServices
from bot.settings import load_settings
from services.db.engine import Database

ALICE = "alice.durand@contoso.example"
TODAY = dt.date(2026, 11, 23)
WORDS = {"en": ("Expires", "At risk", "Renewed"),
         "fr": ("Expire le", "À risque", "Renouvelé")}


def table_rows(card: dict[str, Any]) -> list[list[list[str]]]:
    """Each row's cells, each cell's texts (the main line, then the small ones)."""
    table = next(e for e in card["body"] if e.get("type") == "Table")
    return [[[i.get("text", "") for i in c["items"]] for c in row["cells"]]
            for row in table["rows"]]


async def rows_for(db: Database, question: str, locale: str) -> list[list[list[str]]]:
    asker = Asker(BotServices.create(load_settings(DATABASE_URL=db.url), db))
    reply = await asker.reply(ALICE, question, locale, TODAY, full_answer=False)
    assert reply is not None and reply.card
    return table_rows(reply.card)


@pytest.mark.parametrize(("language", "question"), [
    ("en", "which clients expire this month"), ("fr", "quels clients expirent ce mois-ci")])
async def test_expiry_rows_show_the_renewal_status(demo_db: Database, language: str,
                                                   question: str) -> None:
    header, *rows = await rows_for(demo_db, question, "fr-FR" if language == "fr" else "en-US")
    column, at_risk, renewed = WORDS[language]
    index = [h[0] for h in header].index(column)
    status = {row[0][0]: row[index][1] for row in rows}  # the words under the date
    assert status == {"Café Lumière": at_risk, "Transports Moreau": renewed,
                      "Boulangerie Dupont": renewed}


async def test_other_lists_have_no_renewal_status(demo_db: Database) -> None:
    header, *rows = await rows_for(demo_db, "expired customers", "en-US")
    assert rows
    shown = {text for row in rows for cell in row for text in cell}
    assert not shown & {"At risk", "Renewed"}
