"""Outages: the database going away mid-conversation, the Bot Connector failing or not
answering while the bot replies. The user gets a short answer, nothing is half-written,
the log has one line, and service resumes by itself."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from bot.app import create_app
from bot.settings import load_settings
from services.db.engine import Database
from services.db.migrate import upgrade
from services.network.importer import NetworkImporter
from tests.conftest import demo_document
from tests.security.support import snapshot
from tests.support import activities as A
from tests.support.databases import PG_SKIP_REASON, PG_URL, separate_pg_database
from tests.support.fake_connector import FakeConnector
from tests.support.fake_login import FakeLogin
from tests.support.tcp_proxy import TcpProxy

UNAVAILABLE = "can't reach the partner directory"


@pytest.fixture
def login(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeLogin]:
    with FakeLogin() as fake:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(fake.cert))
        yield fake


@pytest.fixture
async def proxied(login: FakeLogin) -> AsyncIterator[tuple[TcpProxy, Database, Database]]:
    """The demo network in a PostgreSQL database of its own, reached through a proxy the
    test can cut; (proxy, the bot's database through it, a direct one)."""
    if not PG_URL:
        pytest.skip(PG_SKIP_REASON)
    async with separate_pg_database() as url:
        direct = Database(url)
        await upgrade(direct.engine)
        await NetworkImporter(direct.sessions).import_document(demo_document())
        target = make_url(url)
        proxy = TcpProxy(target.host or "127.0.0.1", target.port or 5432)
        await proxy.start()
        through = Database(target.set(host="127.0.0.1", port=proxy.port)
                           .render_as_string(hide_password=False))
        try:
            yield proxy, through, direct
        finally:
            await proxy.stop()
            await through.dispose()
            await direct.dispose()


async def say(client: Any, text: str | None, value: dict[str, Any] | None = None) -> str:
    activity = A.message(text or "")
    activity["conversation"]["id"] = "a:outage"
    if value is not None:
        activity.update(text=None, value=value)
    response = await client.post("/api/messages", json=activity)
    assert response.status == 200, await response.text()
    return json.dumps(await response.json(), ensure_ascii=False)


async def test_the_database_goes_away_mid_dialog_and_comes_back(
        aiohttp_client: Any, proxied: tuple[TcpProxy, Database, Database], login: FakeLogin,
        caplog: Any) -> None:
    proxy, through, direct = proxied
    settings = load_settings(DATABASE_URL=through.url, BOT_ID="",
                             LOGIN_BASE_URL=login.base_url, NOTIFY_SCHEDULER="off")
    client = await aiohttp_client(create_app(settings, database=through))
    assert "work or school e-mail" in await say(client, "add an operator")
    assert "Which role?" in await say(client, "jane.doe@contoso.example")
    before = await snapshot(direct, skip=frozenset())

    await proxy.stop()
    with caplog.at_level(logging.ERROR):
        reply = await say(client, "reader")
        question = await say(client, "which clients expire this month")
    assert UNAVAILABLE in reply and UNAVAILABLE in question
    assert "Traceback" not in reply
    down = [r for r in caplog.records if "database unavailable" in r.getMessage()]
    assert len(down) == 2  # one line per turn
    assert (await client.get("/readyz")).status == 503
    assert (await client.get("/healthz")).status == 200
    assert await snapshot(direct, skip=frozenset()) == before  # nothing half-written

    await proxy.start()  # the database is back: no restart, no operator action
    assert (await client.get("/readyz")).status == 200
    assert "Add this operator?" in await say(client, "reader")  # the dialog resumes
    done = await say(client, None, {"add_operator": "apply"})
    assert "jane.doe@contoso.example was added as Reader" in done
    assert "Boulangerie" in await say(client, "which clients expire this month")


@pytest.fixture
async def connector(aiohttp_server: Any) -> AsyncIterator[tuple[FakeConnector, str]]:
    fake = FakeConnector()
    server = await aiohttp_server(fake.app())
    yield fake, str(server.make_url("/"))


def _normal(text: str, service_url: str) -> dict[str, Any]:
    activity = A.message(text, expect_replies=False)  # replies go to the Bot Connector
    activity["serviceUrl"] = service_url
    return activity


@pytest.mark.parametrize("failure", ["500", "timeout"])
async def test_the_bot_connector_fails_while_replying(
        aiohttp_client: Any, demo_db: Database, connector: tuple[FakeConnector, str],
        caplog: Any, failure: str) -> None:
    fake, service_url = connector
    settings = load_settings(DATABASE_URL=demo_db.url, BOT_ID="", CONNECTOR_TIMEOUT="0.5")
    client = await aiohttp_client(create_app(settings, database=demo_db))
    if failure == "500":
        fake.failures.extend([500])
    else:
        fake.delay_s = 2
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        response = await client.post("/api/messages", json=_normal("help", service_url))
    assert response.status in (200, 201)
    problems = [r for r in caplog.records if r.levelno >= logging.WARNING
                and r.name.startswith(("bot", "partnerbot", "services"))]
    assert len(problems) == 1, [r.getMessage() for r in problems]
    assert "could not be delivered" in problems[0].getMessage()
    assert problems[0].exc_info is None  # one line, no stack for an outside failure
    assert fake.sent == []

    fake.delay_s = 0  # the connector is back: the next turn is answered
    response = await client.post("/api/messages", json=_normal("help", service_url))
    assert response.status in (200, 201)
    assert len(fake.sent) == 1 and fake.sent[0].cards


async def test_the_proxy_is_a_real_cut() -> None:
    """The outage test's proxy refuses connections when stopped (so that test can fail)."""
    listener = await asyncio.start_server(lambda _r, w: w.close(), "127.0.0.1", 0)
    proxy = TcpProxy("127.0.0.1", listener.sockets[0].getsockname()[1])
    await proxy.start()
    _reader, writer = await asyncio.open_connection("127.0.0.1", proxy.port)
    writer.close()
    await proxy.stop()
    with pytest.raises(OSError):
        await asyncio.open_connection("127.0.0.1", proxy.port)
    listener.close()
