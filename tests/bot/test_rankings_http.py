"""Rankings and breakdowns through the bot's turn, over HTTP (expectReplies) and `ask`,
without depending on the question parser: understanding is replaced, for the questions
below only, by the Query the parser's contract gives them (services/understanding/
model.py), so this tests routing, the handlers, the cards, the answer JSON (SPEC section 5)
and the refusals; the parser has its own tests."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

import bot.turn.questions as questions
from bot.cli.ask import Asker
from services.understanding.model import Filters, Intent, Query
from tests.conftest import demo_document
from tests.support.demo_turns import asker as asker  # noqa: F401 - the fixture
from tests.support.demo_turns import card_of
from tests.support.demo_turns import client as client  # noqa: F401 - the fixture

TODAY = dt.date(2026, 11, 23)
SOFIA, CLAIRE, ALICE, NINA = ("sofia.marino@coreview.example",
                              "claire.martin@alphadist.example",
                              "alice.durand@contoso.example", "nina.keller@litware.example")

# question -> (intent, kind, measure, group_by, limit, filters)
CONTRACT: dict[str, tuple[str, str, str, str | None, int | None, Filters]] = {
    "top 5 customers by licenses": (Intent.RANKING, "customer", "licenses", None, 5,
                                    Filters()),
    "show our biggest customers": (Intent.RANKING, "customer", "licenses", None, None,
                                   Filters()),
    "quel partenaire a le plus de clients ?": (Intent.RANKING, "partner", "organizations",
                                               None, 1, Filters()),
    "which partner has the most licenses": (Intent.RANKING, "partner", "licenses", None, 1,
                                            Filters()),
    "top 3 French customers by CoreSuite Enterprise licenses": (
        Intent.RANKING, "customer", "licenses", None, 3, Filters(sku="CS-ENT", country="FR")),
    "customers per partner": (Intent.BREAKDOWN, "customer", "organizations", "partner", None,
                              Filters()),
    "licenses per partner": (Intent.BREAKDOWN, "customer", "licenses", "partner", None,
                             Filters()),
    "nombre de clients par partenaire": (Intent.BREAKDOWN, "customer", "organizations",
                                         "partner", None, Filters()),
    "nombre de clients par pays": (Intent.BREAKDOWN, "customer", "organizations", "country",
                                   None, Filters()),
    "licenses per SKU": (Intent.BREAKDOWN, "customer", "licenses", "sku", None, Filters()),
    "expiries per month": (Intent.BREAKDOWN, "customer", "expiries", "month", None,
                           Filters()),
    "expirations par mois": (Intent.BREAKDOWN, "customer", "expiries", "month", None,
                             Filters()),
}


@pytest.fixture(autouse=True)
def contract_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    real = questions.parse

    async def parse(text: str, language: str, today: dt.date, names: Any) -> Query:
        if text not in CONTRACT:
            return await real(text, language, today, names)
        intent, kind, measure, group_by, limit, filters = CONTRACT[text]
        return Query(intent=intent, language=language, today=today, kind=kind,
                     measure=measure, group_by=group_by, limit=limit, filters=filters,
                     text=text)

    monkeypatch.setattr(questions, "parse", parse)


def table(card: dict[str, Any]) -> list[list[str]]:
    found = next(e for e in card["body"] if e["type"] == "Table")
    return [[c["items"][0]["text"] for c in row["cells"]] for row in found["rows"]]


def texts(card: dict[str, Any]) -> str:
    return json.dumps(card, ensure_ascii=False)


async def test_a_ranking_answer_and_card(client: Any, asker: Asker) -> None:
    answer = await asker.answer(SOFIA, "top 5 customers by licenses", "en", TODAY)
    assert answer == {"intent": "ranking", "kind": "customer", "measure": "licenses",
                      "total": 5, "items": [
                          {"id": "c-bruxelles-assurances", "name": "Bruxelles Assurances",
                           "value": 2400},
                          {"id": "c-clinique-saint-louis", "name": "Clinique Saint-Louis",
                           "value": 2400},
                          {"id": "c-geneve-banque", "name": "Banque Privée de Genève",
                           "value": 2040},
                          {"id": "c-denver-health", "name": "Denver Health Network",
                           "value": 1500},
                          {"id": "c-ghent-logistics", "name": "Ghent Logistics",
                           "value": 1080}]}
    card = await card_of(client, SOFIA, "top 5 customers by licenses")
    assert card["body"][0]["text"] == "Top 5 customers by licenses"
    reading = card["body"][1]["text"]
    assert "all your customers (32)" in reading and "Nov 23, 2026" in reading
    rows = table(card)
    assert rows[0] == ["Rank", "Name", "Licenses"]
    assert rows[1] == ["1", "Bruxelles Assurances", "2,400"]
    found = next(e for e in card["body"] if e["type"] == "Table")
    assert found["rows"][1]["cells"][1]["items"][1]["text"] == "Fabrikam IT"  # the partner
    assert [r[0] for r in rows[1:]] == ["1", "2", "3", "4", "5"]
    value_column = next(e for e in card["body"] if e["type"] == "Table")["columns"][-1]
    assert value_column["horizontalCellContentAlignment"] == "Right"


async def test_the_default_and_the_singular(asker: Asker) -> None:
    biggest = await asker.answer("emily.nguyen@adatum.example", "show our biggest customers",
                                 "en", TODAY)
    assert [i["id"] for i in biggest["items"]] == [
        "c-denver-health", "c-austin-games", "c-boston-legal", "c-miami-marine",
        "c-seattle-coffee"]  # five by default
    most = await asker.answer(CLAIRE, "quel partenaire a le plus de clients ?", "fr", TODAY)
    assert most["items"] == [{"id": "p-contoso", "name": "Contoso Partners", "value": 8}]
    licenses = await asker.answer(SOFIA, "which partner has the most licenses", "en", TODAY)
    assert [i["id"] for i in licenses["items"]] == ["p-fabrikam"]


async def test_a_french_singular_ranking_card(client: Any) -> None:
    card = await card_of(client, CLAIRE, "quel partenaire a le plus de clients ?", "fr-FR")
    assert card["body"][0]["text"] == "Le partenaire qui a le plus de clients"
    assert "par nombre de clients" in card["body"][1]["text"]
    assert table(card)[0] == ["Rang", "Nom", "Clients"]  # a distributor: no parent column
    assert table(card)[1] == ["1", "Contoso Partners", "8"]


async def test_a_ranking_states_its_filters(client: Any, asker: Asker) -> None:
    text = "top 3 French customers by CoreSuite Enterprise licenses"
    answer = await asker.answer(SOFIA, text, "en", TODAY)
    assert [i["value"] for i in answer["items"]] == sorted(
        (i["value"] for i in answer["items"]), reverse=True)
    card = await card_of(client, SOFIA, text)
    assert "Only customers with CoreSuite Enterprise, in France." in card["body"][1]["text"]


async def test_breakdown_answers_follow_the_evaluation_examples(asker: Asker) -> None:
    cases = [(CLAIRE, "customers per partner", "en",
              {"p-contoso": 8, "p-fabrikam": 6, "p-litware": 4}),
             (SOFIA, "nombre de clients par pays", "fr",
              {"BE": 6, "FR": 8, "US": 5, "NO": 4, "CH": 4, "SE": 5}),
             ("chloe.leroy@contoso.example", "licenses per SKU", "en",
              {"CS-ESS": 145, "CS-PRO": 190, "CS-ENT": 1120, "CV-AUDIT": 1120, "CV-LIC": 800}),
             (NINA, "expiries per month", "en",
              {"2026-12": 1, "2027-01": 1, "2027-03": 1, "2027-06": 1})]
    for email, text, locale, groups in cases:
        answer = await asker.answer(email, text, locale, TODAY)
        assert answer["intent"] == "breakdown"
        assert {g["id"]: g["value"] for g in answer["groups"]} == groups, text
    countries = await asker.answer(SOFIA, "nombre de clients par pays", "fr", TODAY)
    assert {g["id"]: g["name"] for g in countries["groups"]}["BE"] == "Belgique"
    months = await asker.answer(NINA, "expiries per month", "en", TODAY)
    assert [g["name"] for g in months["groups"]] == ["Dec 2026", "Jan 2027", "Mar 2027",
                                                     "Jun 2027"]


async def test_a_breakdown_card_has_a_chart_its_fallback_and_a_table(client: Any) -> None:
    card = await card_of(client, CLAIRE, "licenses per partner")
    assert card["body"][0]["text"] == "Licenses per partner"
    assert "active licenses on Nov 23, 2026, added up per partner" in card["body"][1]["text"]
    chart = next(e for e in card["body"] if e["type"].startswith("Chart."))
    assert chart["type"] == "Chart.HorizontalBar"
    assert {d["x"] for d in chart["data"]} == {"Contoso Partners", "Fabrikam IT",
                                               "Litware Services"}
    assert chart["fallback"]["type"] == "Container"  # bars for clients without charts
    assert len(chart["fallback"]["items"]) == 3
    rows = table(card)
    assert rows[0] == ["Partner", "Licenses"]
    assert [r[0] for r in rows[1:]] == ["Fabrikam IT", "Contoso Partners", "Litware Services"]


async def test_a_french_month_breakdown_card(client: Any) -> None:
    card = await card_of(client, NINA, "expirations par mois", "fr-FR")
    assert card["body"][0]["text"] == "Expirations par mois"
    assert "du 1 nov. 2026 au 31 oct. 2027" in card["body"][1]["text"]
    chart = next(e for e in card["body"] if e["type"].startswith("Chart."))
    assert chart["type"] == "Chart.VerticalBar"
    assert [r[0] for r in table(card)[1:]] == ["déc. 2026", "janv. 2027", "mars 2027",
                                               "juin 2027"]


async def test_a_partner_asking_per_partner_is_refused(client: Any, asker: Asker) -> None:
    answer = await asker.answer(ALICE, "nombre de clients par partenaire", "fr", TODAY)
    assert answer["intent"] == "breakdown" and answer["error"] == "forbidden"
    assert "groups" not in answer
    card = await card_of(client, ALICE, "nombre de clients par partenaire", "fr-FR")
    assert "Fabrikam" not in texts(card) and "Litware" not in texts(card)
    # ... while her own customers can be ranked: only Contoso's.
    ranking = await asker.answer(ALICE, "top 5 customers by licenses", "en", TODAY)
    contoso = {o["id"] for o in demo_document()["organizations"]
               if o.get("parent") == "p-contoso"}
    assert {i["id"] for i in ranking["items"]} <= contoso
    assert "Partner" not in table(await card_of(client, ALICE, "top 5 customers by licenses"))[0]
