"""A small real Bot Connector stand-in (aiohttp on 127.0.0.1): records every activity the
bot sends or updates, answers like the Bot Framework REST API, and can be told to fail."""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class Sent:
    method: str  # POST (send / reply) or PUT (update)
    conversation_id: str
    activity: dict[str, Any]
    activity_id: str | None = None  # the message replied to or updated
    authorization: str | None = None

    @property
    def cards(self) -> list[dict[str, Any]]:
        return [a["content"] for a in self.activity.get("attachments") or []
                if a.get("contentType") == "application/vnd.microsoft.card.adaptive"]

    @property
    def text(self) -> str:
        """The activity's text and its cards' JSON, to search in."""
        import json

        return (self.activity.get("text") or "") + json.dumps(self.cards, ensure_ascii=False)


@dataclass
class FakeConnector:
    sent: list[Sent] = field(default_factory=list)
    # answers to give, in order, before answering normally: a status (429, 500) or a
    # (status, error code) pair such as (403, "BotNotInConversationRoster")
    failures: list[int | tuple[int, str]] = field(default_factory=list)
    # conversation id -> an answer given to every post there
    broken: dict[str, tuple[int, str]] = field(default_factory=dict)
    retry_after: str | None = None
    refused: list[tuple[str, int]] = field(default_factory=list)  # (conversation, status)
    delay_s: float = 0  # seconds before answering a post (a slow or hung connector)
    # The roster: Teams user id -> its member record (`GET .../members/{id}`)
    members: dict[str, dict[str, Any]] = field(default_factory=dict)
    member_requests: list[str] = field(default_factory=list)
    typing: list[str] = field(default_factory=list)  # conversations shown "typing…"
    _ids: Any = field(default_factory=lambda: itertools.count(1))

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/v3/conversations/{conversation}/activities", self._send)
        app.router.add_post("/v3/conversations/{conversation}/activities/{activity}",
                            self._send)
        app.router.add_put("/v3/conversations/{conversation}/activities/{activity}",
                           self._update)
        app.router.add_get("/v3/conversations/{conversation}/members/{member}", self._member)
        return app

    async def _member(self, request: web.Request) -> web.Response:
        member = request.match_info["member"]
        self.member_requests.append(member)
        if member not in self.members:
            return web.json_response({"error": {"code": "MemberNotFoundInConversation",
                                                "message": "not a member"}}, status=404)
        return web.json_response(self.members[member])

    def _failure(self, conversation: str) -> web.Response | None:
        if conversation in self.broken:
            status, code = self.broken[conversation]
        elif self.failures:
            failure = self.failures.pop(0)
            status, code = failure if isinstance(failure, tuple) else (failure, "Failure")
        else:
            return None
        self.refused.append((conversation, status))
        headers = {"Retry-After": self.retry_after} if self.retry_after and status == 429 \
            else None
        return web.json_response({"error": {"code": code, "message": "fake failure"}},
                                 status=status, headers=headers)

    async def _send(self, request: web.Request) -> web.Response:
        activity = await request.json()
        if activity.get("type") == "typing":  # the typing indicator of a slow turn:
            self.typing.append(request.match_info["conversation"])  # kept apart, and
            return web.json_response({}, status=200)  # never given a scripted failure
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        failure = self._failure(request.match_info["conversation"])
        if failure is not None:
            return failure
        self.sent.append(Sent("POST", request.match_info["conversation"], activity,
                              request.match_info.get("activity"),
                              request.headers.get("Authorization")))
        return web.json_response({"id": f"m-{next(self._ids)}"}, status=201)

    async def _update(self, request: web.Request) -> web.Response:
        failure = self._failure(request.match_info["conversation"])
        if failure is not None:
            return failure
        self.sent.append(Sent("PUT", request.match_info["conversation"], await request.json(),
                              request.match_info["activity"],
                              request.headers.get("Authorization")))
        return web.json_response({"id": request.match_info["activity"]})

    def in_conversation(self, conversation_id: str) -> list[Sent]:
        return [s for s in self.sent if s.conversation_id == conversation_id]
