"""POST /api/messages: our own thin handler around CloudAdapter.

botbuilder 4.17.1's `CloudAdapter.process` answers 500 for invoke and expectReplies
responses (it serializes an already-serialized body), for a missing Content-Type and
for malformed JSON, and lets token validation errors escape as 500. This handler
validates the request, authenticates it (any failure: 401), runs the turn, and
writes the response body itself."""

from __future__ import annotations

import json
import logging
from typing import Any

from aiohttp import web
from botbuilder.core import Bot
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity

from bot.settings import Settings
from bot.web.body import read_limited

logger = logging.getLogger(__name__)

MAX_BODY = 256 * 1024


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


async def _read_body(request: web.Request) -> bytes | web.Response:
    if request.content_type != "application/json":
        return _error(415, "Content-Type must be application/json")
    raw = await read_limited(request, MAX_BODY)
    if raw is None:
        return _error(413, f"body larger than {MAX_BODY} bytes")
    return raw


def _parse_activity(raw: bytes) -> Activity | web.Response:
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: too deep
        return _error(400, "malformed JSON")
    if not isinstance(body, dict):
        return _error(400, "an activity must be a JSON object")
    try:
        activity = Activity().deserialize(body)
    except Exception:  # noqa: BLE001 - msrest raises many kinds for wrong field types
        return _error(400, "not a valid activity")
    if not isinstance(activity.type, str) or not activity.type:
        return _error(400, "activity type is required")
    if not isinstance(activity.service_url, str) or not activity.service_url:
        return _error(400, "serviceUrl is required")
    return activity


def _body(value: Any) -> Any:
    return value.serialize() if hasattr(value, "serialize") else value


def messages_handler(settings: Settings, adapter: CloudAdapter, bot: Bot) -> Any:
    auth = adapter.bot_framework_authentication

    async def messages(request: web.Request) -> web.StreamResponse:
        raw = await _read_body(request)
        if isinstance(raw, web.Response):
            return raw
        activity = _parse_activity(raw)
        if isinstance(activity, web.Response):
            return activity
        header = "" if settings.local_mode else request.headers.get("Authorization", "")
        try:
            authenticated = await auth.authenticate_request(activity, header)
        except Exception as exc:  # noqa: BLE001 - forged, expired, malformed: all 401
            logger.warning("unauthorized activity: %s", exc.__class__.__name__)
            return _error(401, "unauthorized")
        response = await adapter.process_activity(authenticated, activity, bot.on_turn)
        if response is None:
            return web.Response(status=201)
        if response.body is None:
            return web.Response(status=response.status)
        return web.json_response(_body(response.body), status=response.status)

    return messages
