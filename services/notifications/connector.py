"""A small Bot Connector client for proactive messages (the outbox sender): POST
{serviceUrl}/v3/conversations/{id}/activities with the bot's app-only token.

The outbox needs every status as it is (429 with Retry-After, 403 with its error code,
404, 5xx) to decide between retrying, deactivating and dead-lettering, so this client
does no retries of its own."""

from __future__ import annotations

import asyncio
import threading
import urllib.parse
from dataclasses import dataclass
from typing import Any

import aiohttp
import msal

from services.http_errors import error_code

BOT_FRAMEWORK_SCOPE = ["https://api.botframework.com/.default"]


class ConnectorError(Exception):
    def __init__(self, status: int, code: str = "", retry_after: float | None = None) -> None:
        self.status = status
        self.code = code
        self.retry_after = retry_after
        super().__init__(f"{status} {code}".strip())


@dataclass(frozen=True)
class BotCredentials:
    app_id: str = ""  # empty: local mode, no token (Agents Playground, tests)
    password: str = ""
    tenant_id: str = ""  # SingleTenant bots get tokens from their own tenant
    login_base_url: str = "https://login.microsoftonline.com"


class ConnectorClient:
    def __init__(self, credentials: BotCredentials, timeout_s: float = 15.0,
                 http_client: Any = None) -> None:
        self._credentials = credentials
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._session: aiohttp.ClientSession | None = None
        self._http = http_client
        self._app: msal.ConfidentialClientApplication | None = None
        self._lock = threading.Lock()

    def _token(self) -> str:
        creds = self._credentials
        with self._lock:
            if self._app is None:
                kwargs: dict[str, Any] = {"instance_discovery": False}
                if self._http is not None:
                    kwargs["http_client"] = self._http
                authority = f"{creds.login_base_url.rstrip('/')}/" \
                            f"{creds.tenant_id or 'botframework.com'}"
                self._app = msal.ConfidentialClientApplication(
                    creds.app_id, client_credential=creds.password, authority=authority,
                    **kwargs)
            app = self._app
        result = app.acquire_token_for_client(BOT_FRAMEWORK_SCOPE)
        if not isinstance(result, dict) or "access_token" not in result:
            raise ConnectorError(401, "token:" + str((result or {}).get("error", "unknown")))
        return str(result["access_token"])

    async def send(self, service_url: str, conversation_id: str,
                   activity: dict[str, Any]) -> str | None:
        """Post ACTIVITY to the conversation; the new message's id."""
        headers = {"Content-Type": "application/json"}
        if self._credentials.app_id:
            headers["Authorization"] = f"Bearer {await asyncio.to_thread(self._token)}"
        url = (f"{service_url.rstrip('/')}/v3/conversations/"
               f"{urllib.parse.quote(conversation_id, safe='')}/activities")
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        try:
            async with self._session.post(url, json=activity, headers=headers) as response:
                if response.status in (200, 201, 202):
                    body = await response.json(content_type=None)
                    return str(body.get("id")) if isinstance(body, dict) and \
                        body.get("id") else None
                raise ConnectorError(response.status, await error_code(response),
                                     _retry_after(response.headers.get("Retry-After")))
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise ConnectorError(0, type(exc).__name__) from None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()




def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None  # an HTTP date: fall back to our own backoff
