"""Honest answers through the real bot turn (SPEC sections 3 and 5): a question partly
understood is `clarify` (what was understood, the words that were not, up to three
questions to try, as buttons that send them); data the Partner App does not hold is
`unsupported`. Neither carries items or a value."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from bot.cli.ask import Asker
from bot.services import BotServices
from bot.settings import load_settings
from services.db.engine import Database

TODAY = dt.date(2026, 11, 23)
CLAIRE = "claire.martin@alphadist.example"


@pytest.fixture
def asker(demo_db: Database) -> Asker:
    return Asker(BotServices.create(load_settings(DATABASE_URL=demo_db.url), demo_db))


async def test_a_filter_the_bot_does_not_know_is_reported(asker: Asker) -> None:
    answer = await asker.answer(CLAIRE, "customers in the healthcare sector expiring this "
                                "month", "en", TODAY)
    assert answer["intent"] == "clarify" and "items" not in answer and "value" not in answer
    assert answer["unknown"] == ["healthcare", "sector"]
    assert "Customers" in answer["message"] and "Nov" in answer["message"]
    assert len(answer["suggestions"]) == 3


async def test_in_french(asker: Asker) -> None:
    answer = await asker.answer(CLAIRE, "clients du secteur bancaire", "fr", TODAY)
    assert answer["intent"] == "clarify" and answer["unknown"] == ["bancaire"]
    assert "J'ai compris" in answer["message"]
    assert answer["suggestions"][0] == "quels clients expirent ce mois-ci"


async def test_every_suggestion_is_a_question_the_bot_answers(asker: Asker) -> None:
    for language in ("en", "fr"):
        answer = await asker.answer(CLAIRE, "customers in Atlantis", language, TODAY)
        for question in answer["suggestions"]:
            reply = await asker.answer(CLAIRE, question, language, TODAY)
            assert reply["intent"] not in {"clarify", "unsupported", "unknown"}, question


async def test_the_card_offers_the_suggestions_as_buttons(asker: Asker) -> None:
    reply = await asker.reply(CLAIRE, "customers in Atlantis", "en-US", TODAY,
                              full_answer=False)
    assert reply is not None
    # one a line, in the card's body: three side by side would run off a phone's width
    actions: list[dict[str, Any]] = [a for e in reply.card["body"] if e["type"] == "ActionSet"
                                     for a in e["actions"]]
    sent = [a["data"]["msteams"] for a in actions]
    assert [s["type"] for s in sent] == ["messageBack"] * 3  # reaches the bot in channels
    assert [s["text"] for s in sent] == reply.answer["suggestions"]
    assert [s["displayText"] for s in sent] == reply.answer["suggestions"]


@pytest.mark.parametrize(("text", "language"), [
    ("which customers have unassigned seats", "en"),
    ("chiffre d'affaires de Fabrikam", "fr"),
])
async def test_data_not_held_is_unsupported(asker: Asker, text: str, language: str) -> None:
    answer = await asker.answer(CLAIRE, text, language, TODAY)
    assert answer["intent"] == "unsupported" and "items" not in answer
    assert "licen" in answer["message"]
