"""Local mode (no BOT_ID) has the Microsoft 365 account check off (issue 16): adding an
operator works offline through /api/messages, personal mail domains are still refused,
and start-up warns that the check is off."""

from __future__ import annotations

import json
import logging
import socket
from typing import Any

import pytest

from bot.app import create_app
from bot.settings import load_settings
from services.db.engine import Database
from tests.support import activities as A


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
async def client(aiohttp_client: Any, demo_db: Database, caplog: Any) -> Any:
    # a login endpoint that refuses every connection: nothing may need it
    settings = load_settings(DATABASE_URL=demo_db.url, BOT_ID="", NOTIFY_SCHEDULER="off",
                             LOGIN_BASE_URL=f"https://127.0.0.1:{_closed_port()}")
    with caplog.at_level(logging.WARNING, logger="bot.app"):
        return await aiohttp_client(create_app(settings, database=demo_db))


async def _say(client: Any, text: str) -> str:
    response = await client.post("/api/messages", json=A.message(text))
    assert response.status == 200, await response.text()
    return json.dumps(await response.json(), ensure_ascii=False)


async def test_start_up_warns_that_the_account_check_is_off(client: Any,
                                                            caplog: Any) -> None:
    started = [r.getMessage() for r in caplog.get_records("setup")]
    assert any("the Microsoft 365 account check is OFF" in m for m in started), started


async def test_an_operator_is_added_offline(client: Any) -> None:
    reply = await _say(client, "add jane@contoso.example as reader")
    assert "Add this operator?" in reply and "jane@contoso.example" in reply
    assert "couldn't check" not in reply


@pytest.mark.parametrize("email", ["someone@gmail.com", "someone@outlook.com"])
async def test_personal_accounts_are_still_refused(client: Any, email: str) -> None:
    reply = await _say(client, f"add {email} as reader")
    assert "personal Microsoft account" in reply and "Add this operator?" not in reply
