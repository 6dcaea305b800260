"""Two `partnerbot notify run` processes at the same time on one PostgreSQL: the pass
runs once (a lease) and the outbox is shared (FOR UPDATE SKIP LOCKED): every digest is
posted exactly once."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import pytest

from services.db.engine import Database
from services.db.migrate import upgrade
from services.network.importer import NetworkImporter
from services.notifications import NotificationService
from services.scope import ScopeService
from tests.conftest import demo_document
from tests.support.cli import run_cli
from tests.support.databases import PG_SKIP_REASON, PG_URL, separate_pg_database
from tests.support.fake_connector import FakeConnector

pytestmark = pytest.mark.skipif(not PG_URL, reason=PG_SKIP_REASON)
CHANNELS = 120


@pytest.fixture
async def pg_url() -> AsyncIterator[str]:
    async with separate_pg_database() as url:
        yield url


async def test_two_processes_send_each_digest_once(pg_url: str, aiohttp_server: Any) -> None:
    connector = FakeConnector()
    server = await aiohttp_server(connector.app())
    db = Database(pg_url)
    try:
        await upgrade(db.engine)
        await NetworkImporter(db.sessions).import_document(demo_document())
        alice = await ScopeService(db.sessions).for_email("alice.durand@contoso.example")
        assert alice is not None
        service = NotificationService(db.sessions)
        for n in range(CHANNELS):
            await service.subscribe(alice, {
                "serviceUrl": str(server.make_url("/")),
                "conversation": {"id": f"19:channel-{n}@thread.tacv2", "tenantId": "t-1",
                                 "conversationType": "channel"}},
                kind="channel", lead_days=[30], language="en")
    finally:
        await db.dispose()
    results = await asyncio.gather(*(run_cli(pg_url, "notify", "run", "--now", "2026-11-23",
                                             "--wait", "5") for _ in range(2)))
    assert [code for code, _ in results] == [0, 0], results
    outputs = " | ".join(out for _, out in results)
    # One process makes the digests; the other ran at the same time (skipped: the lease
    # was held) or, on a loaded machine, just after it (nothing left to make).
    assert outputs.count(f"{CHANNELS} digests") == 1, outputs
    assert outputs.count("skipped, another instance") + outputs.count(" 0 digests") == 1, \
        outputs
    posts = Counter(s.conversation_id for s in connector.sent)
    assert len(posts) == CHANNELS and set(posts.values()) == {1}
    code, status = await run_cli(pg_url, "notify", "status")
    assert code == 0 and f"{CHANNELS} sent" in status and "0 pending" in status
