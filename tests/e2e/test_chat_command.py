"""The README's "Chat with it" command: `partnerbot chat` starts the bot on the demo
network and the Agents Playground, which answers a question from the demo operator."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import aiohttp
import pytest

from tests.support.playground import (
    ROOT,
    Playground,
    bot_cards,
    free_port,
    missing_reason,
)

pytestmark = [pytest.mark.playground,
              pytest.mark.skipif(missing_reason() is not None, reason=str(missing_reason()))]


async def test_partnerbot_chat(tmp_path: Path) -> None:
    bot_port, playground_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"BOT_ID", "BOT_PASSWORD"}}
    env.update(DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'chat.db'}", PORT=str(bot_port),
               NOTIFY_SCHEDULER="off")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "chat", "--playground-port", str(playground_port),
        cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    base = f"http://127.0.0.1:{playground_port}"
    try:
        async with aiohttp.ClientSession() as session:
            for _ in range(150):
                try:
                    async with session.get(f"{base}/_debug/ping") as ping, \
                            session.get(f"http://127.0.0.1:{bot_port}/readyz") as ready:
                        if ping.status == 200 and ready.status == 200:
                            break
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.2)
            client = Playground(base, session)
            await client.connect()
            await client.say("personal-chat-alice", "aide")
            event = await client.wait_for(lambda e: any(
                "Ce que vous pouvez demander" in str(c) or "What you can ask" in str(c)
                for c in bot_cards(e)))
            await client.close()
        assert bot_cards(event)
    finally:
        process.terminate()
        output = (await process.communicate())[0].decode()
    assert f"open http://127.0.0.1:{playground_port}" in output
    assert "demo network loaded" in output
    assert process.returncode is not None
