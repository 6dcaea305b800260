"""The monthly licence report on demand (issue 19) through the real turn (`ask`): the
month a question names (a month without a year is its last occurrence), the last
complete month by default, the figures of the report service (checked against the
fixture in tests/services/test_monthly_report.py), both languages, and the scope."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.cli.ask import Asker
from bot.services import BotServices
from bot.settings import load_settings
from services.db.engine import Database
from services.understanding import Intent, parse
from tests.services.test_monthly_report import model

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def asker(demo_db: Database) -> Asker:
    return Asker(BotServices.create(load_settings(DATABASE_URL=demo_db.url), demo_db))


@pytest.mark.parametrize(("text", "language"), [
    ("licence report for October", "en"), ("license report, October 2026", "en"),
    ("report of licenses for October", "en"), ("monthly report for october", "en"),
    ("rapport mensuel des licences d'octobre", "fr"), ("bilan des licences octobre", "fr"),
])
async def test_the_month_a_question_names(asker: Asker, text: str, language: str) -> None:
    answer = await asker.answer("claire.martin@alphadist.example", text, language, TODAY)
    want = model("d-alpha", dt.date(2026, 10, 31), dt.date(2026, 9, 30))
    assert answer["intent"] == Intent.LICENCE_REPORT and answer["month"] == "2026-10"
    assert (answer["value"], answer["previous"]) == (want["seats"], want["previous"])
    assert (answer["added"], answer["removed"]) == (want["added"], want["removed"])
    assert {g["id"]: g["value"] for g in answer["groups"]} == {
        k: v[0] for k, v in want["skus"].items() if v[0]}


async def test_without_a_month_the_last_complete_one(asker: Asker) -> None:
    answer = await asker.answer("sofia.marino@coreview.example", "monthly licence report",
                                "en", TODAY)
    assert answer["month"] == "2026-10"
    december = await asker.answer("sofia.marino@coreview.example",
                                  "licence report for December", "en", TODAY)
    assert december["month"] == "2025-12"  # a report is of the past


async def test_a_partner_gets_its_own_customers_only(asker: Asker) -> None:
    answer = await asker.answer("alice.durand@contoso.example", "rapport mensuel des licences",
                                "fr", TODAY)
    want = model("p-contoso", dt.date(2026, 10, 31), dt.date(2026, 9, 30))
    assert answer["value"] == want["seats"] and answer["partners"] == []
    reply = await asker.reply("alice.durand@contoso.example", "rapport mensuel des licences",
                              "fr-FR", TODAY, full_answer=True)
    assert reply is not None and "Rapport des licences" in str(reply.card)


async def test_sending_the_report_to_a_channel_is_not_the_report_itself() -> None:
    for text in ("send the monthly licence report to this channel",
                 "envoie le rapport mensuel des licences dans ce canal"):
        query = await parse(text, "en", TODAY)
        assert query.intent != Intent.LICENCE_REPORT
