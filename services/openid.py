"""OpenID Connect metadata: the signing keys an issuer publishes (blocking; callers run it
in a thread)."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

FETCH_TIMEOUT_S = 10.0


def _get_json(url: str, timeout: float) -> Any:
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310
        return json.loads(response.read())


def fetch_signing_keys(metadata_url: str, timeout: float = FETCH_TIMEOUT_S) -> list[dict[str, Any]]:
    """The JWKs behind METADATA_URL's `jwks_uri`."""
    metadata = _get_json(metadata_url, timeout)
    return list(_get_json(metadata["jwks_uri"], timeout).get("keys", []))
