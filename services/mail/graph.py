"""MAIL_TRANSPORT=graph: Microsoft Graph `sendMail` from the mailbox MAIL_SENDER, with an
app-only token (msal client credentials for the bot's app registration; the app needs
the Graph application permission Mail.Send). msal keeps the token until it expires."""

from __future__ import annotations

import asyncio
import threading
import urllib.parse
from typing import Any

import aiohttp
import msal

from services.http_errors import error_code
from services.mail import MailConfig, MailError, MailMessage

GRAPH_SCOPES = ["https://graph.microsoft.com/.default"]


class GraphMailer:
    def __init__(self, config: MailConfig, http_client: Any = None) -> None:
        self.sender = config.sender
        self._config = config
        self._http = http_client
        self._app: msal.ConfidentialClientApplication | None = None
        self._lock = threading.Lock()

    def _token(self) -> str:
        with self._lock:
            if self._app is None:
                kwargs: dict[str, Any] = {"instance_discovery": False}
                if self._http is not None:
                    kwargs["http_client"] = self._http
                self._app = msal.ConfidentialClientApplication(
                    self._config.client_id, client_credential=self._config.client_secret,
                    authority=f"{self._config.login_base_url.rstrip('/')}/"
                              f"{self._config.tenant_id}", **kwargs)
            app = self._app
        result = app.acquire_token_for_client(GRAPH_SCOPES)
        if not isinstance(result, dict) or "access_token" not in result:
            error = str(result.get("error", "unknown_error")) if isinstance(result, dict) \
                else "unknown_error"
            raise MailError("graph_token", error)
        return str(result["access_token"])

    async def send(self, message: MailMessage) -> None:
        try:
            token = await asyncio.to_thread(self._token)
        except MailError:
            raise
        except Exception as exc:  # noqa: BLE001 - msal's network errors: say which kind
            raise MailError("graph_token", type(exc).__name__) from None
        url = (f"{self._config.graph_base_url.rstrip('/')}/v1.0/users/"
               f"{urllib.parse.quote(self.sender)}/sendMail")
        body = {"message": {
            "subject": message.subject,
            "body": {"contentType": "HTML", "content": message.html},
            "toRecipients": [{"emailAddress": {"address": message.to}}],
        }, "saveToSentItems": False}
        headers = {"Authorization": f"Bearer {token}"}
        timeout = aiohttp.ClientTimeout(total=self._config.timeout_s)
        try:
            async with aiohttp.ClientSession(timeout=timeout) as session, \
                    session.post(url, json=body, headers=headers) as response:
                if response.status in (200, 202):
                    return
                code = await error_code(response)
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise MailError("graph_unreachable", type(exc).__name__) from None
        if response.status == 429:
            raise MailError("graph_throttled", code)
        if response.status >= 500:
            raise MailError("graph_error", f"{response.status} {code}")
        raise MailError("graph_rejected", f"{response.status} {code}")

