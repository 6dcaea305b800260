"""Teams SSO through the real bot with botbuilder's TestAdapter token functions:
exchangeable tokens, no token (sign-in card), failures, binding and refusals."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from botbuilder.core import MemoryStorage
from botbuilder.core.adapters import TestAdapter
from botbuilder.schema import (
    Activity,
    ActivityTypes,
    ChannelAccount,
    ConversationAccount,
)
from sqlalchemy import select, update

from bot.services import BotServices
from bot.settings import load_settings
from bot.teams.handler import PartnerBot
from services.db.engine import Database
from services.db.models import AuditEvent, Operator
from services.network.importer import NetworkImporter
from tests.support.jwt_issuer import LocalIssuer
from tests.support.settings import PRODUCTION_MAIL

BOT_ID = "5a2c0f4e-7d0b-4b8e-9a57-0b6b2f6c1d11"
CONNECTION = "teams-sso"
ALICE_AAD = "634cd7e1-1cfd-591b-bd2f-417196023cf5"
CONTOSO_TENANT = "4ebb284a-b03c-52a7-8795-819416500e20"
NEW_AAD = "11111111-2222-4333-8444-555555555555"
CARD = "application/vnd.microsoft.card.adaptive"


@pytest.fixture
def issuer() -> Iterator[LocalIssuer]:
    with LocalIssuer() as local:
        yield local


def sso_token(issuer: LocalIssuer, oid: str, username: str, tid: str = CONTOSO_TENANT,
              **kwargs: Any) -> str:
    return issuer.token(f"api://botid-{BOT_ID}",
                        issuer=kwargs.pop("iss", f"https://login.microsoftonline.com/{tid}/v2.0"),
                        extra={"oid": oid, "tid": tid, "preferred_username": username,
                               "name": "Test"}, **kwargs)


def make_bot(db: Database, issuer: LocalIssuer) -> PartnerBot:
    settings = load_settings(BOT_ID=BOT_ID, BOT_PASSWORD="unused", DATABASE_URL=db.url,
                             OAUTH_CONNECTION_NAME=CONNECTION,
                             ENTRA_OPENID_METADATA_URL=issuer.metadata_url,
                             **PRODUCTION_MAIL)
    return PartnerBot(BotServices.create(settings, db), MemoryStorage())


def adapter_for(bot: PartnerBot, aad: str, tenant: str = CONTOSO_TENANT) -> TestAdapter:
    template = Activity(
        channel_id="msteams", service_url="https://test.invalid/", locale="en-US",
        from_property=ChannelAccount(id=f"29:{aad}", name="User", aad_object_id=aad),
        recipient=ChannelAccount(id="28:bot", name="bot"),
        conversation=ConversationAccount(id=f"a:{aad}", tenant_id=tenant,
                                         conversation_type="personal"),
    )
    return TestAdapter(bot.on_turn, template)


def text_of(activity: Activity) -> str:
    parts = [activity.text or ""]
    for attachment in activity.attachments or []:
        parts.append(json.dumps(attachment.content if isinstance(attachment.content, dict)
                                else attachment.content.serialize(), ensure_ascii=False))
    return " ".join(parts)


async def replies(adapter: TestAdapter, text: str) -> list[Activity]:
    await adapter.receive_activity(text)
    out = []
    while adapter.activity_buffer:
        out.append(adapter.activity_buffer.pop(0))
    return out


async def test_known_operator_is_signed_in_silently_and_answered(
        demo_db: Database, issuer: LocalIssuer) -> None:
    bot = make_bot(demo_db, issuer)
    adapter = adapter_for(bot, ALICE_AAD)
    adapter.add_user_token(CONNECTION, "msteams", f"29:{ALICE_AAD}",
                           sso_token(issuer, ALICE_AAD, "alice.durand@contoso.example"))
    (reply,) = await replies(adapter, "expired customers")
    assert "Greenleaf" in text_of(reply)
    (again,) = await replies(adapter, "help")  # the session is remembered
    assert "What you can ask" in text_of(again)


async def test_without_a_token_a_sign_in_card_is_sent(demo_db: Database,
                                                       issuer: LocalIssuer) -> None:
    adapter = adapter_for(make_bot(demo_db, issuer), ALICE_AAD)
    (reply,) = await replies(adapter, "expired customers")
    assert reply.attachments[0].content_type == "application/vnd.microsoft.card.oauth"
    assert "Greenleaf" not in text_of(reply)


async def test_exchangeable_token_through_the_token_exchange_invoke(
        demo_db: Database, issuer: LocalIssuer) -> None:
    bot = make_bot(demo_db, issuer)
    adapter = adapter_for(bot, ALICE_AAD)
    (card,) = await replies(adapter, "expired customers")  # no cached token: the card
    adapter.add_exchangeable_token(CONNECTION, "msteams", f"29:{ALICE_AAD}", "teams-sso-token",
                                   sso_token(issuer, ALICE_AAD, "alice.durand@contoso.example"))
    invoke = Activity(type=ActivityTypes.invoke, name="signin/tokenExchange",
                      value={"id": "x1", "connectionName": CONNECTION,
                             "token": "teams-sso-token"})
    await adapter.receive_activity(invoke)
    texts = [text_of(a) for a in adapter.activity_buffer]
    assert any("Greenleaf" in t for t in texts), texts  # the pending question is answered


async def test_failed_exchange_asks_for_consent(demo_db: Database, issuer: LocalIssuer) -> None:
    bot = make_bot(demo_db, issuer)
    adapter = adapter_for(bot, ALICE_AAD)
    await replies(adapter, "expired customers")
    adapter.throw_on_exchange_request(CONNECTION, "msteams", f"29:{ALICE_AAD}", "bad-token")
    invoke = Activity(type=ActivityTypes.invoke, name="signin/tokenExchange",
                      value={"id": "x2", "connectionName": CONNECTION, "token": "bad-token"})
    await adapter.receive_activity(invoke)
    texts = [text_of(a) for a in adapter.activity_buffer]
    assert not any("Greenleaf" in t for t in texts)


async def test_first_sign_in_binds_the_object_id(demo_db: Database,
                                                 issuer: LocalIssuer) -> None:
    await NetworkImporter(demo_db.sessions).import_document({
        "format": "partner-network/1", "operators": [
            {"email": "dora.new@contoso.example", "name": "Dora New",
             "organization": "p-contoso", "roles": ["reader"]}]})
    bot = make_bot(demo_db, issuer)
    adapter = adapter_for(bot, NEW_AAD)
    adapter.add_user_token(CONNECTION, "msteams", f"29:{NEW_AAD}",
                           sso_token(issuer, NEW_AAD, "Dora.New@contoso.example"))
    (reply,) = await replies(adapter, "help")
    assert "Dora New" in text_of(reply)
    async with demo_db.sessions() as session:
        op = (await session.execute(select(Operator).where(
            Operator.email == "dora.new@contoso.example"))).scalar_one()
        audit = (await session.execute(select(AuditEvent).where(
            AuditEvent.action == "operator.bound"))).scalars().all()
    assert op.aad_object_id == NEW_AAD and op.tenant_id == CONTOSO_TENANT
    assert [a.target for a in audit] == ["dora.new@contoso.example"]


async def test_a_different_object_id_for_a_bound_email_is_refused(
        demo_db: Database, issuer: LocalIssuer) -> None:
    other = "99999999-2222-4333-8444-555555555555"
    adapter = adapter_for(make_bot(demo_db, issuer), other)
    adapter.add_user_token(CONNECTION, "msteams", f"29:{other}",
                           sso_token(issuer, other, "alice.durand@contoso.example"))
    (reply,) = await replies(adapter, "expired customers")
    assert "don't have access" in text_of(reply) or "not an operator" in text_of(reply)
    assert "Greenleaf" not in text_of(reply)


@pytest.mark.parametrize("status", ["pending", "removed"])
async def test_pending_or_removed_operator_is_refused(demo_db: Database, issuer: LocalIssuer,
                                                      status: str) -> None:
    async with demo_db.sessions() as session, session.begin():
        await session.execute(update(Operator).where(
            Operator.email == "alice.durand@contoso.example").values(status=status))
    adapter = adapter_for(make_bot(demo_db, issuer), ALICE_AAD)
    adapter.add_user_token(CONNECTION, "msteams", f"29:{ALICE_AAD}",
                           sso_token(issuer, ALICE_AAD, "alice.durand@contoso.example"))
    (reply,) = await replies(adapter, "expired customers")
    assert "not active" in text_of(reply) and "Greenleaf" not in text_of(reply)


async def test_unknown_user_is_refused(demo_db: Database, issuer: LocalIssuer) -> None:
    adapter = adapter_for(make_bot(demo_db, issuer), NEW_AAD)
    adapter.add_user_token(CONNECTION, "msteams", f"29:{NEW_AAD}",
                           sso_token(issuer, NEW_AAD, "stranger@contoso.example"))
    (reply,) = await replies(adapter, "list customers")
    assert "don't have access" in text_of(reply) or "not an operator" in text_of(reply)


async def test_tenant_mismatch_is_refused(demo_db: Database, issuer: LocalIssuer) -> None:
    other_tenant = "d752334c-2297-5126-a591-b69bc422f0d5"
    adapter = adapter_for(make_bot(demo_db, issuer), ALICE_AAD, tenant=other_tenant)
    adapter.add_user_token(CONNECTION, "msteams", f"29:{ALICE_AAD}",
                           sso_token(issuer, ALICE_AAD, "alice.durand@contoso.example",
                                     tid=other_tenant))
    (reply,) = await replies(adapter, "expired customers")
    assert "Greenleaf" not in text_of(reply)


async def test_token_for_another_user_is_refused(demo_db: Database,
                                                 issuer: LocalIssuer) -> None:
    """The token's oid must be the Teams user's aadObjectId."""
    adapter = adapter_for(make_bot(demo_db, issuer), NEW_AAD)
    adapter.add_user_token(CONNECTION, "msteams", f"29:{NEW_AAD}",
                           sso_token(issuer, ALICE_AAD, "alice.durand@contoso.example"))
    (reply,) = await replies(adapter, "expired customers")
    assert "Greenleaf" not in text_of(reply)


@pytest.mark.parametrize("variant", ["wrong_audience", "wrong_issuer", "expired", "wrong_key"])
async def test_invalid_sso_tokens_are_refused(demo_db: Database, issuer: LocalIssuer,
                                              variant: str) -> None:
    kwargs: dict[str, Any] = {}
    if variant == "wrong_issuer":
        kwargs["iss"] = "https://evil.example/v2.0"
    elif variant == "expired":
        kwargs["expires_in"] = -3600
    elif variant == "wrong_key":
        kwargs["key"] = issuer.other_key
    token = sso_token(issuer, ALICE_AAD, "alice.durand@contoso.example", **kwargs)
    if variant == "wrong_audience":
        token = issuer.token("api://someone-else", issuer=f"https://login.microsoftonline.com/"
                             f"{CONTOSO_TENANT}/v2.0", extra={"oid": ALICE_AAD,
                             "tid": CONTOSO_TENANT, "preferred_username": "a@b.example"})
    adapter = adapter_for(make_bot(demo_db, issuer), ALICE_AAD)
    adapter.add_user_token(CONNECTION, "msteams", f"29:{ALICE_AAD}", token)
    (reply,) = await replies(adapter, "expired customers")
    assert "Greenleaf" not in text_of(reply)


async def test_sign_out(demo_db: Database, issuer: LocalIssuer) -> None:
    bot = make_bot(demo_db, issuer)
    adapter = adapter_for(bot, ALICE_AAD)
    adapter.add_user_token(CONNECTION, "msteams", f"29:{ALICE_AAD}",
                           sso_token(issuer, ALICE_AAD, "alice.durand@contoso.example"))
    await replies(adapter, "help")
    (bye,) = await replies(adapter, "déconnexion")
    assert "signed out" in text_of(bye)
    (card,) = await replies(adapter, "expired customers")  # token gone: sign in again
    assert card.attachments[0].content_type == "application/vnd.microsoft.card.oauth"


async def test_signin_failure_tells_the_admin_what_to_fix(demo_db: Database,
                                                          issuer: LocalIssuer) -> None:
    adapter = adapter_for(make_bot(demo_db, issuer), ALICE_AAD)
    failure = Activity(type=ActivityTypes.invoke, name="signin/failure",
                       value={"code": "resourcematchfailed", "message": "Resource mismatch"})
    await adapter.receive_activity(failure)
    texts = [text_of(a) for a in adapter.activity_buffer]
    assert any("webApplicationInfo.resource" in t for t in texts), texts


async def test_token_exchange_is_deduplicated_in_sql_storage(demo_db: Database,
                                                             issuer: LocalIssuer) -> None:
    """A user with several Teams clients sends the same exchange from each: one proceeds."""
    from botbuilder.core.teams import TeamsSSOTokenExchangeMiddleware

    from bot.teams.storage import SqlStorage
    from services.state_store import StateStore

    bot = make_bot(demo_db, issuer)
    adapter = adapter_for(bot, ALICE_AAD)
    adapter.use(TeamsSSOTokenExchangeMiddleware(SqlStorage(StateStore(demo_db.sessions)),
                                                CONNECTION))
    await replies(adapter, "expired customers")
    adapter.add_exchangeable_token(CONNECTION, "msteams", f"29:{ALICE_AAD}", "teams-sso-token",
                                   sso_token(issuer, ALICE_AAD, "alice.durand@contoso.example"))
    for _client in range(2):
        await adapter.receive_activity(Activity(
            type=ActivityTypes.invoke, name="signin/tokenExchange",
            value={"id": "same-exchange", "connectionName": CONNECTION,
                   "token": "teams-sso-token"}))
    answers = [a for a in adapter.activity_buffer if "Greenleaf" in text_of(a)]
    assert len(answers) == 1


async def test_tokens_never_reach_the_database(demo_db: Database, issuer: LocalIssuer) -> None:
    from sqlalchemy import text

    from bot.teams.storage import SqlStorage
    from services.state_store import StateStore

    settings = load_settings(BOT_ID=BOT_ID, BOT_PASSWORD="unused", DATABASE_URL=demo_db.url,
                             OAUTH_CONNECTION_NAME=CONNECTION,
                             ENTRA_OPENID_METADATA_URL=issuer.metadata_url,
                             **PRODUCTION_MAIL)
    bot = PartnerBot(BotServices.create(settings, demo_db),
                     SqlStorage(StateStore(demo_db.sessions)))
    adapter = adapter_for(bot, ALICE_AAD)
    await replies(adapter, "expired customers")  # sign-in card: dialog state is saved
    token = sso_token(issuer, ALICE_AAD, "alice.durand@contoso.example")
    adapter.add_exchangeable_token(CONNECTION, "msteams", f"29:{ALICE_AAD}", "teams-token",
                                   token)
    await adapter.receive_activity(Activity(
        type=ActivityTypes.invoke, name="signin/tokenExchange",
        value={"id": "x9", "connectionName": CONNECTION, "token": "teams-token"}))
    assert any("Greenleaf" in text_of(a) for a in adapter.activity_buffer)
    async with demo_db.engine.connect() as conn:
        for table in ("bot_state", "audit_events", "operators"):
            rows = (await conn.execute(text(f"SELECT * FROM {table}"))).all()  # noqa: S608
            dump = repr(rows)
            assert token not in dump and token.split(".")[2] not in dump, table
