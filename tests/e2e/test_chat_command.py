"""The README's "Chat with it" command: `partnerbot chat` starts the bot on the demo
network and the Agents Playground, which answers a question from the demo operator;
`partnerbot chat --as EMAIL` makes the Playground speak as that demo operator (its
configuration generated in a folder of its own, `.m365agentsplayground.yml` untouched)."""

from __future__ import annotations

import asyncio
import hashlib
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.cli.common import demo_network
from bot.cli.playground_config import MAX_USERS, config_as, replace_blocks
from tests.support.playground import (
    ROOT,
    Playground,
    bot_cards,
    card_text,
    free_port,
    missing_reason,
)

needs_playground = pytest.mark.skipif(missing_reason() is not None,
                                      reason=str(missing_reason()))
CONFIG = ROOT / ".m365agentsplayground.yml"
CLAIRE = "claire.martin@alphadist.example"


def _env(tmp_path: Path, bot_port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"BOT_ID", "BOT_PASSWORD"}}
    env.update(DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'chat.db'}", PORT=str(bot_port),
               NOTIFY_SCHEDULER="off")
    return env


async def _start(tmp_path: Path, *args: str) -> tuple[Any, int]:
    """`partnerbot chat ARGS` on free ports, once the bot and the Playground answer."""
    bot_port, playground_port = free_port(), free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "chat", "--playground-port", str(playground_port),
        *args, cwd=ROOT, env=_env(tmp_path, bot_port), stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT)
    async with aiohttp.ClientSession() as session:
        for _ in range(150):
            try:
                async with session.get(f"http://127.0.0.1:{playground_port}/_debug/ping") \
                        as ping, session.get(f"http://127.0.0.1:{bot_port}/readyz") as ready:
                    if ping.status == 200 and ready.status == 200:
                        break
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)
    return process, playground_port


async def _stop(process: Any) -> str:
    process.terminate()
    return str((await process.communicate())[0].decode())


@pytest.mark.playground
@needs_playground
async def test_partnerbot_chat(tmp_path: Path) -> None:
    process, playground_port = await _start(tmp_path)
    try:
        async with aiohttp.ClientSession() as session:
            client = Playground(f"http://127.0.0.1:{playground_port}", session)
            await client.connect()
            await client.say("personal-chat-alice", "aide")
            event = await client.wait_for(lambda e: any(
                "Ce que vous pouvez demander" in str(c) or "What you can ask" in str(c)
                for c in bot_cards(e)))
            await client.close()
        assert bot_cards(event)
    finally:
        output = await _stop(process)
    assert f"open http://127.0.0.1:{playground_port}" in output
    assert "demo network loaded" in output
    assert process.returncode is not None


@pytest.mark.playground
@needs_playground
async def test_chat_as_a_distributor_admin(tmp_path: Path) -> None:
    """The Playground's current user is Claire Martin (Alpha Distribution): its config
    says so, and a message typed in her personal chat is answered in her scope (the
    partners of Alpha Distribution, which a partner's operator may not list)."""
    before = hashlib.sha256(CONFIG.read_bytes()).hexdigest()
    process, playground_port = await _start(tmp_path, "--as", CLAIRE.upper())
    try:
        async with aiohttp.ClientSession() as session:
            client = Playground(f"http://127.0.0.1:{playground_port}", session)
            config = await client.config()
            me = config["currentUser"]
            await client.connect()
            body = {"from": {"id": me["id"]}, "text": "which partners do we have",
                    "textFormat": "plain"}
            async with session.post(f"{client.base}/_conversation/v1/conversations/"
                                    "personal-chat-claire/messages", json=body) as response:
                assert response.status == 200, await response.text()
            event = await client.wait_for(lambda e: "Fabrikam IT" in card_text(e))
            await client.close()
    finally:
        output = await _stop(process)
    assert me["email"] == CLAIRE and me["aadObjectId"] == "9888c69f-850f-5e5b-acd2-c8fdf8762ab4"
    assert me["name"] == "Claire Martin (distributor admin, Alpha Distribution)"
    assert CLAIRE not in {u["email"] for u in config["users"]}
    assert 1 <= len(config["users"]) <= MAX_USERS
    assert config["users"][0]["email"] == "hugo.bernard@alphadist.example"  # her colleague
    assert config["tenantId"] == "d752334c-2297-5126-a591-b69bc422f0d5"
    text = card_text(event)
    assert "Contoso Partners" in text and "Litware Services" in text
    assert "Northwind" not in text  # another distributor's partner
    assert "as Claire Martin (distributor admin, Alpha Distribution)" in output
    assert hashlib.sha256(CONFIG.read_bytes()).hexdigest() == before


def test_an_unknown_email_lists_the_demo_operators(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "chat", "--as", "nobody@contoso.example"], cwd=ROOT,
        env=_env(tmp_path, free_port()), capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "nobody@contoso.example is not an operator of the demo network" in result.stderr
    emails = [o["email"] for o in demo_network()["operators"]]
    assert all(email in result.stderr for email in emails)
    assert "Agents Playground: open" not in result.stdout


def test_the_generated_config_keeps_the_rest_of_the_file() -> None:
    base = CONFIG.read_text("utf-8")
    text = config_as(base, demo_network(), "sofia.marino@coreview.example")
    assert text.startswith("# Generated by `partnerbot chat --as sofia.marino@coreview")
    for kept in ("bot:\n  id: 00000000-0000-0000-0000-000000000001", "team:\n  id: team-contoso",
                 "groupChat:\n  id: group-chat-contoso", "channel-renewals"):
        assert kept in text
    assert '"id": "user-sofia"' in text.split("currentUser:")[1].split("\n")[0]
    assert 'personalChat: {"id": "personal-chat-sofia"}' in text
    assert text.count("currentUser:") == text.count("users:") == 1
    assert replace_blocks("a: 1\nb:\n- x\n- y\n# c\nd: 2\n", {"b": [1], "e": {}}) == \
        "a: 1\nb: [1]\n# c\nd: 2\ne: {}\n"
