"""Scale-out: two `partnerbot serve` processes on one PostgreSQL, behind a pretend load
balancer that alternates between them. A multi-turn dialog (adding an operator) runs to
completion because its state lives in the shared database, not in a process."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.conftest import DEMO_FILE
from tests.support import activities as A
from tests.support.databases import PG_SKIP_REASON, PG_URL, separate_pg_database
from tests.support.fake_login import FakeLogin
from tests.support.playground import free_port

pytestmark = pytest.mark.skipif(not PG_URL, reason=PG_SKIP_REASON)


async def _cli(env: dict[str, str], *args: str) -> str:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", *args, env=env, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT)
    output = (await process.communicate())[0].decode()
    assert process.returncode == 0, output
    return output


@pytest.fixture
async def instances(tmp_path: Path) -> AsyncIterator[tuple[list[str], dict[str, str]]]:
    with FakeLogin() as login:
        async with separate_pg_database() as url:
            env = {k: v for k, v in os.environ.items() if k not in {"BOT_ID", "BOT_PASSWORD"}}
            env.update(DATABASE_URL=url, LOGIN_BASE_URL=login.base_url,
                       REQUESTS_CA_BUNDLE=str(login.cert), NOTIFY_SCHEDULER="off",
                       DB_POOL_SIZE="3", DB_MAX_OVERFLOW="2")
            await _cli(env, "db", "upgrade")  # once, before any instance starts
            await _cli(env, "import", str(DEMO_FILE))
            ports = [free_port(), free_port()]
            processes = [await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot.cli", "serve", "--port", str(port), cwd=tmp_path,
                env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
                for port in ports]
            bases = [f"http://127.0.0.1:{port}" for port in ports]
            try:
                async with aiohttp.ClientSession() as session:
                    for base in bases:
                        for _ in range(150):
                            try:
                                async with session.get(f"{base}/readyz") as ready:
                                    if ready.status == 200:
                                        break
                            except aiohttp.ClientError:
                                pass
                            await asyncio.sleep(0.2)
                yield bases, env
            finally:
                for process in processes:
                    process.terminate()
                    await process.wait()


async def test_a_dialog_alternates_between_two_instances(
        instances: tuple[list[str], dict[str, str]]) -> None:
    bases, env = instances
    conversation = "a:scale-out"
    steps: list[dict[str, Any]] = [{"text": "add an operator"},
                                   {"text": "jane.doe@contoso.example"},
                                   {"text": "reader"},
                                   {"text": None, "value": {"add_operator": "apply"}}]
    replies = []
    async with aiohttp.ClientSession() as session:
        for turn, step in enumerate(steps):
            activity = A.message(step["text"] or "")
            activity["conversation"]["id"] = conversation
            if "value" in step:
                activity.update(text=None, value=step["value"])
            base = bases[turn % 2]  # the load balancer sends each turn elsewhere
            async with session.post(f"{base}/api/messages", json=activity) as response:
                assert response.status == 200, await response.text()
                replies.append(json.dumps(await response.json(), ensure_ascii=False))
    assert "work or school e-mail" in replies[0]
    assert "Which role?" in replies[1]
    assert "Add this operator?" in replies[2]
    assert "jane.doe@contoso.example was added as Reader" in replies[3]
    listed = await _cli({**env, "PYTHONIOENCODING": "utf-8"}, "ask", "--as",
                        "alice.durand@contoso.example", "--json", "who are the operators")
    assert "jane.doe@contoso.example" in listed
