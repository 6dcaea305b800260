"""A small real Microsoft Graph stand-in (aiohttp): POST /v1.0/users/{sender}/sendMail
records the message and answers 202, or the status it is told to answer. Serve it with
pytest-aiohttp: `server = await aiohttp_server(graph.app())`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class FakeGraph:
    sent: list[tuple[str, dict[str, Any], str]] = field(default_factory=list)  # sender, body, auth
    attempts: int = 0  # sendMail requests, answered or refused
    status: int = 202  # what sendMail answers; anything else comes with an error body
    error_code: str = "ErrorAccessDenied"
    retry_after: int = 7  # the Retry-After header of a 429

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/v1.0/users/{sender}/sendMail", self._send_mail)
        return app

    async def _send_mail(self, request: web.Request) -> web.Response:
        self.attempts += 1
        auth = request.headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or len(auth) <= len("Bearer "):
            return web.json_response({"error": {"code": "InvalidAuthenticationToken",
                                                "message": "Access token is empty."}},
                                     status=401)
        if self.status != 202:
            headers = {"Retry-After": str(self.retry_after)} if self.status == 429 else None
            return web.json_response({"error": {"code": self.error_code,
                                                "message": "fake Graph error"}},
                                     status=self.status, headers=headers)
        self.sent.append((request.match_info["sender"], await request.json(), auth))
        return web.Response(status=202)
