"""Every msal call is bounded (issue 16): against a real local login stand-in that reads
requests and never answers, the account check, the on-behalf-of exchange, the mail token
and the Bot Connector token each fail within OUTBOUND_TIMEOUT with a clear error, and
they never hold the default thread pool that JWT key refreshes and name-index builds
use."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.jobs.notifications import NotificationRunner
from bot.services import BotServices
from bot.settings import load_settings
from services.accounts import UNAVAILABLE
from services.db.engine import Database
from services.graph_auth import GraphAuthError
from services.mail import MailError, MailMessage
from services.notifications.connector import ConnectorError
from tests.support.fake_login import FakeLogin

TIMEOUT_S = 0.5
SLACK_S = 1.5  # scheduling on a busy 2-core machine
CALLS_EACH = 4  # 16 hung calls in all: more than the default executor's threads here


@pytest.fixture
def login(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeLogin]:
    with FakeLogin() as fake:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(fake.cert))
        yield fake


@dataclass
class Wired:
    services: BotServices
    runner: NotificationRunner


@pytest.fixture
async def wired(login: FakeLogin, tmp_path: Path) -> AsyncIterator[Wired]:
    """The production wiring, from the settings, with the login stand-in."""
    settings = load_settings(
        BOT_ID="00000000-0000-0000-0000-0000000000b0", BOT_PASSWORD="bot-secret",
        BOT_TENANT_ID="vendor.example", OAUTH_CONNECTION_NAME="teams-sso",
        LOGIN_BASE_URL=login.base_url, MAIL_TRANSPORT="graph",
        MAIL_SENDER="partners@vendor.example", PUBLIC_BASE_URL="https://bot.example",
        OUTBOUND_TIMEOUT=str(TIMEOUT_S), DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/t.db")
    db = Database(settings.database_url)
    services = BotServices.create(settings, db)
    runner = NotificationRunner(services)
    try:
        yield Wired(services, runner)
    finally:
        await runner.close()
        await db.dispose()


async def _timed(call: Any) -> tuple[float, Any]:
    started = time.monotonic()
    try:
        result: Any = await call
    except Exception as exc:  # noqa: BLE001 - the error is what is checked
        result = exc
    return time.monotonic() - started, result


async def test_a_hung_login_fails_each_call_in_time_and_starves_nothing(
        wired: Wired, login: FakeLogin) -> None:
    login.hang = True
    services = wired.services
    assert services.graph is not None
    message = MailMessage("marie@ateliermarchand.fr", "Activate", "text", "<p>html</p>")
    calls = []
    for n in range(CALLS_EACH):
        calls += [
            ("account", services.accounts.check(f"jane{n}@contoso.example")),
            ("obo", services.graph.on_behalf_of(f"sso-token-{n}", f"user-{n}")),
            ("mail", services.mailer.send(message)),
            ("connector", wired.runner.connector.send(
                "http://127.0.0.1:9/", f"a:conversation-{n}", {"type": "message"})),
        ]
    tasks = [asyncio.create_task(_timed(call)) for _kind, call in calls]
    try:
        await asyncio.sleep(0.1)
        # meanwhile the default pool (JWT keys, name index) still runs work at once
        started = time.monotonic()
        await asyncio.wait_for(asyncio.to_thread(time.sleep, 0), timeout=TIMEOUT_S)
        assert time.monotonic() - started < TIMEOUT_S
        _done, pending = await asyncio.wait(tasks, timeout=TIMEOUT_S + SLACK_S + 1)
    finally:
        login.release()  # before the fix, the hung threads would block the loop's close
    for task in pending:
        task.cancel()
    assert not pending, f"{len(pending)} msal calls still hung after the timeout"
    for (kind, _call), task in zip(calls, tasks, strict=True):
        elapsed, result = task.result()
        assert elapsed < TIMEOUT_S + SLACK_S, (kind, elapsed)
        if kind == "account":
            assert result == UNAVAILABLE
        elif kind == "obo":
            assert isinstance(result, GraphAuthError) and result.code == "login_timeout"
            assert "sso-token" not in str(result)
        elif kind == "mail":
            assert isinstance(result, MailError) and result.code == "graph_unreachable"
            assert "timeout" in str(result) and "bot-secret" not in str(result)
        else:
            assert isinstance(result, ConnectorError)
            assert (result.status, result.code) == (0, "token:login_timeout")
    assert login.hung >= 1


async def test_the_login_answers_again_after_a_hang(wired: Wired, login: FakeLogin) -> None:
    """A timed-out call leaves nothing broken behind: once the endpoint answers, the same
    clients work (realm discovery here)."""
    login.hang = True
    try:
        verdict = await asyncio.wait_for(
            wired.services.accounts.check("jane@contoso.example"), TIMEOUT_S + SLACK_S)
    finally:
        login.hang = False
        login.release()
    assert verdict == UNAVAILABLE
    assert await wired.services.accounts.check("jane@contoso.example") == "work_or_school"
