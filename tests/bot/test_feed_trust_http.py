"""POST /api/feed's trust boundary over HTTP, on SQLite and PostgreSQL: Entra tokens with
least privilege (app-only, an allowed tenant, the feed's app role), operators only with
FEED_MANAGES_OPERATORS, strict HMAC timestamps, each signature used once across
instances, and no body read before the headers authenticate."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from sqlalchemy import func, select

from services.db.engine import Database
from services.db.models import AuditEvent, FeedSignature, Operator
from services.feed import signature
from tests.bot.test_feed_http import (  # noqa: F401 - fixtures (by their names)
    BILLING_TENANT,
    FEED_APP,
    FEED_BOOKKEEPING,
    NEW_CUSTOMER,
    OTHER_TENANT,
    SECRET,
    app_token,
    client_fixture,
    doc,
    issuer_fixture,
    make_client_fixture,
    signed,
)
from tests.security.support import snapshot
from tests.support.jwt_issuer import LocalIssuer

Maker = Callable[..., Awaitable[Any]]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}


async def refusals(db: Database) -> list[tuple[str, str, dict[str, Any] | None]]:
    async with db.sessions() as session:
        rows = (await session.execute(select(AuditEvent.action, AuditEvent.actor,
                                             AuditEvent.after).where(
            AuditEvent.target == "feed").order_by(AuditEvent.id))).all()
    return [(r.action, r.actor, r.after) for r in rows]


# -- Entra tokens: least privilege ---------------------------------------------------


async def test_a_token_without_the_feeds_rights_is_forbidden(
        client: Any, issuer: LocalIssuer, demo_db: Database) -> None:
    body = json.dumps(NEW_CUSTOMER).encode()
    before = await snapshot(demo_db, FEED_BOOKKEEPING)
    forbidden = {
        "delegated": app_token(issuer, claims={"idtyp": "user", "scp": "Feed.ReadWrite"}),
        "delegated, no idtyp": app_token(issuer, claims={"idtyp": None, "scp": "Feed.Read"}),
        "no role": app_token(issuer, claims={"roles": None}),
        "another role": app_token(issuer, claims={"roles": ["Feed.Write", "Feed.Read"]}),
        "role not a list": app_token(issuer, claims={"roles": "Feed.ReadWrite"}),
        "another tenant": app_token(issuer, tenant=OTHER_TENANT),
    }
    for why, token in forbidden.items():
        response = await client.post("/api/feed", data=body, headers=bearer(token))
        assert response.status == 403, why
        answer = await response.json()
        assert answer["error"] == "forbidden" and answer["correlation_id"], why
    assert await snapshot(demo_db, FEED_BOOKKEEPING) == before
    audited = await refusals(demo_db)
    assert [(a, actor) for a, actor, _ in audited] == \
        [("feed.refused", f"app:{FEED_APP}")] * len(forbidden)
    assert OTHER_TENANT in json.dumps(audited[-1][2])

    # app-only without idtyp (v1 tokens, no optional claim) is still app-only
    response = await client.post("/api/feed", data=body, headers=bearer(
        app_token(issuer, claims={"idtyp": None})))
    assert response.status == 200, await response.text()


async def test_no_allowed_tenant_means_no_token(make_client: Maker, issuer: LocalIssuer,
                                                demo_db: Database) -> None:
    client = await make_client(FEED_ALLOWED_TENANTS="")
    body = json.dumps(NEW_CUSTOMER).encode()
    response = await client.post("/api/feed", data=body, headers=bearer(app_token(issuer)))
    assert response.status == 403
    renamed = await make_client(FEED_ALLOWED_TENANTS=f"{OTHER_TENANT}, {BILLING_TENANT.upper()}",
                                FEED_APP_ROLE="Billing.Push")
    response = await renamed.post("/api/feed", data=body, headers=bearer(app_token(issuer)))
    assert response.status == 403  # the role is now Billing.Push
    response = await renamed.post("/api/feed", data=body, headers=bearer(
        app_token(issuer, claims={"roles": ["Billing.Push"]})))
    assert response.status == 200, await response.text()


# -- operators and roles only with FEED_MANAGES_OPERATORS -------------------------------

PROMOTION = doc(
    organizations=NEW_CUSTOMER["organizations"],
    operators=[{"email": "bruno.petit@contoso.example", "name": "Bruno Petit",
                "organization": "p-contoso", "roles": ["admin"]}])
NEWCOMER = doc(operators=[{"email": "mallory@contoso.example", "name": "Mallory",
                           "organization": "p-contoso", "roles": ["admin"]}])
REMOVAL = doc(operators=[{"email": "alice.durand@contoso.example", "removed": True}])


async def roles_of(db: Database) -> dict[str, tuple[str, str]]:
    async with db.sessions() as session:
        rows = (await session.execute(select(Operator.email, Operator.role,
                                             Operator.status))).all()
    return {r.email: (str(r.role), str(r.status)) for r in rows}


async def test_the_feed_cannot_touch_operators_by_default(
        client: Any, issuer: LocalIssuer, demo_db: Database) -> None:
    before = await snapshot(demo_db, FEED_BOOKKEEPING)
    for document in (PROMOTION, NEWCOMER, REMOVAL, doc(operators={"not": "a list"})):
        body = json.dumps(document).encode()
        for headers in (signed(body), bearer(app_token(issuer))):
            response = await client.post("/api/feed", data=body, headers=headers)
            assert response.status == 403, document
            answer = await response.json()
            assert "FEED_MANAGES_OPERATORS" in answer["error"]
    assert await snapshot(demo_db, FEED_BOOKKEEPING) == before  # not even the organization
    audited = await refusals(demo_db)
    assert len(audited) == 8 and {a for a, _, _ in audited} == {"feed.refused"}
    assert {actor for _, actor, _ in audited} == {"hmac", f"app:{FEED_APP}"}
    # an empty operators section changes nothing about operators
    body = json.dumps(doc(operators=[], **{"organizations": NEW_CUSTOMER["organizations"]}))
    response = await client.post("/api/feed", data=body.encode(), headers=signed(body.encode()))
    assert response.status == 200, await response.text()


async def test_feed_manages_operators_lets_it(make_client: Maker, demo_db: Database) -> None:
    client = await make_client(FEED_MANAGES_OPERATORS="true")
    before = await roles_of(demo_db)
    for document in (PROMOTION, NEWCOMER, REMOVAL):
        body = json.dumps(document).encode()
        response = await client.post("/api/feed", data=body, headers=signed(body))
        assert response.status == 200, await response.text()
    after = await roles_of(demo_db)
    assert before["bruno.petit@contoso.example"][0] == "reader"
    assert after["bruno.petit@contoso.example"][0] == "admin"
    assert after["mallory@contoso.example"][0] == "admin"
    assert after["alice.durand@contoso.example"][1] == "removed"


# -- HMAC: strict timestamps, each signature once --------------------------------------


async def test_only_ascii_digit_timestamps(client: Any, demo_db: Database) -> None:
    body = json.dumps(NEW_CUSTOMER).encode()
    now = str(int(time.time()))
    arabic_indic = now.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    fullwidth = now.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    before = await snapshot(demo_db, FEED_BOOKKEEPING)
    for stamp in ("²", "¹²³", arabic_indic, fullwidth, f" {now}", f"+{now}", f"{now}.0",
                  "0x10", "9" * 13, ""):
        # correctly signed with the stamp as given: only the stamp's form refuses it
        headers = {"Content-Type": "application/json", "X-Feed-Timestamp": stamp,
                   "X-Feed-Signature": signature(SECRET, stamp, body)}
        response = await client.post("/api/feed", data=body, headers=headers)
        assert response.status == 401, stamp
        assert (await response.json())["error"] == "unauthorized"
    for given in ("sha256=" + "A" * 64, "sha256=abc", "md5=" + "0" * 64, "sha256=²" + "0" * 63):
        headers = {**signed(body), "X-Feed-Signature": given}
        response = await client.post("/api/feed", data=body, headers=headers)
        assert response.status == 401, given
    assert await snapshot(demo_db, FEED_BOOKKEEPING) == before
    assert await refusals(demo_db) == []  # unauthenticated: logged, not audited


async def test_a_replayed_signature_is_refused(client: Any, demo_db: Database) -> None:
    body = json.dumps(NEW_CUSTOMER).encode()
    headers = signed(body)
    response = await client.post("/api/feed", data=body, headers=headers)
    assert response.status == 200
    after_first = await snapshot(demo_db, FEED_BOOKKEEPING)
    for extra in ({}, {"Idempotency-Key": "captured"}):
        response = await client.post("/api/feed", data=body, headers={**headers, **extra})
        assert response.status == 401
        assert (await response.json())["error"] == "unauthorized"
    assert await snapshot(demo_db, FEED_BOOKKEEPING) == after_first
    # signed again (a new timestamp), the same document is a new request
    response = await client.post("/api/feed", data=body, headers=signed(body))
    assert response.status == 200
    assert (await response.json())["organizations"]["unchanged"] == 1


async def test_two_instances_accept_a_signature_once(make_client: Maker,
                                                     demo_db: Database) -> None:
    instances = [await make_client(), await make_client()]
    body = json.dumps(NEW_CUSTOMER).encode()
    headers = signed(body)

    async def post(client: Any) -> int:
        response = await client.post("/api/feed", data=body, headers=headers)
        return int(response.status)

    for _ in range(3):  # racing, then one after the other
        statuses = await asyncio.gather(*(post(c) for c in instances))
        headers = signed(body)
        assert sorted(statuses) == [200, 401], statuses
    assert await post(instances[1]) == 200 and await post(instances[0]) == 401
    async with demo_db.sessions() as session:
        applied = (await session.execute(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "feed.applied"))).scalar_one()
    assert applied == 4


async def test_old_signatures_are_forgotten(client: Any, demo_db: Database) -> None:
    body = json.dumps(doc()).encode()
    async with demo_db.sessions() as session, session.begin():
        session.add(FeedSignature(digest="0" * 64, seen_at=dt_ago(11 * 60)))
        session.add(FeedSignature(digest="1" * 64, seen_at=dt_ago(9 * 60)))
    response = await client.post("/api/feed", data=body, headers=signed(body))
    assert response.status == 200
    async with demo_db.sessions() as session:
        kept = set((await session.execute(select(FeedSignature.digest))).scalars())
    assert "0" * 64 not in kept and "1" * 64 in kept and len(kept) == 2


def dt_ago(seconds: float) -> dt.datetime:
    return dt.datetime.now(dt.UTC) - dt.timedelta(seconds=seconds)


# -- no body read before the headers authenticate ---------------------------------------


async def stalled(first: bytes) -> AsyncIterator[bytes]:
    """A body that sends FIRST and then never ends (as a slow-loris client does)."""
    yield first
    await asyncio.sleep(3600)
    yield b""


async def test_refused_before_the_body_is_read(client: Any, issuer: LocalIssuer) -> None:
    huge = b"{" + b" " * (11 * 1024 * 1024) + b"}"
    expired = {**signed(huge, stamp=int(time.time()) - 600)}
    for headers in ({"Content-Type": "application/json"}, expired,
                    bearer(app_token(issuer, expires_in=-600)),
                    bearer(app_token(issuer, tenant=OTHER_TENANT))):
        response = await client.post("/api/feed", data=huge, headers=headers)
        assert response.status in (401, 403), headers  # not 413: the size is not the point
    response = await client.post("/api/feed", data=huge, headers=bearer(app_token(issuer)))
    assert response.status == 413  # authenticated, then too large

    for headers in ({"Content-Type": "application/json"}, bearer("not-a-token"),
                    bearer(app_token(issuer, claims={"roles": None})),
                    {**signed(b"{}"), "X-Feed-Timestamp": "²"}):
        response = await asyncio.wait_for(client.post(
            "/api/feed", data=stalled(b'{"format": '), headers=headers), timeout=10)
        assert response.status in (401, 403), headers
