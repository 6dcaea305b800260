"""A small Bot Connector client for proactive messages (the outbox sender): POST
{serviceUrl}/v3/conversations/{id}/activities with the bot's app-only token.

The outbox needs every status as it is (429 with Retry-After, 403 with its error code,
404, 5xx) to decide between retrying, deactivating and dead-lettering, so this client
does no retries of its own. The bot's token comes from msal within the same timeout
(services/msal_client.py); a login endpoint that does not answer is status 0, retried."""

from __future__ import annotations

import threading
import urllib.parse
from dataclasses import dataclass
from typing import Any

import aiohttp
import msal

from services.http_errors import error_code
from services.msal_client import LoginUnavailable, MsalClient

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
                 http_client: Any = None, *, login_timeout_s: float | None = None) -> None:
        self._credentials = credentials
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._session: aiohttp.ClientSession | None = None
        self._msal = MsalClient(credentials.login_base_url, login_timeout_s or timeout_s,
                                http_client)
        self._app: msal.ConfidentialClientApplication | None = None
        self._lock = threading.Lock()

    def _token(self) -> str:
        creds = self._credentials
        app = self._app
        if app is None:  # built outside the lock: msal reads the authority's metadata
            built = self._msal.confidential(creds.app_id, creds.password,
                                            creds.tenant_id or "botframework.com")
            with self._lock:
                app = self._app = self._app or built
        result = app.acquire_token_for_client(BOT_FRAMEWORK_SCOPE)
        if not isinstance(result, dict) or "access_token" not in result:
            raise ConnectorError(401, "token:" + str((result or {}).get("error", "unknown")))
        return str(result["access_token"])

    async def send(self, service_url: str, conversation_id: str,
                   activity: dict[str, Any]) -> str | None:
        """Post ACTIVITY to the conversation; the new message's id."""
        headers = {"Content-Type": "application/json"}
        if self._credentials.app_id:
            try:
                token = await self._msal.run(self._token)
            except LoginUnavailable as exc:
                code = "login_timeout" if exc.reason == "timeout" else "login_unreachable"
                raise ConnectorError(0, f"token:{code}") from None
            headers["Authorization"] = f"Bearer {token}"
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
        self._msal.close()




def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None  # an HTTP date: fall back to our own backoff
