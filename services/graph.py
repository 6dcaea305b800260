"""A small Microsoft Graph client (users lookup), on a configurable base URL."""

from __future__ import annotations

import logging
import urllib.parse
from dataclasses import dataclass

import aiohttp

logger = logging.getLogger(__name__)


class GraphError(Exception):
    """Graph answered with an error (the status; never the token)."""


@dataclass(frozen=True)
class GraphUser:
    id: str
    display_name: str
    user_principal_name: str | None


class GraphClient:
    def __init__(self, base_url: str = "https://graph.microsoft.com",
                 timeout_s: float = 10.0) -> None:
        self._base = base_url.rstrip("/")
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)

    async def user(self, token: str, email: str) -> GraphUser | None:
        """The directory user with this e-mail / UPN, or None if there is none."""
        url = (f"{self._base}/v1.0/users/{urllib.parse.quote(email)}"
               "?$select=id,displayName,userPrincipalName")
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        async with aiohttp.ClientSession(timeout=self._timeout) as session, \
                session.get(url, headers=headers) as response:
            if response.status == 404:
                return None
            if response.status != 200:
                raise GraphError(f"Graph users lookup answered {response.status}")
            body = await response.json()
        return GraphUser(str(body["id"]), str(body.get("displayName") or email),
                         body.get("userPrincipalName"))
