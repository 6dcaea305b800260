"""Exactly-once outbox sends on SQLite and PostgreSQL (issue 16): two drains in one
process, two processes (two Database objects on one database), and a message whose claim
would expire while it waits for its conversation's rate-limit slot, against the local
fake Bot Connector."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import text

from bot.jobs.notifications import NotificationRunner
from bot.services import BotServices
from bot.settings import load_settings
from services.db.engine import Database
from services.notifications import NotificationService
from services.notifications.connector import BotCredentials, ConnectorClient
from services.notifications.outbox import OutboxSender, outbox_status
from services.notifications.ratelimit import TeamsLimits
from tests.support.fake_connector import FakeConnector

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
async def connector(aiohttp_server: Any) -> AsyncIterator[tuple[FakeConnector, str]]:
    fake = FakeConnector()
    server = await aiohttp_server(fake.app())
    yield fake, str(server.make_url("/"))


async def _enqueue(db: Database, service_url: str, messages: int,
                   conversations: int) -> None:
    notifications = NotificationService(db.sessions)
    for n in range(messages):
        reference = {"serviceUrl": service_url, "conversation": {
            "id": f"19:channel-{n % conversations}@thread.tacv2", "tenantId": "t-1",
            "conversationType": "channel"}}
        await notifications.enqueue_notice(reference, {"type": "message", "text": f"m-{n}"})


def _posts(fake: FakeConnector) -> Counter[str]:
    return Counter(str(s.activity.get("text")) for s in fake.sent)


async def _twin(db: Database) -> Database:
    """Another Database on the same data, as a second process opens it."""
    if db.dialect == "sqlite":
        return Database(db.url)
    async with db.engine.connect() as conn:
        schema = (await conn.execute(text("SHOW search_path"))).scalar_one()
    return Database(db.url, connect_args={"server_settings": {"search_path": schema}})


def _sender(db: Database, client: ConnectorClient, **kwargs: Any) -> OutboxSender:
    return OutboxSender(db.sessions, client, TeamsLimits(1000),
                        NotificationService(db.sessions), **kwargs)


async def test_two_drains_in_one_process_post_each_message_once(
        database: Database, connector: tuple[FakeConnector, str]) -> None:
    fake, url = connector
    await _enqueue(database, url, 150, 50)
    client = ConnectorClient(BotCredentials())
    try:
        senders = [_sender(database, client, concurrency=4) for _ in range(2)]
        results = await asyncio.gather(*(s.drain() for s in senders))
    finally:
        await client.close()
    posts = _posts(fake)
    assert len(posts) == 150 and set(posts.values()) == {1}, posts.most_common(3)
    assert sum(r.sent for r in results) == 150
    assert (await outbox_status(database.sessions)).sent == 150


async def test_two_processes_post_each_message_once(
        database: Database, connector: tuple[FakeConnector, str]) -> None:
    fake, url = connector
    await _enqueue(database, url, 150, 50)
    other = await _twin(database)
    clients = [ConnectorClient(BotCredentials()) for _ in range(2)]
    try:
        results = await asyncio.gather(*(
            _sender(db, client, concurrency=4).drain()
            for db, client in zip((database, other), clients, strict=True)))
    finally:
        for client in clients:
            await client.close()
        await other.dispose()
    posts = _posts(fake)
    assert len(posts) == 150 and set(posts.values()) == {1}, posts.most_common(3)
    assert sum(r.sent for r in results) == 150


async def test_a_claim_is_renewed_while_its_message_waits_for_a_slot(
        database: Database, connector: tuple[FakeConnector, str]) -> None:
    """Twenty messages to one conversation (7 a second at most): the last ones wait well
    past a claim of 0.6 s for their slot; their claims are kept alive meanwhile, so the
    other process never takes them over and sends them again."""
    fake, url = connector
    await _enqueue(database, url, 20, 1)
    other = await _twin(database)
    clients = [ConnectorClient(BotCredentials()) for _ in range(2)]
    try:
        senders = [_sender(db, client, claim_s=0.6)
                   for db, client in zip((database, other), clients, strict=True)]
        first = asyncio.create_task(senders[0].drain())
        await asyncio.sleep(0.3)  # the first claims all twenty
        second = asyncio.create_task(senders[1].drain(max_wait_s=3))
        await asyncio.gather(first, second)
    finally:
        for client in clients:
            await client.close()
        await other.dispose()
    posts = _posts(fake)
    assert len(posts) == 20 and set(posts.values()) == {1}, posts.most_common(3)


async def test_the_runner_drains_once_at_a_time(
        database: Database, connector: tuple[FakeConnector, str]) -> None:
    """The daily pass's drain and the sender loop's drain in one process: one at a time,
    each message posted once."""
    fake, url = connector
    await _enqueue(database, url, 120, 40)
    services = BotServices.create(load_settings(DATABASE_URL=database.url), database)
    runner = NotificationRunner(services)
    try:
        (_result, passed), looped = await asyncio.gather(runner.run_once(TODAY),
                                                        runner.drain())
    finally:
        await runner.close()
    posts = _posts(fake)
    assert len(posts) == 120 and set(posts.values()) == {1}, posts.most_common(3)
    assert passed.sent + looped.sent == 120


async def test_a_message_cancelled_while_it_is_sent_stays_cancelled(
        database: Database, connector: tuple[FakeConnector, str]) -> None:
    """An operator removed while their message is on its way: the send's outcome does
    not overwrite the cancellation (the next pass and the audit see it cancelled)."""
    fake, url = connector
    fake.delay_s = 0.5
    await _enqueue(database, url, 1, 1)
    client = ConnectorClient(BotCredentials())
    try:
        drain = asyncio.create_task(_sender(database, client).drain())
        while not fake.sent and fake.delay_s:
            async with database.engine.begin() as conn:
                claimed = (await conn.execute(text(
                    "SELECT count(*) FROM outbox WHERE claimed_by IS NOT NULL"))).scalar_one()
                if claimed:
                    await conn.execute(text("UPDATE outbox SET status = 'cancelled'"))
                    break
            await asyncio.sleep(0.02)
        await drain
    finally:
        await client.close()
    async with database.engine.connect() as conn:
        status = (await conn.execute(text("SELECT status FROM outbox"))).scalar_one()
    assert status == "cancelled"
