"""Who is calling the feed: an Entra app-only token from an allowed application, or an
HMAC-SHA256 signature with the shared secret over `timestamp + "." + body`."""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable, Mapping

from services.identity import EntraTokenValidator, TokenInvalid

MAX_SKEW_S = 300  # a signed request older or newer than this is a replay (or a bad clock)


class FeedUnauthorized(Exception):
    """No acceptable credentials (the reason goes to the log, never to the caller)."""


def signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


class FeedAuth:
    def __init__(self, *, secret: str, app_ids: frozenset[str],
                 validator: EntraTokenValidator | None,
                 clock: Callable[[], float] = time.time) -> None:
        self._secret = secret
        self._app_ids = app_ids
        self._validator = validator
        self._clock = clock

    @property
    def enabled(self) -> bool:
        return bool(self._secret) or bool(self._app_ids and self._validator)

    async def caller(self, headers: Mapping[str, str], body: bytes) -> str:
        """`app:<id>` or `hmac`; FeedUnauthorized otherwise."""
        authorization = headers.get("Authorization", "")
        if authorization.lower().startswith("bearer "):
            return await self._entra(authorization[7:].strip())
        if "X-Feed-Signature" in headers:
            return self._hmac(headers, body)
        raise FeedUnauthorized("no credentials")

    async def _entra(self, token: str) -> str:
        if not self._app_ids or self._validator is None:
            raise FeedUnauthorized("Entra callers are not configured")
        try:
            app_id = await self._validator.application(token)
        except TokenInvalid as exc:
            raise FeedUnauthorized(f"token refused: {exc}") from None
        if app_id not in self._app_ids:
            raise FeedUnauthorized(f"application {app_id} is not allowed")
        return f"app:{app_id}"

    def _hmac(self, headers: Mapping[str, str], body: bytes) -> str:
        if not self._secret:
            raise FeedUnauthorized("signed callers are not configured")
        stamp = headers.get("X-Feed-Timestamp", "")
        if not stamp.isdigit() or len(stamp) > 12:
            raise FeedUnauthorized("bad timestamp")
        if abs(self._clock() - int(stamp)) > MAX_SKEW_S:
            raise FeedUnauthorized("timestamp outside 5 minutes (replay?)")
        expected = signature(self._secret, stamp, body)
        if not hmac.compare_digest(expected.encode(), headers["X-Feed-Signature"].encode()):
            raise FeedUnauthorized("bad signature")
        return "hmac"
