"""Questions over HTTP (expectReplies) give the same answer as `ask`, and list cards page
through Action.Execute re-running the query on the server."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from bot.app import create_app
from bot.services import BotServices
from bot.settings import load_settings
from bot.teams.handler import PartnerBot
from bot.teams.inprocess import InProcessAdapter, ask, message_activity
from cards.download import export_url_of, with_export_url
from services.db.engine import Database
from tests.cards.sizes import assert_fits
from tests.support import activities as A

CLAIRE_AAD = "9888c69f-850f-5e5b-acd2-c8fdf8762ab4"  # admin, Alpha Distribution
CLAIRE_TENANT = "d752334c-2297-5126-a591-b69bc422f0d5"
TODAY = dt.date(2026, 11, 23)


@pytest.fixture
async def client(aiohttp_client: Any, demo_db: Database) -> Any:
    settings = load_settings(DATABASE_URL=demo_db.url, BOT_ID="")
    return await aiohttp_client(create_app(settings, database=demo_db))


def claire(text: str, locale: str = "en-US") -> dict[str, Any]:
    activity = A.message(text, aad=CLAIRE_AAD, tenant=CLAIRE_TENANT, locale=locale)
    activity["localTimestamp"] = "2026-11-23T10:00:00+01:00"
    return activity


async def post_card(client: Any, activity: dict[str, Any]) -> dict[str, Any]:
    resp = await client.post("/api/messages", json=activity)
    assert resp.status == 200
    body = await resp.json()
    if "activities" in body:
        (card,) = A.cards_of(body)
        return card
    assert body["type"] == "application/vnd.microsoft.card.adaptive"
    return dict(body["value"])


def table_rows(card: dict[str, Any]) -> list[list[str]]:
    table = next(e for e in card["body"] if e["type"] == "Table")
    return [[c["items"][0]["text"] for c in row["cells"]] for row in table["rows"]]


def actions_of(card: dict[str, Any]) -> list[dict[str, Any]]:
    """The card's own buttons in its body (paging), not the follow-up questions."""
    return [a for e in card["body"] if e["type"] == "ActionSet" for a in e["actions"]
            if a["type"] == "Action.Execute"]


async def test_ask_and_http_give_the_same_card(client: Any, demo_db: Database) -> None:
    services = BotServices.create(load_settings(DATABASE_URL=demo_db.url), demo_db)
    reply = await ask(PartnerBot(services), InProcessAdapter(), message_activity(
        CLAIRE_AAD, CLAIRE_TENANT, "which clients expire this month", "en-US", TODAY))
    assert reply is not None
    http_card = await post_card(client, claire("which clients expire this month"))
    # the same card; each carries its own single-use download link
    assert with_export_url(http_card, "-") == with_export_url(reply.card, "-")
    assert export_url_of(http_card) != export_url_of(reply.card)
    names = [row[0] for row in table_rows(http_card)[1:]]
    assert {i["name"] for i in reply.answer["items"]} == {n.replace("\\", "") for n in names}
    assert reply.answer["total"] == 6


def entries(card: dict[str, Any]) -> list[dict[str, Any]]:
    """The entries of a list drawn without a table (operators, audit log)."""
    return [e for e in card["body"] if e["type"] == "Container"]


async def test_distributor_list_shows_each_partner_and_pages(client: Any) -> None:
    card = await post_card(client, claire("show my customers"))
    rows = table_rows(card)
    assert rows[0] == ["Name", "Licenses", "Expiry"]
    assert len(rows) == 1 + 10
    table = next(e for e in card["body"] if e["type"] == "Table")
    # under each name: its partner, SKUs and onboarding status
    partners = {r["cells"][0]["items"][1]["text"].split(" · ")[0] for r in table["rows"][1:]}
    assert partners <= {"Contoso Partners", "Fabrikam IT", "Litware Services"}
    assert "1–10 of 18" in json.dumps(card, ensure_ascii=False)
    (next_action,) = actions_of(card)
    assert next_action["type"] == "Action.Execute" and next_action["verb"] == "list_page"

    invoke = A.card_action("list_page", next_action["data"], aad=CLAIRE_AAD,
                           tenant=CLAIRE_TENANT)
    page2 = await post_card(client, invoke)
    rows2 = table_rows(page2)
    assert len(rows2) == 1 + 8
    assert not {r[0] for r in rows[1:]} & {r[0] for r in rows2[1:]}
    assert [a["title"] for a in actions_of(page2)] == ["Previous"]


async def test_a_forged_page_action_cannot_widen_the_scope(client: Any) -> None:
    """Filters in card data are only query parameters: the server applies the scope."""
    data = {"intent": "list", "kind": "customer", "offset": 0,
            "filters": {"parent": "p-northwind"}}  # a sibling distributor's partner
    invoke = A.card_action("list_page", data, aad=CLAIRE_AAD, tenant=CLAIRE_TENANT)
    card = await post_card(client, invoke)
    text = json.dumps(card, ensure_ascii=False)
    assert "couldn't find" in text
    for leaked in ("Stockholm", "Malmö", "Uppsala", "Lulea", "Göteborg"):
        assert leaked not in text


@pytest.mark.parametrize("data", [
    {"kind": "customer", "offset": "x"},
    {"kind": "galaxy", "offset": 0},
    {"kind": "customer", "offset": 0, "filters": {"from": "2026-13-01", "to": "x"}},
    {"kind": "customer", "offset": 0, "filters": {"licenses_gt": "many"}},
    {"kind": "customer", "offset": 0, "filters": []},
])
async def test_malformed_page_data_is_answered(client: Any, data: dict[str, Any]) -> None:
    invoke = A.card_action("list_page", data, aad=CLAIRE_AAD, tenant=CLAIRE_TENANT)
    card = await post_card(client, invoke)
    assert "no longer valid" in json.dumps(card)


async def test_row_click_shows_the_organization(client: Any) -> None:
    invoke = A.card_action("show_org", {"org": "c-cafe-lumiere"})
    card = await post_card(client, invoke)
    text = json.dumps(card, ensure_ascii=False)
    assert "Café Lumière" in text and "CoreSuite Professional" in text


async def test_row_click_outside_scope_is_not_found(client: Any) -> None:
    card = await post_card(client, A.card_action("show_org", {"org": "c-ghent-logistics"}))
    text = json.dumps(card, ensure_ascii=False)
    assert "couldn't find" in text and "Ghent" not in text


@pytest.mark.parametrize(("text", "locale", "expected"), [
    ("list partners", "en-US", "Partners are visible to distributor and provider operators"),
    ("liste des partenaires", "fr-FR", "Les partenaires sont visibles"),
])
async def test_refusals_name_the_right(client: Any, text: str, locale: str,
                                       expected: str) -> None:
    card = await post_card(client, A.message(text, locale=locale))
    assert expected in json.dumps(card, ensure_ascii=False)


async def test_count_card_has_a_headline_and_chart(client: Any) -> None:
    card = await post_card(client, claire("how many customers expire between January and "
                                          "March 2027"))
    kinds = [e["type"] for e in card["body"]]
    assert "Chart.VerticalBar" in kinds
    assert any(e.get("text") == "5" for e in card["body"])


async def test_total_card_has_licenses_per_sku(client: Any) -> None:
    card = await post_card(client, claire("nombre total de licences", "fr-FR"))
    assert any(e.get("text") == "9\u202f745" or e.get("text", "").replace("\xa0", " ")
               in {"9 745", "9\u202f745"} for e in card["body"])
    assert "Chart.HorizontalBar" in [e["type"] for e in card["body"]]


async def test_every_reply_card_is_small(client: Any) -> None:
    for text in ("show my customers", "expired customers", "who are the operators",
                 "when does Boulangerie Dupont expire", "how many customers do I have",
                 "total licenses", "what can I see", "who is my account manager"):
        card = await post_card(client, claire(text))
        assert card["version"] == "1.5"
        assert_fits(card, text)  # Teams' 40 KB, as UTF-16, with the activity around it


async def test_audit_log_for_admins_only(client: Any, demo_db: Database) -> None:
    from services.operators import OperatorService
    from services.scope import ScopeService

    alice = await ScopeService(demo_db.sessions).for_email("alice.durand@contoso.example")
    assert alice is not None
    await OperatorService(demo_db.sessions).add(alice, "zoe@contoso.example", "Zoé", "reader")
    card = await post_card(client, A.message("show the audit log"))
    text = json.dumps(card, ensure_ascii=False)
    assert "Audit log of Contoso Partners" in text and "zoe@contoso.example" in text
    refused = await post_card(client, A.message("journal d'audit", aad=A.BRUNO_AAD,
                                                locale="fr-FR"))
    assert "Seuls les administrateurs" in json.dumps(refused, ensure_ascii=False)


async def test_operators_list_pages(client: Any, demo_db: Database) -> None:
    from services.operators import OperatorService
    from services.scope import ScopeService

    alice = await ScopeService(demo_db.sessions).for_email("alice.durand@contoso.example")
    assert alice is not None
    for n in range(15):
        await OperatorService(demo_db.sessions).add(alice, f"op{n:02}@contoso.example",
                                                    f"Op {n:02}", "reader")
    card = await post_card(client, A.message("who are the operators"))
    assert len(entries(card)) == 15
    (more,) = actions_of(card)
    page2 = await post_card(client, A.card_action("operators_page", more["data"]))
    assert len(entries(page2)) == 3
    refused = await post_card(client, A.message("list operators", aad=A.BRUNO_AAD))
    assert "for admins of Contoso Partners" in json.dumps(refused)


async def test_forged_approval_over_http_changes_nothing(client: Any, demo_db: Database) -> None:
    from sqlalchemy import select

    from services.db.models import AuditEvent, OperatorRequest
    from services.operators import OperatorService
    from services.scope import ScopeService

    bruno = await ScopeService(demo_db.sessions).for_email("bruno.petit@contoso.example")
    assert bruno is not None
    outcome = await OperatorService(demo_db.sessions).add(bruno, "mia@contoso.example", "Mia",
                                                           "admin")
    assert outcome.request is not None
    jan = "6c1e4507-b867-565b-9b30-486f9f528ca8"  # admin of Fabrikam, another partner
    card = await post_card(client, A.card_action(
        "approve_request", {"request": outcome.request.id}, aad=jan,
        tenant="cece167b-edfa-5a39-9804-0b3be068de6e"))
    assert "Only admins of Fabrikam IT" in json.dumps(card)
    async with demo_db.sessions() as session:
        status = (await session.execute(select(OperatorRequest.status).where(
            OperatorRequest.id == outcome.request.id))).scalar_one()
        audited = (await session.execute(select(AuditEvent.actor).where(
            AuditEvent.action == "operator_request.forbidden"))).scalars().all()
    assert status == "pending" and audited == ["jan.peeters@fabrikam.example"]
