"""Microsoft APIs (Graph, Bot Connector) answer errors as {"error": {"code": ...}}."""

from __future__ import annotations

import aiohttp


async def error_code(response: aiohttp.ClientResponse) -> str:
    """The error code of a Microsoft API error response ('' when there is none)."""
    try:
        body = await response.json(content_type=None)
    except (ValueError, aiohttp.ClientError):
        return ""
    error = body.get("error") if isinstance(body, dict) else None
    return str(error.get("code", ""))[:64] if isinstance(error, dict) else ""
