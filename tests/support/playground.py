"""Run the bot (`partnerbot serve --demo`) and Microsoft's Agents Playground (the Teams
client emulator, npm @microsoft/m365agentsplayground) side by side, and drive the
Playground through its REST and WebSocket API as its own UI does."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parents[2]
CLI = ROOT / "node_modules" / "@microsoft" / "m365agentsplayground" / "cli.js"
BOT_ID = "00000000-0000-0000-0000-000000000001"  # .m365agentsplayground.yml


DEMO_DATE = "2026-11-23"  # bot/demo/partner-demo.json's as_of


def missing_reason() -> str | None:
    """Why the Playground cannot run here (None: it can)."""
    if shutil.which("node") is None:
        return "Node.js is not installed"
    if not CLI.is_file():
        return "the Agents Playground is not installed: run `npm install`"
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_http(url: str, process: subprocess.Popen[str], what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - local
                if response.status == 200:
                    return
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            output = process.stdout.read() if process.stdout else ""
            raise RuntimeError(f"{what} did not start: {output[-2000:]}")
        time.sleep(0.2)


@dataclass
class Stack:
    bot_url: str
    playground_url: str
    database_url: str
    env: dict[str, str]
    workdir: Path

    async def turns_done(self) -> int:
        """How many message turns the bot has finished (its /metrics): a turn's reply
        reaches the Playground before the turn ends and saves its dialog state."""
        async with aiohttp.ClientSession() as session, session.get(
                f"{self.bot_url}/metrics") as response:
            text = await response.text()
        return sum(int(float(line.rsplit(" ", 1)[1])) for line in text.splitlines()
                   if line.startswith("partnerbot_http_requests_total{")
                   and 'route="/api/messages"' in line)

    async def settle(self, turns: int, seconds: float = 20) -> None:
        """Wait until the bot has finished TURNS message turns (as a person reading the
        card does before answering it)."""
        deadline = asyncio.get_running_loop().time() + seconds
        while await self.turns_done() < turns:
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"the bot did not finish {turns} turns")
            await asyncio.sleep(0.1)


@contextmanager
def running_stack(workdir: Path, demo_date: str | None = DEMO_DATE) -> Iterator[Stack]:
    """The bot on the demo network (its own SQLite file) and the Playground pointed at
    it, both on free ports; stopped on exit. DEMO_DATE: the day the demo's dates are
    moved to (None: today, as `partnerbot serve --demo` does)."""
    bot_port, playground_port = free_port(), free_port()
    database_url = f"sqlite+aiosqlite:///{workdir / 'playground.db'}"
    env = {k: v for k, v in os.environ.items() if k not in {"BOT_ID", "BOT_PASSWORD"}}
    env.update(DATABASE_URL=database_url, PORT=str(bot_port), NOTIFY_SCHEDULER="off",
               TEAMSAPPTESTER_BROWSER="none", APPLICATION_INSIGHTS_NO_STATSBEAT="true")
    # By default the demo as shipped (its dates not moved): the tests' dates and digests.
    pinned = ["--demo-date", demo_date] if demo_date else []
    bot = subprocess.Popen([sys.executable, "-m", "bot.cli", "serve", "--demo", *pinned],
                           cwd=workdir, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    playground = subprocess.Popen(
        ["node", str(CLI), "-e", f"http://127.0.0.1:{bot_port}/api/messages", "-c", "msteams",
         "-p", str(playground_port), "--disable-telemetry"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        _wait_http(f"http://127.0.0.1:{bot_port}/readyz", bot, "the bot", 60)
        _wait_http(f"http://127.0.0.1:{playground_port}/_debug/ping", playground,
                   "the Agents Playground", 60)
        yield Stack(f"http://127.0.0.1:{bot_port}", f"http://127.0.0.1:{playground_port}",
                    database_url, env, workdir)
    finally:
        for process in (playground, bot):
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


@dataclass
class Playground:
    """A client of the Playground's API; collects what the WebSocket streams."""

    base: str
    session: aiohttp.ClientSession
    events: list[dict[str, Any]] = field(default_factory=list)
    _ws: Any = None
    _reader: asyncio.Task[None] | None = None

    async def connect(self) -> None:
        self._ws = await self.session.ws_connect(
            f"{self.base}/_ws_conversation/v1/conversations/stream")
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for message in self._ws:
            if message.type == aiohttp.WSMsgType.TEXT:
                self.events.append(json.loads(message.data))

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
        if self._ws is not None:
            await self._ws.close()

    async def config(self) -> dict[str, Any]:
        async with self.session.get(f"{self.base}/_internal/v1/config") as response:
            return dict((await response.json())["config"])

    async def say(self, conversation: str, text: str, *, mention: bool = False) -> str:
        """A message from the current user (channels and group chats: @mention the bot)."""
        body: dict[str, Any] = {"from": {"id": "user-alice"}, "text": text,
                                "textFormat": "plain"}
        if mention:
            tag = "<at>Partner App</at>"
            body.update(text=f"{tag} {text}",
                        mentions=[{"mentioned": {"id": BOT_ID}, "text": tag}])
        async with self.session.post(
                f"{self.base}/_conversation/v1/conversations/{conversation}/messages",
                json=body) as response:
            assert response.status == 200, await response.text()
            return str((await response.json())["messageId"])

    async def send_activity(self, activity: dict[str, Any]) -> None:
        """A raw activity, e.g. a message from another user of the tenant."""
        async with self.session.post(f"{self.base}/_internal/v1/customActivities",
                                     json=activity) as response:
            assert response.status == 200, await response.text()

    async def say_as(self, conversation: str, text: str, sender: dict[str, str]) -> None:
        """A message from another member of CONVERSATION (SENDER: id, aadObjectId), as
        the Playground would deliver it from that user."""
        activity = await self.template(conversation)
        activity.update(type="message", text=text, textFormat="plain", **{"from": sender})
        for key in ("action", "id"):
            activity.pop(key, None)
        activity["channelData"].pop("settings", None)
        activity["channelData"].pop("source", None)
        await self.send_activity(activity)

    async def template(self, conversation: str) -> dict[str, Any]:
        async with self.session.get(f"{self.base}/_internal/v1/customActivities/template",
                                    params={"conversationId": conversation,
                                            "type": "install"}) as response:
            return dict(await response.json())

    async def invoke(self, conversation: str, message_id: str, verb: str,
                     data: dict[str, Any]) -> Any:
        """Action.Execute on a card, as the current user clicks it."""
        body = {"name": "adaptiveCard/action", "from": {"id": "user-alice"},
                "conversation": {"id": conversation}, "replyToId": message_id,
                "value": {"action": {"type": "Action.Execute", "verb": verb, "data": data},
                          "trigger": "manual"}}
        async with self.session.post(f"{self.base}/_conversation/v1/invoke",
                                     json=body) as response:
            text = await response.text()
            assert response.status == 200, text
            return json.loads(text) if text else None

    async def extension(self, conversation: str, invoke: str, value: dict[str, Any], *,
                        user: str = "user-alice") -> dict[str, Any]:
        """A message extension invoke (composeExtension/...) as USER makes it."""
        body = {"name": invoke, "from": {"id": user}, "conversation": {"id": conversation},
                "value": value}
        async with self.session.post(f"{self.base}/_conversation/v1/invoke",
                                     json=body) as response:
            answer = await response.text()
            assert response.status == 200, answer
            return dict(json.loads(answer))

    async def search(self, conversation: str, text: str, *, user: str = "user-alice",
                     command: str = "findCustomer") -> dict[str, Any]:
        """The search message extension, as USER types TEXT in its search box."""
        answer = await self.extension(conversation, "composeExtension/query", {
            "commandId": command, "parameters": [{"name": "query", "value": text}],
            "queryOptions": {"skip": 0, "count": 25}}, user=user)
        return dict(answer["composeExtension"])

    async def post_card(self, conversation: str, card: dict[str, Any], *,
                        user: str = "user-alice") -> str:
        """A message holding CARD, as the compose box sends a chosen search result."""
        body = {"from": {"id": user}, "attachmentLayout": "list", "attachments": [
            {"contentType": "application/vnd.microsoft.card.adaptive", "content": card}]}
        async with self.session.post(
                f"{self.base}/_conversation/v1/conversations/{conversation}/messages",
                json=body) as response:
            assert response.status == 200, await response.text()
            return str((await response.json())["messageId"])

    async def submit(self, conversation: str, message_id: str, data: dict[str, Any], *,
                     user: str = "user-alice") -> None:
        """Action.Submit on a card, as the Playground's web client sends it (the data)."""
        body = {"conversation": {"id": conversation}, "from": {"id": user},
                "replyToId": message_id, "value": data}
        async with self.session.post(f"{self.base}/_conversation/v1/submit",
                                     json=body) as response:
            assert response.status == 200, await response.text()

    async def wait_for(self, predicate: Callable[[dict[str, Any]], bool],
                       seconds: float = 20) -> dict[str, Any]:
        """The first streamed event PREDICATE accepts (events are few: scan them all)."""
        deadline = asyncio.get_running_loop().time() + seconds
        while asyncio.get_running_loop().time() < deadline:
            for event in self.events:
                if predicate(event):
                    return event
            await asyncio.sleep(0.1)
        raise AssertionError(f"no such event; got {json.dumps(self.events)[-3000:]}")


def bot_cards(event: dict[str, Any]) -> list[dict[str, Any]]:
    message = event.get("message") or {}
    if (message.get("from") or {}).get("id") != BOT_ID:
        return []
    return [a["content"] for a in message.get("attachments") or []
            if a.get("contentType") == "application/vnd.microsoft.card.adaptive"]


def card_text(event: dict[str, Any]) -> str:
    return json.dumps(bot_cards(event), ensure_ascii=False)


def ui_missing() -> str | None:
    """Why the Playground's web UI cannot be driven here (None: it can)."""
    from tests.cards.test_renderer import CHROMIUM

    if missing_reason():
        return missing_reason()
    if not CHROMIUM.is_file():
        return "Chromium is not installed (Debian package chromium)"
    return None
