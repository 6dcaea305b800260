"""The HTTP host: health, readiness, /api/messages validation and turns over HTTP."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from sqlalchemy import text

from bot.app import create_app
from bot.settings import load_settings
from services.db.engine import Database
from tests.support import activities as A


@pytest.fixture
async def client(aiohttp_client: Any, demo_db: Database) -> Any:
    settings = load_settings(DATABASE_URL=demo_db.url, BOT_ID="")
    return await aiohttp_client(create_app(settings, database=demo_db))


async def post(client: Any, activity: dict[str, Any]) -> tuple[int, Any]:
    resp = await client.post("/api/messages", json=activity)
    body = await resp.json() if resp.content_type == "application/json" else await resp.text()
    return resp.status, body


def card_text(card: dict[str, Any]) -> str:
    return json.dumps(card, ensure_ascii=False)


async def test_healthz_and_readyz(client: Any) -> None:
    assert (await client.get("/healthz")).status == 200
    resp = await client.get("/readyz")
    assert resp.status == 200 and (await resp.json())["status"] == "ready"


async def test_readyz_is_503_when_the_database_is_unreachable(aiohttp_client: Any,
                                                            tmp_path: Any) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/missing-dir/x.db"
    app = create_app(load_settings(DATABASE_URL=url))
    client = await aiohttp_client(app)
    assert (await client.get("/healthz")).status == 200
    assert (await client.get("/readyz")).status == 503


async def test_help_card_in_the_expect_replies_response(client: Any) -> None:
    status, body = await post(client, A.message("help"))
    assert status == 200
    (card,) = A.cards_of(body)
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.5"
    content = card_text(card)
    assert "What you can ask" in content and "Alice Durand" in content
    assert "As an admin you can also" in content


async def test_help_in_french_for_a_reader(client: Any) -> None:
    status, body = await post(client, A.message("aide", aad=A.BRUNO_AAD, locale="fr-FR"))
    assert status == 200
    content = card_text(A.cards_of(body)[0])
    assert "Ce que vous pouvez demander" in content
    assert "lecture seule" in content and "En tant qu'administrateur" not in content


async def test_help_lists_pages_by_org_kind(client: Any) -> None:
    _, partner = await post(client, A.message("help"))
    _, provider = await post(client, A.message("help", aad=A.SOFIA_AAD, tenant=
                                               "0d261e21-bcf7-520c-a71b-52e6710f9a85"))
    assert "list distributors" not in card_text(A.cards_of(partner)[0])
    assert "list partners" not in card_text(A.cards_of(partner)[0])
    assert "list distributors" in card_text(A.cards_of(provider)[0])


async def test_mentions_are_stripped_in_channels(client: Any) -> None:
    activity = A.message("<at>Partner App</at> help", channel=True)
    status, body = await post(client, activity)
    assert status == 200
    assert "What you can ask" in card_text(A.cards_of(body)[0])


async def test_a_stranger_gets_a_refusal_without_data(client: Any, demo_db: Database) -> None:
    status, body = await post(client, A.message("help", aad=A.STRANGER_AAD))
    assert status == 200
    content = card_text(A.cards_of(body)[0])
    assert "don't have access" in content
    async with demo_db.sessions() as session:
        names = (await session.execute(text("SELECT name FROM organizations"))).scalars()
        for name in names:
            assert name not in content


async def test_unknown_text_says_how_to_get_help(client: Any) -> None:
    _, body = await post(client, A.message("make me a sandwich"))
    assert "didn't understand that. Type \\\"help\\\"" in card_text(A.cards_of(body)[0])


async def test_welcome_card_when_the_bot_is_installed(client: Any) -> None:
    status, body = await post(client, A.bot_installed(locale="fr-FR"))
    assert status == 200
    content = card_text(A.cards_of(body)[0])
    assert "Bienvenue" in content and "Alice Durand" in content


async def test_card_action_help_returns_a_card(client: Any) -> None:
    status, body = await post(client, A.card_action("help"))
    assert status == 200
    assert body["statusCode"] == 200
    assert body["type"] == "application/vnd.microsoft.card.adaptive"
    assert "What you can ask" in card_text(body["value"])


async def test_unknown_verb_is_answered_not_crashed(client: Any) -> None:
    status, body = await post(client, A.card_action("drop_tables", {"id": "x"}))
    assert status == 200
    assert "no longer valid" in card_text(body["value"])


async def test_card_action_by_a_stranger_is_refused(client: Any) -> None:
    status, body = await post(client, A.card_action("help", aad=A.STRANGER_AAD))
    assert status == 200 and "don't have access" in card_text(body["value"])


@pytest.mark.parametrize(("body", "headers", "status"), [
    (b"{not json", {"Content-Type": "application/json"}, 400),
    (b"[1, 2]", {"Content-Type": "application/json"}, 400),
    (b'{"type": "message"}', {"Content-Type": "application/json"}, 400),
    (b'{"text": "hi", "serviceUrl": "http://x"}', {"Content-Type": "application/json"}, 400),
    (b'{"type": "message"}', {"Content-Type": "text/plain"}, 415),
    (b'{"type": "message"}', {}, 415),
    (b"\xff\xfe\x00", {"Content-Type": "application/json"}, 400),
])
async def test_bad_requests(client: Any, body: bytes, headers: dict[str, str],
                            status: int) -> None:
    resp = await client.post("/api/messages", data=body, headers=headers)
    assert resp.status == status


async def test_body_over_256_kb_is_413(client: Any) -> None:
    activity = A.message("x" * (300 * 1024))
    resp = await client.post("/api/messages", data=json.dumps(activity),
                             headers={"Content-Type": "application/json"})
    assert resp.status == 413


async def test_a_failing_turn_answers_with_a_reference(client: Any, demo_db: Database,
                                                      caplog: Any) -> None:
    async with demo_db.engine.begin() as conn:
        await conn.execute(text("ALTER TABLE operators RENAME TO operators_gone"))
    with caplog.at_level(logging.ERROR):
        status, body = await post(client, A.message("help"))
    assert status == 200
    content = card_text(A.cards_of(body)[0])
    assert "Something went wrong" in content
    failure = next(r for r in caplog.records if "turn failed" in r.getMessage())
    cid = failure.getMessage().split("cid=")[1].split(":")[0]
    assert cid in content


async def test_a_failed_turn_runs_again_when_teams_resends_it(client: Any,
                                                             demo_db: Database) -> None:
    async with demo_db.engine.begin() as conn:
        await conn.execute(text("ALTER TABLE operators RENAME TO operators_gone"))
    activity = A.message("help")
    status, body = await post(client, activity)
    assert status == 200 and "Something went wrong" in card_text(A.cards_of(body)[0])
    async with demo_db.engine.begin() as conn:
        await conn.execute(text("ALTER TABLE operators_gone RENAME TO operators"))
    status, body = await post(client, activity)  # the same activity, re-sent by Teams
    assert status == 200 and "What you can ask" in card_text(A.cards_of(body)[0])


async def test_a_large_activity_is_read_whole(client: Any) -> None:
    """A body that arrives in several chunks is read to its end, not cut short."""
    raw = json.dumps(A.message("help")).encode() + b" " * 250_000
    response = await client.post("/api/messages", data=raw,
                                 headers={"Content-Type": "application/json"})
    assert response.status == 200
    assert len(A.cards_of(await response.json())) == 1


async def test_one_log_line_per_turn(client: Any, caplog: Any) -> None:
    with caplog.at_level(logging.INFO, logger="partnerbot.turn"):
        await post(client, A.message("help"))
    lines = [r.getMessage() for r in caplog.records if r.name == "partnerbot.turn"]
    assert len(lines) == 1
    assert "intent=help" in lines[0] and "duration_ms=" in lines[0]
    assert "operator=" in lines[0] and "cid=" in lines[0]


async def test_metrics(client: Any) -> None:
    await client.get("/healthz")
    body = await (await client.get("/metrics")).text()
    assert 'partnerbot_http_requests_total{route="/healthz",status="200"}' in body


async def test_a_retried_activity_is_answered_once(client: Any) -> None:
    activity = A.message("help")
    first = await post(client, activity)
    second = await post(client, activity)
    assert first[0] == 200 and len(A.cards_of(first[1])) == 1
    assert second[0] == 200 and A.cards_of(second[1]) == []
    other = dict(activity, id="another-id")
    assert len(A.cards_of((await post(client, other))[1])) == 1


async def test_a_retried_card_action_runs_once(client: Any) -> None:
    action = A.card_action("help")
    first = await client.post("/api/messages", json=action)
    second = await client.post("/api/messages", json=action)
    assert first.status == 200 and (await first.json())["statusCode"] == 200
    assert second.status == 200
