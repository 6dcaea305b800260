"""Inbound authentication of POST /api/messages against a real local OpenID issuer.

A valid channel token runs the turn; every forged, expired or malformed one is a 401,
never a 500 and never a turn. The issuer serves its metadata over HTTP from a thread
(botbuilder fetches it with blocking `requests`)."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from bot.app import create_app
from bot.settings import load_settings
from services.db.engine import Database
from services.i18n import messages
from tests.support.jwt_issuer import (  # noqa: F401 - jwt_issuer_fixture registers `jwt_issuer`
    METADATA_PATH,
    LocalIssuer,
    fresh_channel_keys,
    jwt_issuer_fixture,
)
from tests.support.settings import PRODUCTION_MAIL

BOT_ID = "5a2c0f4e-7d0b-4b8e-9a57-0b6b2f6c1d11"
BOT_PASSWORD = "not-used-for-expect-replies"  # noqa: S105 - a test value
SERVICE_URL = "http://127.0.0.1:9/"  # discard port: nothing may be sent there
ALICE_AAD = "634cd7e1-1cfd-591b-bd2f-417196023cf5"
ALICE_TENANT = "4ebb284a-b03c-52a7-8795-819416500e20"
CARD = "application/vnd.microsoft.card.adaptive"

ACTIVITY: dict[str, Any] = {
    "type": "message",
    "id": "1700000000000",
    "channelId": "msteams",
    "serviceUrl": SERVICE_URL,
    "deliveryMode": "expectReplies",
    "from": {"id": "29:alice", "name": "Alice Durand", "aadObjectId": ALICE_AAD},
    "recipient": {"id": f"28:{BOT_ID}", "name": "PartnerBot"},
    "conversation": {"id": "a:alice-personal", "conversationType": "personal",
                     "tenantId": ALICE_TENANT},
    "channelData": {"tenant": {"id": ALICE_TENANT}},
    "text": "help",
    "locale": "en-US",
}

ClientFactory = Callable[..., Awaitable[TestClient]]


@pytest.fixture(autouse=True)
def reset_botframework_auth() -> Iterator[None]:
    with fresh_channel_keys():
        yield


@pytest.fixture
async def bot_client(aiohttp_client: Any, demo_db: Database) -> AsyncIterator[ClientFactory]:
    """Build the app over the demo database with the given settings overrides."""

    async def make(**overrides: Any) -> TestClient:
        values = {**PRODUCTION_MAIL, "BOT_ID": BOT_ID, "BOT_PASSWORD": BOT_PASSWORD,
                  "DATABASE_URL": demo_db.url, **overrides}
        app = create_app(load_settings(**values), database=demo_db)
        return await aiohttp_client(app)

    yield make


@pytest.fixture
async def client(bot_client: ClientFactory, jwt_issuer: LocalIssuer) -> TestClient:
    return await bot_client(BOT_OPENID_METADATA_URL=jwt_issuer.metadata_url)


def activity(**changes: Any) -> dict[str, Any]:
    body = copy.deepcopy(ACTIVITY)
    body.update(changes)
    return body


async def post(client: TestClient, authorization: str | None,
               body: dict[str, Any] | None = None) -> tuple[int, Any]:
    headers = {} if authorization is None else {"Authorization": authorization}
    response = await client.post("/api/messages", json=body or activity(), headers=headers)
    payload = await response.json() if response.content_type == "application/json" else None
    return response.status, payload


def assert_help_card(payload: Any) -> None:
    assert isinstance(payload, dict), payload
    replies = payload["activities"]
    assert len(replies) == 1, replies
    reply = replies[0]
    assert reply["type"] == "message"
    attachments = reply["attachments"]
    assert [a["contentType"] for a in attachments] == [CARD]
    card = attachments[0]["content"]
    assert card["type"] == "AdaptiveCard"
    texts = [block.get("text", "") for block in card["body"]]
    assert texts[0] == messages("en-US")("help.title")
    assert any("Alice Durand" in text for text in texts), texts


async def test_valid_channel_token_runs_the_turn(
    client: TestClient, jwt_issuer: LocalIssuer
) -> None:
    status, payload = await post(client, jwt_issuer.header(BOT_ID, service_url=SERVICE_URL))

    assert status == 200, payload
    assert_help_card(payload)
    # The keys really came from the local issuer (the adapter used the configured URL).
    assert jwt_issuer.requests[:2] == [METADATA_PATH, "/keys"]


async def test_keys_are_cached_between_requests(
    client: TestClient, jwt_issuer: LocalIssuer
) -> None:
    for _ in range(2):
        status, payload = await post(client,
                                     jwt_issuer.header(BOT_ID, service_url=SERVICE_URL))
        assert status == 200, payload
    assert jwt_issuer.requests == [METADATA_PATH, "/keys"]


FORGERIES: dict[str, Callable[[LocalIssuer], str | None]] = {
    "no header": lambda i: None,
    "empty header": lambda i: "",
    "wrong key": lambda i: "Bearer " + i.wrong_key_token(BOT_ID, service_url=SERVICE_URL),
    "unknown kid": lambda i: "Bearer " + i.unknown_kid_token(BOT_ID, service_url=SERVICE_URL),
    "no kid": lambda i: "Bearer " + i.token(BOT_ID, service_url=SERVICE_URL, kid=None),
    "expired": lambda i: "Bearer " + i.expired_token(BOT_ID, service_url=SERVICE_URL),
    "wrong audience": lambda i: i.header("another-bot-id", service_url=SERVICE_URL),
    "no audience": lambda i: i.header("", service_url=SERVICE_URL),
    "wrong issuer": lambda i: i.header(BOT_ID, service_url=SERVICE_URL,
                                       issuer="https://evil.example.com"),
    "wrong serviceurl": lambda i: i.header(BOT_ID, service_url="https://evil.example.com/"),
    "no serviceurl": lambda i: i.header(BOT_ID),
    "HS256 keyed with the public key": (
        lambda i: "Bearer " + i.hs256_token(BOT_ID, service_url=SERVICE_URL)),
    "alg none": lambda i: "Bearer " + i.unsigned_token(BOT_ID, service_url=SERVICE_URL),
    "garbage": lambda i: "Bearer abc",
    "bearer without token": lambda i: "Bearer ",
    "non-Bearer scheme": lambda i: "Basic " + i.token(BOT_ID, service_url=SERVICE_URL),
    "three parts": lambda i: i.header(BOT_ID, service_url=SERVICE_URL) + " extra",
}


@pytest.mark.parametrize("case", list(FORGERIES))
async def test_forged_or_invalid_token_is_401(
    client: TestClient, jwt_issuer: LocalIssuer, case: str
) -> None:
    status, payload = await post(client, FORGERIES[case](jwt_issuer))

    assert status == 401, (case, payload)
    assert payload == {"error": "unauthorized"}


async def test_key_without_msteams_endorsement_is_401(bot_client: ClientFactory) -> None:
    with LocalIssuer(endorsements=["skype"]) as issuer:
        client = await bot_client(BOT_OPENID_METADATA_URL=issuer.metadata_url)
        status, payload = await post(client, issuer.header(BOT_ID, service_url=SERVICE_URL))

    assert status == 401, payload
    assert payload == {"error": "unauthorized"}


async def test_rejected_tokens_do_not_stop_a_valid_one(
    client: TestClient, jwt_issuer: LocalIssuer
) -> None:
    for case in ("garbage", "unknown kid", "alg none", "expired"):
        status, _ = await post(client, FORGERIES[case](jwt_issuer))
        assert status == 401, case

    status, payload = await post(client, jwt_issuer.header(BOT_ID, service_url=SERVICE_URL))

    assert status == 200, payload
    assert_help_card(payload)


async def test_local_mode_needs_no_header(bot_client: ClientFactory) -> None:
    client = await bot_client(BOT_ID="", BOT_PASSWORD="")

    status, payload = await post(client, None)

    assert status == 200, payload
    assert_help_card(payload)


async def test_local_mode_ignores_the_header(bot_client: ClientFactory) -> None:
    client = await bot_client(BOT_ID="", BOT_PASSWORD="")

    status, payload = await post(client, "Bearer abc")

    assert status == 200, payload
    assert_help_card(payload)


async def test_rotated_signing_key_is_fetched(
    client: TestClient, jwt_issuer: LocalIssuer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After the keys are cached, the issuer rotates to a new key: a token signed with it
    makes the bot fetch the keys again instead of failing until the daily refresh."""
    from bot.teams import patches
    from tests.support.jwt_issuer import KEYS_PATH, _new_key

    resp = await client.post("/api/messages", json=ACTIVITY,
                             headers={"Authorization": jwt_issuer.header(BOT_ID,
                                                                         service_url=SERVICE_URL)})
    assert resp.status == 200
    jwt_issuer.key, jwt_issuer.kid = _new_key(), "rotated-key"
    monkeypatch.setattr(patches, "UNKNOWN_KEY_REFRESH_INTERVAL", dt.timedelta(0))
    fetches = jwt_issuer.requests.count(KEYS_PATH)
    resp = await client.post("/api/messages", json=ACTIVITY,
                             headers={"Authorization": jwt_issuer.header(BOT_ID,
                                                                         service_url=SERVICE_URL)})
    assert resp.status == 200
    assert jwt_issuer.requests.count(KEYS_PATH) == fetches + 1


async def test_an_operator_from_another_tenant_is_refused(
    client: TestClient, jwt_issuer: LocalIssuer
) -> None:
    """Authenticated traffic: the activity's tenant must be the operator's own."""
    other = "d752334c-2297-5126-a591-b69bc422f0d5"
    body = activity(conversation={**ACTIVITY["conversation"], "tenantId": other},
                    channelData={"tenant": {"id": other}})
    status, payload = await post(client, jwt_issuer.header(BOT_ID, service_url=SERVICE_URL),
                                 body)
    assert status == 200
    card = payload["activities"][0]["attachments"][0]["content"]
    assert "don't have access" in str(card)


async def test_local_mode_does_not_check_tenants(bot_client: ClientFactory) -> None:
    """Local mode proves nothing about the sender, so one Playground tenant may speak
    as operators of several organizations."""
    local = await bot_client(BOT_ID="", BOT_PASSWORD="")
    other = "d752334c-2297-5126-a591-b69bc422f0d5"
    body = activity(conversation={**ACTIVITY["conversation"], "tenantId": other},
                    channelData={"tenant": {"id": other}})
    status, payload = await post(local, None, body)
    assert status == 200
    assert_help_card(payload)
