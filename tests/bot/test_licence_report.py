"""The monthly licence report on demand (issue 19) through the real turn (`ask`): the
month a question names (a month without a year is its last occurrence), the last
complete month by default, the figures of the report service (checked against the
fixture in tests/services/test_monthly_report.py), both languages, and the scope."""

from __future__ import annotations

import csv
import datetime as dt
import io
import urllib.parse
from typing import Any

import pytest

from bot.cli.ask import Asker
from bot.services import BotServices
from bot.settings import load_settings
from cards.download import export_url_of
from services.db.engine import Database
from services.understanding import Intent, parse
from tests.services.test_monthly_report import model
from tests.support.demo_turns import card_of, demo_client

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


async def test_the_report_card_downloads_as_the_ask_answer_in_french(
        aiohttp_client: Any, demo_db: Database, asker: Asker) -> None:
    """The on-demand card's "Télécharger le CSV": the same figures as `ask --json`, for
    Excel in French (';', UTF-8 with BOM), a row per SKU and partner, the ids."""
    claire, question = "claire.martin@alphadist.example", "rapport des licences d'octobre"
    client = await demo_client(aiohttp_client, demo_db)
    card = await card_of(client, claire, question, "fr-FR")
    url = export_url_of(card)
    assert url is not None and "Télécharger le CSV" in str(card)
    resp = await client.get(urllib.parse.urlsplit(url).path)
    assert resp.status == 200 and resp.headers["Content-Type"].startswith("text/csv")
    raw = await resp.read()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert "Rapport des licences, oct. 2026" in rows[0][0] and claire in rows[0][0]
    assert rows[1] == ["Section", "Identifiant", "Nom", "Licences", "Évolution"]
    answer = await asker.answer(claire, question, "fr", TODAY)
    total = next(r for r in rows[2:] if r[0] == "Total")
    assert int(total[3]) == answer["value"]
    assert int(total[4]) == answer["value"] - answer["previous"]
    assert [(r[1], int(r[3])) for r in rows if r[0] == "SKU"] == [
        (g["id"], g["value"]) for g in answer["groups"]]
    assert [(r[1], int(r[3])) for r in rows if r[0] == "Partenaire"] == [
        (p["id"], p["value"]) for p in answer["partners"]]
    for section, key in (("Nouveau client", "new"), ("Client arrivé à échéance", "lapsed"),
                         ("Intégré", "onboarded")):
        assert [r[1] for r in rows if r[0] == section] == answer[key]
    assert (await client.get(urllib.parse.urlsplit(url).path)).status == 410
