"""A local fake Bot Connector for the delivery load (aiohttp on 127.0.0.1, in the load
generator's process): it answers the Bot Framework REST calls a bot makes while it
replies (as tests/support/fake_connector.py does) and notes when each reply arrives,
matched to the turn by the id it replies to (the URL's activity id, else the body's
replyToId, else the conversation's turn in flight)."""

from __future__ import annotations

import asyncio
import itertools
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class Pending:
    conversation: str
    messages: list[float] = field(default_factory=list)  # perf_counter of each reply
    typing: int = 0
    first: asyncio.Event = field(default_factory=asyncio.Event)


@dataclass
class Connector:
    pending: dict[str, Pending] = field(default_factory=dict)  # activity id -> its turn
    by_conversation: dict[str, str] = field(default_factory=dict)  # -> activity id
    messages: int = 0  # replies matched to a turn
    typing: int = 0
    unmatched: int = 0  # posts matched to no turn in flight
    updates: int = 0
    member_lookups: int = 0
    _ids: Any = field(default_factory=lambda: itertools.count(1))

    def expect(self, activity_id: str, conversation: str) -> Pending:
        pending = Pending(conversation)
        self.pending[activity_id] = pending
        self.by_conversation[conversation] = activity_id
        return pending

    def done(self, activity_id: str) -> None:
        pending = self.pending.pop(activity_id, None)
        if pending is not None and self.by_conversation.get(pending.conversation) == activity_id:
            del self.by_conversation[pending.conversation]

    def app(self) -> web.Application:
        app = web.Application(client_max_size=4 * 1024 * 1024)
        app.router.add_post("/v3/conversations/{conversation}/activities", self._send)
        app.router.add_post("/v3/conversations/{conversation}/activities/{activity}",
                            self._send)
        app.router.add_put("/v3/conversations/{conversation}/activities/{activity}",
                           self._update)
        app.router.add_get("/v3/conversations/{conversation}/members/{member}", self._member)
        return app

    async def _send(self, request: web.Request) -> web.Response:
        arrived = time.perf_counter()
        body = await request.json()
        conversation = request.match_info["conversation"]
        reply_to = request.match_info.get("activity") or body.get("replyToId") \
            or self.by_conversation.get(conversation)
        pending = self.pending.get(reply_to or "")
        if pending is None:
            self.unmatched += 1
        elif body.get("type") == "typing":
            pending.typing += 1
            self.typing += 1
        else:
            pending.messages.append(arrived)
            pending.first.set()
            self.messages += 1
        return web.json_response({"id": f"m-{next(self._ids)}"}, status=201)

    async def _update(self, request: web.Request) -> web.Response:
        await request.read()
        self.updates += 1
        return web.json_response({"id": request.match_info["activity"]})

    async def _member(self, request: web.Request) -> web.Response:
        self.member_lookups += 1
        return web.json_response({"error": {"code": "MemberNotFoundInConversation",
                                            "message": "not a member"}}, status=404)


async def start(connector: Connector) -> tuple[web.AppRunner, str]:
    """Serve CONNECTOR on a free loopback port; the runner and its base URL."""
    runner = web.AppRunner(connector.app(), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    return runner, f"http://127.0.0.1:{port}/"
