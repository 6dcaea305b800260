"""The trust gate (bot/turn/trust.py), tried as an attacker would, through the real
POST /api/messages: channel tokens are signed by a real local issuer whose keys are
endorsed for Web Chat and Direct Line too, as an Azure Bot's are."""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import select, update

from bot.app import create_app
from bot.settings import load_settings
from services.db.engine import Database
from services.db.models import AuditEvent, Operator, Organization
from services.operators import OperatorService
from tests.support import activities as A
from tests.support.fake_connector import FakeConnector
from tests.support.jwt_issuer import LocalIssuer, fresh_channel_keys
from tests.support.settings import PRODUCTION_MAIL

BOT_ID = "5a2c0f4e-7d0b-4b8e-9a57-0b6b2f6c1d11"
SERVICE_URL = "http://127.0.0.1:9/"  # discard port: nothing may be sent there
CONTOSO_TENANT = A.ALICE_TENANT
QUESTION = "which clients expire this month"
CUSTOMER = "Café Lumière"  # a customer of Contoso expiring in November 2026


@pytest.fixture(autouse=True)
def reset_botframework_auth() -> Iterator[None]:
    with fresh_channel_keys():
        yield


@pytest.fixture
def issuer() -> Iterator[LocalIssuer]:
    """Keys endorsed for every channel an Azure Bot has on by default."""
    with LocalIssuer(endorsements=("msteams", "webchat", "directline", "emulator")) as it:
        yield it


async def production(aiohttp_client: Any, db: Database, issuer: LocalIssuer,
                     **overrides: Any) -> TestClient:
    settings = load_settings(DATABASE_URL=db.url, BOT_ID=BOT_ID, BOT_PASSWORD="unused",
                             BOT_OPENID_METADATA_URL=issuer.metadata_url,
                             NOTIFY_SCHEDULER="off", **{**PRODUCTION_MAIL, **overrides})
    return await aiohttp_client(create_app(settings, database=db))


async def ask(client: TestClient, issuer: LocalIssuer | None, body: dict[str, Any],
              ) -> tuple[int, str]:
    headers = {"Authorization": issuer.header(BOT_ID, service_url=body["serviceUrl"])} \
        if issuer is not None else {}
    response = await client.post("/api/messages", json=body, headers=headers)
    return response.status, await _text(response)


async def _text(response: Any) -> str:
    """The reply's JSON with its accents as they are (json_response escapes them)."""
    raw = await response.text()
    try:
        return json.dumps(json.loads(raw), ensure_ascii=False)
    except ValueError:
        return raw


def question(text: str = QUESTION, **changes: Any) -> dict[str, Any]:
    body = A.message(text)
    body["serviceUrl"] = SERVICE_URL
    for key, value in changes.items():
        body[key] = value
    return body


async def test_a_teams_message_is_answered(aiohttp_client: Any, demo_db: Database,
                                           issuer: LocalIssuer) -> None:
    """The baseline the refusals below are measured against."""
    client = await production(aiohttp_client, demo_db, issuer)
    status, text = await ask(client, issuer, question())
    assert status == 200 and CUSTOMER in text


@pytest.mark.parametrize("channel", ["webchat", "directline", "emulator"])
async def test_other_channels_get_no_data_and_are_logged_once(
    aiohttp_client: Any, demo_db: Database, issuer: LocalIssuer, channel: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Web Chat and Direct Line let the client write from.aadObjectId: a valid channel
    token for them proves nothing about who is typing."""
    client = await production(aiohttp_client, demo_db, issuer)
    caplog.set_level(logging.WARNING, logger="bot.turn.trust")
    for _ in range(3):
        status, text = await ask(client, issuer, question(channelId=channel))
        assert status == 200
        assert CUSTOMER not in text and "works in Microsoft Teams" in text
    assert len([r for r in caplog.records if "not_teams" in r.getMessage()]) == 1


async def test_a_card_action_from_another_channel_changes_nothing(
    aiohttp_client: Any, demo_db: Database, issuer: LocalIssuer
) -> None:
    client = await production(aiohttp_client, demo_db, issuer)
    body = A.card_action("show_org", {"verb": "show_org", "org": "c-cafe-lumiere"})
    body.update(channelId="webchat", serviceUrl=SERVICE_URL)
    status, text = await ask(client, issuer, body)
    assert status == 200 and CUSTOMER not in text and "works in Microsoft Teams" in text


async def test_no_tenant_anywhere_is_refused(aiohttp_client: Any, demo_db: Database,
                                             issuer: LocalIssuer) -> None:
    client = await production(aiohttp_client, demo_db, issuer)
    body = question()
    body["channelData"] = {}
    body["conversation"].pop("tenantId")
    status, text = await ask(client, issuer, body)
    assert status == 200 and CUSTOMER not in text and "don't have access" in text


async def test_an_organization_without_a_tenant_fails_closed(
    aiohttp_client: Any, demo_db: Database, issuer: LocalIssuer
) -> None:
    async with demo_db.sessions() as session, session.begin():
        await session.execute(update(Organization).where(
            Organization.id == "p-contoso").values(tenant_id=None))
    client = await production(aiohttp_client, demo_db, issuer)
    status, text = await ask(client, issuer, question())
    assert status == 200 and CUSTOMER not in text and "don't have access" in text


async def test_allowed_tenants_narrow_further(aiohttp_client: Any, demo_db: Database,
                                              issuer: LocalIssuer) -> None:
    other = "d752334c-2297-5126-a591-b69bc422f0d5"
    client = await production(aiohttp_client, demo_db, issuer, ALLOWED_TENANTS=other)
    status, text = await ask(client, issuer, question())
    assert status == 200 and CUSTOMER not in text and "don't have access" in text
    allowed = await production(aiohttp_client, demo_db, issuer,
                               ALLOWED_TENANTS=f"{other}, {CONTOSO_TENANT.upper()}")
    status, text = await ask(allowed, issuer, question())
    assert status == 200 and CUSTOMER in text


async def test_card_actions_count_against_the_question_rate(
    aiohttp_client: Any, demo_db: Database
) -> None:
    """Invokes and messages share one bucket per sender: a flood of card clicks is
    refused like a flood of questions."""
    settings = load_settings(DATABASE_URL=demo_db.url, BOT_ID="", QUESTION_RATE="6",
                             QUESTION_BURST="3", NOTIFY_SCHEDULER="off")
    client = await aiohttp_client(create_app(settings, database=demo_db))
    answers = []
    for i in range(5):
        body = A.card_action("show_org", {"verb": "show_org", "org": "c-cafe-lumiere"}) \
            if i % 2 else A.message("help")
        response = await client.post("/api/messages", json=body)
        answers.append(await _text(response))
    assert all("faster than I can answer" not in a for a in answers[:3])
    assert "faster than I can answer" in answers[3]
    assert CUSTOMER not in answers[3]


async def test_searches_have_a_bucket_of_their_own(aiohttp_client: Any,
                                                   demo_db: Database) -> None:
    """Typing in "Find a customer" never uses up the operator's questions, and a flood
    of searches is refused like a flood of questions (no results)."""
    settings = load_settings(DATABASE_URL=demo_db.url, BOT_ID="", QUESTION_RATE="6",
                             QUESTION_BURST="2", SEARCH_RATE="6", SEARCH_BURST="3",
                             NOTIFY_SCHEDULER="off")
    client = await aiohttp_client(create_app(settings, database=demo_db))
    found = []
    for typed in ("c", "ca", "caf", "cafe"):
        response = await client.post("/api/messages", json=A.search(typed))
        assert response.status == 200
        found.append((await response.json())["composeExtension"])
    assert [f["type"] for f in found] == ["result"] * 3 + ["message"]
    assert "faster than I can answer" in found[3]["text"]
    for _ in range(2):  # the questions' bucket is whole
        text = await _text(await client.post("/api/messages", json=question()))
        assert CUSTOMER in text


async def test_a_question_beyond_the_length_limit_gets_a_polite_reply(
    aiohttp_client: Any, demo_db: Database
) -> None:
    settings = load_settings(DATABASE_URL=demo_db.url, BOT_ID="", NOTIFY_SCHEDULER="off")
    client = await aiohttp_client(create_app(settings, database=demo_db))
    long = " ".join(["which clients of Fabrikam expire this month"] * 300)  # ~2,000 words
    response = await client.post("/api/messages", json=A.message(long))
    text = await _text(response)
    assert "too long" in text and "500" in text and CUSTOMER not in text
    response = await client.post("/api/messages", json=A.message(long, locale="fr-FR"))
    assert "trop long" in await _text(response)


# -- operators added by e-mail, recognised on their first Teams message ------------------

JANE = "jane@contoso.example"
JANE_AAD = "7d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d"


async def _add_jane(db: Database) -> None:
    from services.scope import ScopeService

    alice = await ScopeService(db.sessions).for_aad_object_id(A.ALICE_AAD)
    assert alice is not None
    outcome = await OperatorService(db.sessions).add(alice, JANE, "Jane Doe", "reader")
    assert outcome.applied


async def _local_with_roster(aiohttp_client: Any, aiohttp_server: Any, db: Database,
                             member: dict[str, Any] | None) -> tuple[TestClient, str,
                                                                     FakeConnector]:
    connector = FakeConnector()
    if member is not None:
        connector.members[f"29:{JANE_AAD}"] = member
    server = await aiohttp_server(connector.app())
    settings = load_settings(DATABASE_URL=db.url, BOT_ID="", NOTIFY_SCHEDULER="off")
    client = await aiohttp_client(create_app(settings, database=db))
    return client, str(server.make_url("/")), connector


async def _jane(db: Database) -> Operator:
    async with db.sessions() as session:
        return (await session.execute(select(Operator).where(
            Operator.email == JANE))).scalar_one()


async def _actions(db: Database, action: str) -> list[AuditEvent]:
    async with db.sessions() as session:
        return list((await session.execute(select(AuditEvent).where(
            AuditEvent.action == action))).scalars())


async def test_an_operator_added_by_email_is_bound_on_their_first_message(
    aiohttp_client: Any, aiohttp_server: Any, demo_db: Database
) -> None:
    await _add_jane(demo_db)
    member = {"id": f"29:{JANE_AAD}", "name": "Jane Doe", "aadObjectId": JANE_AAD,
              "userPrincipalName": JANE.upper(), "email": JANE, "tenantId": CONTOSO_TENANT}
    client, url, connector = await _local_with_roster(aiohttp_client, aiohttp_server,
                                                      demo_db, member)
    body = A.message(QUESTION, aad=JANE_AAD)
    body["serviceUrl"] = url
    text = await _text(await client.post("/api/messages", json=body))
    assert CUSTOMER in text
    jane = await _jane(demo_db)
    assert (jane.aad_object_id, jane.tenant_id) == (JANE_AAD, CONTOSO_TENANT)
    bound = await _actions(demo_db, "operator.bound")
    assert [e.after["via"] for e in bound if e.target == JANE] == ["teams_roster"]
    # once bound, the roster is not asked again
    again = A.message(QUESTION, aad=JANE_AAD)
    again["serviceUrl"] = url
    assert CUSTOMER in await _text(await client.post("/api/messages", json=again))
    assert connector.member_requests == [f"29:{JANE_AAD}"]


@pytest.mark.parametrize("case", ["another tenant", "another upn", "another object id"])
async def test_the_roster_binds_only_what_it_proves(
    aiohttp_client: Any, aiohttp_server: Any, demo_db: Database, case: str
) -> None:
    await _add_jane(demo_db)
    member = {"id": f"29:{JANE_AAD}", "aadObjectId": JANE_AAD,
              "userPrincipalName": JANE, "tenantId": CONTOSO_TENANT}
    if case == "another tenant":
        member["tenantId"] = "d752334c-2297-5126-a591-b69bc422f0d5"
    elif case == "another upn":
        member["userPrincipalName"] = "mallory@contoso.example"
    else:
        member["aadObjectId"] = "00000000-0000-4000-8000-000000000001"
    client, url, _connector = await _local_with_roster(aiohttp_client, aiohttp_server,
                                                       demo_db, member)
    body = A.message(QUESTION, aad=JANE_AAD,
                     tenant=member["tenantId"] if case == "another tenant"
                     else CONTOSO_TENANT)
    body["serviceUrl"] = url
    text = await _text(await client.post("/api/messages", json=body))
    assert CUSTOMER not in text and "don't have access" in text
    assert (await _jane(demo_db)).aad_object_id is None
    refused = await _actions(demo_db, "operator.bind_refused")
    assert [e.after["reason"] for e in refused] == (
        ["tenant_mismatch"] if case == "another tenant" else [])


async def test_no_roster_no_binding(aiohttp_client: Any, aiohttp_server: Any,
                                    demo_db: Database) -> None:
    await _add_jane(demo_db)
    client, url, connector = await _local_with_roster(aiohttp_client, aiohttp_server,
                                                      demo_db, None)
    for _ in range(2):
        body = A.message(QUESTION, aad=JANE_AAD)
        body["serviceUrl"] = url
        text = await _text(await client.post("/api/messages", json=body))
        assert CUSTOMER not in text
    assert (await _jane(demo_db)).aad_object_id is None
    assert len(connector.member_requests) == 1  # a miss is remembered for a while


# -- dialogs belong to one person ------------------------------------------------------

def group_message(text: str, aad: str, value: dict[str, Any] | None = None
                  ) -> dict[str, Any]:
    body = A.message(text, aad=aad)
    body["conversation"] = {"id": "19:group-chat@thread.v2", "conversationType": "groupChat",
                            "isGroup": True, "tenantId": CONTOSO_TENANT}
    if value is not None:
        body["value"] = value
        body["text"] = ""
    return copy.deepcopy(body)


async def _replies(client: TestClient, body: dict[str, Any]) -> str:
    response = await client.post("/api/messages", json=body)
    assert response.status == 200
    return await _text(response)


async def test_another_member_cannot_apply_someone_elses_dialog(
    aiohttp_client: Any, demo_db: Database
) -> None:
    """Bruno (a reader) asks to add an admin in a group chat: his addition needs an
    admin's approval. Alice (an admin) clicking Bruno's "Apply" must not apply it under
    her own scope; typing in the chat does not continue Bruno's dialog either."""
    settings = load_settings(DATABASE_URL=demo_db.url, BOT_ID="", NOTIFY_SCHEDULER="off")
    client = await aiohttp_client(create_app(settings, database=demo_db))
    text = await _replies(client, group_message("add jane@contoso.example as admin",
                                                A.BRUNO_AAD))
    assert '"add_operator": "apply"' in text or "add_operator" in text
    owner = f"29:{A.BRUNO_AAD}"
    assert owner in text  # the card names its dialog's owner
    apply = {"add_operator": "apply", "owner": owner}
    stolen = await _replies(client, group_message("", A.ALICE_AAD, apply))
    assert "someone else" in stolen
    forged = await _replies(client, group_message("", A.ALICE_AAD,
                                                  {"add_operator": "apply",
                                                   "owner": f"29:{A.ALICE_AAD}"}))
    assert "someone else" in forged  # Alice has no such dialog: naming herself changes nothing
    typed = await _replies(client, group_message("yes", A.ALICE_AAD))
    assert "someone else" not in typed
    async with demo_db.sessions() as session:
        assert (await session.execute(select(Operator).where(
            Operator.email == JANE))).scalar_one_or_none() is None
    # Bruno's own Apply still works: it becomes a request for an admin to approve.
    own = await _replies(client, group_message("", A.BRUNO_AAD, apply))
    assert "someone else" not in own
    async with demo_db.sessions() as session:
        assert (await session.execute(select(Operator).where(
            Operator.email == JANE))).scalar_one_or_none() is None  # a request, not applied
