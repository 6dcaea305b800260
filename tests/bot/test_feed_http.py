"""POST /api/feed over HTTP: a new customer, a renewal, a removal and an invalid document
(nothing written, 422 naming the record); HMAC replays and foreign or expired Entra
tokens refused; one Idempotency-Key applies once; the next question sees the change; a
renewal rebuilds a pending digest; a large licence change is told to the channel."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.app import SERVICES, create_app
from bot.settings import load_settings
from cards.notifications import digest_activity
from services.db.engine import Database
from services.db.models import AuditEvent, FeedRequest, OutboxMessage
from services.feed import signature
from tests.security.support import ALICE, BOOKKEEPING, snapshot
from tests.support import activities as A
from tests.support.jwt_issuer import LocalIssuer, fresh_channel_keys
from tests.support.settings import PRODUCTION_MAIL

BOT_ID = "5a2c0f4e-7d0b-4b8e-9a57-0b6b2f6c1d11"
FEED_APP = "3f0c9a52-1d2e-4b7a-9c8d-6e5f4a3b2c1d"
BILLING_TENANT = "0f8fad5b-d9cb-469f-a165-70867728950e"
SECRET = "feed-secret-for-tests"  # noqa: S105 - a test value
CHANNEL = "19:renewals@thread.tacv2"
OTHER_TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
# the signatures the feed has seen are bookkeeping, like the audit trail
FEED_BOOKKEEPING = BOOKKEEPING | {"feed_signatures"}


@pytest.fixture(name="issuer")
def issuer_fixture() -> Iterator[LocalIssuer]:
    with fresh_channel_keys(), LocalIssuer() as local:
        yield local


@pytest.fixture(name="make_client")
def make_client_fixture(aiohttp_client: Any, demo_db: Database,
                issuer: LocalIssuer) -> Callable[..., Awaitable[Any]]:
    """A bot instance over HTTP on the test database (SETTINGS override the defaults);
    several share the database as instances behind a load balancer do."""

    async def make(**settings: str) -> Any:
        config = load_settings(**{
            **PRODUCTION_MAIL,
            "DATABASE_URL": demo_db.url, "BOT_ID": BOT_ID, "BOT_PASSWORD": "unused-here",
            "BOT_OPENID_METADATA_URL": issuer.metadata_url,
            "ENTRA_OPENID_METADATA_URL": issuer.metadata_url, "FEED_SECRET": SECRET,
            "FEED_ALLOWED_APP_IDS": f"{FEED_APP}, another-app",
            "FEED_ALLOWED_TENANTS": BILLING_TENANT, "NOTIFY_SCHEDULER": "off",
            "FEED_ALERT_PCT": "50", **settings})
        return await aiohttp_client(create_app(config, database=demo_db))

    return make


@pytest.fixture(name="client")
async def client_fixture(make_client: Callable[..., Awaitable[Any]]) -> Any:
    return await make_client()


def doc(**sections: Any) -> dict[str, Any]:
    return {"format": "partner-network/1", **sections}


_STAMPS: set[int] = set()


def fresh_stamp() -> int:
    """Now, or the latest earlier second not used yet: each request gets its own
    timestamp, as a sender signing each request does (the same signature is a replay)."""
    stamp = int(time.time())
    while stamp in _STAMPS:
        stamp -= 1
    _STAMPS.add(stamp)
    return stamp


def signed(body: bytes, stamp: int | None = None, secret: str = SECRET) -> dict[str, str]:
    ts = str(fresh_stamp() if stamp is None else stamp)
    return {"Content-Type": "application/json", "X-Feed-Timestamp": ts,
            "X-Feed-Signature": signature(secret, ts, body)}


async def push(client: Any, document: Any, **headers: str) -> tuple[int, dict[str, Any]]:
    body = json.dumps(document).encode()
    response = await client.post("/api/feed", data=body, headers={**signed(body), **headers})
    return response.status, await response.json()


async def ask(client: Any, issuer: LocalIssuer, text: str) -> str:
    activity = A.message(text, aad=ALICE[0], tenant=ALICE[1])
    response = await client.post("/api/messages", json=activity, headers={
        "Authorization": issuer.header(BOT_ID, service_url=activity["serviceUrl"])})
    assert response.status == 200
    return json.dumps(A.cards_of(await response.json()), ensure_ascii=False)


NEW_CUSTOMER = doc(
    organizations=[{"id": "c-nouvelle-co", "name": "Nouvelle Coopérative", "kind": "customer",
                    "parent": "p-contoso", "onboarding": "not_invited"}],
    subscriptions=[{"id": "sub-nouvelle", "organization": "c-nouvelle-co", "sku": "CS-ESS",
                    "licenses": 12, "starts_on": "2025-11-29", "expires_on": "2026-11-29"}])


async def test_create_renew_remove_and_the_next_question_sees_it(
        client: Any, issuer: LocalIssuer) -> None:
    question = "which clients expire this month"
    assert "Nouvelle Coop" not in await ask(client, issuer, question)  # cached answer
    status, body = await push(client, NEW_CUSTOMER)
    assert status == 200, body
    assert body["organizations"]["created"] == 1 and body["subscriptions"]["created"] == 1
    assert "Nouvelle Coop" in await ask(client, issuer, question)

    renewal = doc(subscriptions=[{**NEW_CUSTOMER["subscriptions"][0],
                                  "expires_on": "2027-11-29"}])
    status, body = await push(client, renewal)
    assert status == 200 and body["subscriptions"]["updated"] == 1
    assert "Nouvelle Coop" not in await ask(client, issuer, question)

    blocked = doc(organizations=[{"id": "c-nouvelle-co", "removed": True}])
    status, body = await push(client, blocked)  # it still has a licence
    assert status == 422
    assert body["problems"][0]["record"] == "c-nouvelle-co"
    assert body["problems"][0]["field"] == "removed"
    assert "sub-nouvelle" in body["problems"][0]["message"]

    removal = doc(subscriptions=[{"id": "sub-nouvelle", "removed": True}],
                  organizations=[{"id": "c-nouvelle-co", "removed": True}])
    status, body = await push(client, removal)
    assert status == 200, body
    assert body["subscriptions"]["removed"] == 1 and body["organizations"]["removed"] == 1
    assert "Nouvelle Coop" not in await ask(client, issuer, "show my customers")
    status, body = await push(client, removal)  # already gone: nothing to do
    assert status == 200 and body["organizations"]["unchanged"] == 1


async def test_an_invalid_document_writes_nothing(client: Any, demo_db: Database) -> None:
    before = await snapshot(demo_db, FEED_BOOKKEEPING)
    bad = doc(organizations=NEW_CUSTOMER["organizations"], subscriptions=[
        {**NEW_CUSTOMER["subscriptions"][0], "licenses": -5},
        {"id": "sub-002", "organization": "c-nowhere", "sku": "CS-PRO", "licenses": 1,
         "starts_on": "2026-01-01", "expires_on": "2027-01-01"}])
    status, body = await push(client, bad)
    assert status == 422
    named = {(p["section"], p["record"], p["field"]) for p in body["problems"]}
    assert named == {("subscriptions", "sub-nouvelle", "licenses"),
                     ("subscriptions", "sub-002", "organization")}
    assert await snapshot(demo_db, FEED_BOOKKEEPING) == before
    status, body = await push(client, ["not", "a", "document"])
    assert status == 422
    response = await client.post("/api/feed", data=b"{nope", headers=signed(b"{nope"))
    assert response.status == 400
    async with demo_db.sessions() as session:
        actions = list((await session.execute(select(AuditEvent.action, AuditEvent.actor)
                                              .where(AuditEvent.target == "feed"))).all())
    assert [tuple(a) for a in actions] == [("feed.refused", "hmac")] * 2


async def test_signatures_replays_and_limits(client: Any, demo_db: Database) -> None:
    body = json.dumps(NEW_CUSTOMER).encode()
    before = await snapshot(demo_db, FEED_BOOKKEEPING)
    attempts = [
        signed(body, stamp=int(time.time()) - 600),  # captured and replayed later
        signed(body, stamp=int(time.time()) + 600),
        signed(body, secret="guessed"),
        {**signed(body), "X-Feed-Timestamp": "yesterday"},
        {"Content-Type": "application/json"},  # no credentials at all
        {**signed(b"other body")},  # the signature of another body
    ]
    for headers in attempts:
        response = await client.post("/api/feed", data=body, headers=headers)
        assert response.status == 401, headers
        assert (await response.json())["error"] == "unauthorized"
    assert await snapshot(demo_db, FEED_BOOKKEEPING) == before
    padded = json.dumps(doc()).encode() + b" " * 3_000_000  # arrives in many chunks
    response = await client.post("/api/feed", data=padded, headers=signed(padded))
    assert response.status == 200, await response.text()
    huge = b"{" + b" " * (10 * 1024 * 1024) + b"}"
    response = await client.post("/api/feed", data=huge, headers=signed(huge))
    assert response.status == 413


def app_token(issuer: LocalIssuer, app_id: str = FEED_APP, audience: str = BOT_ID,
              tenant: str = BILLING_TENANT, claims: dict[str, Any] | None = None,
              **kwargs: Any) -> str:
    """An app-only (client credentials) token of APP_ID with the feed's app role; CLAIMS
    are added or, with None values, left out."""
    payload = {"tid": tenant, "azp": app_id, "idtyp": "app", "roles": ["Feed.ReadWrite"],
               **(claims or {})}
    return issuer.token(audience, issuer=f"https://login.microsoftonline.com/{tenant}/v2.0",
                        extra={k: v for k, v in payload.items() if v is not None}, **kwargs)


async def test_entra_app_tokens(client: Any, issuer: LocalIssuer, demo_db: Database) -> None:
    body = json.dumps(NEW_CUSTOMER).encode()
    refused = [app_token(issuer, app_id="9d4bf3a1-0000-4000-8000-000000000000"),  # foreign
               app_token(issuer, expires_in=-600),  # expired
               app_token(issuer, audience="api://someone-else"),
               app_token(issuer) + "x"]  # tampered
    for token in refused:
        response = await client.post("/api/feed", data=body, headers={
            "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        assert response.status == 401
    response = await client.post("/api/feed", data=body, headers={
        "Authorization": f"Bearer {app_token(issuer)}", "Content-Type": "application/json"})
    assert response.status == 200
    async with demo_db.sessions() as session:
        actor = (await session.execute(select(AuditEvent.actor).where(
            AuditEvent.action == "feed.applied"))).scalar_one()
    assert actor == f"app:{FEED_APP}"


async def test_one_idempotency_key_applies_once(client: Any, demo_db: Database) -> None:
    first = await push(client, NEW_CUSTOMER, **{"Idempotency-Key": "billing-42"})
    renewal = doc(subscriptions=[{**NEW_CUSTOMER["subscriptions"][0],
                                  "expires_on": "2030-01-01"}])
    body = json.dumps(renewal).encode()
    response = await client.post("/api/feed", data=body, headers={
        **signed(body), "Idempotency-Key": "billing-42"})
    assert response.status == 200
    assert response.headers["Idempotent-Replayed"] == "true"
    again = await response.json()
    assert {k: v for k, v in again.items() if k != "correlation_id"} == \
        {k: v for k, v in first[1].items() if k != "correlation_id"}
    async with demo_db.sessions() as session:
        applied = (await session.execute(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "feed.applied"))).scalar_one()
    assert applied == 1

    # the same key twice at the same moment: one applies, both get its answer
    both = await asyncio.gather(*(push(client, renewal, **{"Idempotency-Key": "billing-43"})
                                  for _ in range(2)))
    assert [status for status, _ in both] == [200, 200]
    assert both[0][1]["subscriptions"] == both[1][1]["subscriptions"]
    async with demo_db.sessions() as session:
        applied = (await session.execute(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "feed.applied"))).scalar_one()
    assert applied == 2


async def test_a_renewal_rebuilds_the_pending_digest_and_big_changes_are_told(
        client: Any, demo_db: Database) -> None:
    services = client.server.app[SERVICES]
    alice = await services.scopes.for_email("alice.durand@contoso.example")
    reference = {"conversation": {"id": CHANNEL, "tenantId": ALICE[1],
                                  "conversationType": "channel"},
                 "serviceUrl": "http://127.0.0.1:9/", "channelId": "msteams",
                 "bot": {"id": f"28:{BOT_ID}"}}
    await services.notifications.subscribe(alice, reference, kind="channel",
                                           lead_days=[365], language="en")
    today = dt.datetime.now(dt.UTC).date()
    result = await services.notifications.run_pass(today, digest_activity, "test")
    assert result.digests == 1

    async def outbox() -> list[tuple[str, str, str]]:
        async with demo_db.sessions() as session:
            rows = (await session.execute(select(OutboxMessage).order_by(OutboxMessage.id))
                    ).scalars().all()
        return [(m.kind, m.status, json.dumps(m.activity, ensure_ascii=False)) for m in rows]

    (digest,) = await outbox()
    assert "Greenleaf" in digest[2] or "Café Lumière" in digest[2]
    expiring = [s for s in (await services.exporter.export_document())["subscriptions"]
                if s["organization"] in ("c-cafe-lumiere", "c-greenleaf-bio")
                and today <= dt.date.fromisoformat(s["expires_on"]) <= today.replace(
                    year=today.year + 1)]
    renewed = [{**s, "expires_on": "2040-01-01"} for s in expiring]
    bigger = {**expiring[0], "licenses": expiring[0]["licenses"] * 3,
              "expires_on": "2040-01-01"}
    status, body = await push(client, doc(subscriptions=[bigger, *renewed[1:]]))
    assert status == 200, body
    messages = await outbox()
    kind, state, activity = messages[0]
    assert kind == "digest"
    assert state == "cancelled" or (
        "Café Lumière" not in activity and "Greenleaf Bio" not in activity)
    notices = [m for m in messages if m[0] == "notice"]
    assert len(notices) == 1 and "Licence change" in notices[0][2]
    assert f"from {expiring[0]['licenses']} to {bigger['licenses']}" in notices[0][2]


async def test_idempotency_keys_are_kept_a_day(client: Any, demo_db: Database) -> None:
    old = dt.datetime.now(dt.UTC) - dt.timedelta(days=2)
    async with demo_db.sessions() as session, session.begin():
        session.add(FeedRequest(caller="hmac", idempotency_key="last-week", status=200,
                                response={"status": "applied"}, created_at=old))
    status, _ = await push(client, NEW_CUSTOMER, **{"Idempotency-Key": "today"})
    assert status == 200
    async with demo_db.sessions() as session:
        keys = set((await session.execute(select(FeedRequest.idempotency_key))).scalars())
    assert keys == {"today"}


async def test_renewal_terms_round_trip_through_the_feed(client: Any, demo_db: Database) -> None:
    from services.network.importer import NetworkExporter

    terms = {"auto_renew": True, "billing_cycle": "monthly"}
    new = doc(subscriptions=[{**NEW_CUSTOMER["subscriptions"][0], **terms}],
              organizations=NEW_CUSTOMER["organizations"])
    status, body = await push(client, new)
    assert status == 200 and body["subscriptions"]["created"] == 1, body
    exported = await NetworkExporter(demo_db.sessions).export_document()
    sub = next(s for s in exported["subscriptions"] if s["id"] == "sub-nouvelle")
    assert sub == new["subscriptions"][0]

    status, body = await push(client, doc(subscriptions=[sub]))
    assert status == 200 and body["subscriptions"] == {
        "created": 0, "updated": 0, "unchanged": 1, "removed": 0}
    annual = {**sub, "auto_renew": False, "billing_cycle": "annual"}
    status, body = await push(client, doc(subscriptions=[annual]))
    assert status == 200 and body["subscriptions"]["updated"] == 1
    status, body = await push(client, doc(subscriptions=[{**annual, "billing_cycle": "yearly"}]))
    assert status == 422
    assert (body["problems"][0]["record"], body["problems"][0]["field"]) == (
        "sub-nouvelle", "billing_cycle")
    exported = await NetworkExporter(demo_db.sessions).export_document()
    assert next(s for s in exported["subscriptions"] if s["id"] == "sub-nouvelle") == annual
