"""Fixes to botbuilder 4.17.1's cache of the channel's token signing keys.

- `_OpenIdMetadata._find` raises IndexError for a key id it has not cached, so its
  "refresh when a key is unknown" branch never runs: after Microsoft rotates its keys,
  genuine Teams traffic would get 401 until the daily refresh.
- `_refresh` fetches with blocking `requests` and no timeout inside the event loop.

Here an unknown key id returns None and triggers a refresh (at most every
UNKNOWN_KEY_REFRESH_INTERVAL), and fetches run in a thread with a timeout."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from typing import Any

from botframework.connector.auth import jwt_token_extractor
from jwt.algorithms import RSAAlgorithm

from services.openid import fetch_signing_keys

logger = logging.getLogger(__name__)

KEYS_MAX_AGE = dt.timedelta(days=1)
UNKNOWN_KEY_REFRESH_INTERVAL = dt.timedelta(minutes=5)

_Metadata = jwt_token_extractor._OpenIdMetadata  # noqa: SLF001 - the class being fixed


async def _refresh(self: Any) -> None:
    self.keys = await asyncio.to_thread(fetch_signing_keys, self.url)
    self.last_updated = dt.datetime.now()
    logger.info("channel signing keys refreshed (%d keys)", len(self.keys))


def _find(self: Any, key_id: str | None) -> Any:
    for key in self.keys or []:
        if key.get("kid") == key_id:
            public_key = RSAAlgorithm.from_jwk(json.dumps(key))
            return jwt_token_extractor._OpenIdConfig(  # noqa: SLF001
                public_key, key.get("endorsements", []))
    return None


async def _get(self: Any, key_id: str | None) -> Any:
    now = dt.datetime.now()
    if self.last_updated < now - KEYS_MAX_AGE:
        await self._refresh()
    key = self._find(key_id)
    if key is None and self.last_updated < now - UNKNOWN_KEY_REFRESH_INTERVAL:
        await self._refresh()
        key = self._find(key_id)
    if key is None:
        raise PermissionError(f"unknown signing key {key_id!r}")
    return key


def install() -> None:
    """Apply the fixes (idempotent)."""
    _Metadata._refresh = _refresh  # noqa: SLF001
    _Metadata._find = _find  # noqa: SLF001
    _Metadata.get = _get
