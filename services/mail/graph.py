"""MAIL_TRANSPORT=graph: Microsoft Graph `sendMail` from the mailbox MAIL_SENDER, with an
app-only token (msal client credentials for the bot's app registration; the app needs
the Graph application permission Mail.Send). msal keeps the token until it expires; its
calls are bounded by the mail timeout (services/msal_client.py)."""

from __future__ import annotations

import threading
import urllib.parse
from typing import Any

import aiohttp
import msal

from services.http_errors import error_code
from services.mail.base import MailConfig, MailError, MailMessage
from services.msal_client import LoginUnavailable, MsalClient

GRAPH_SCOPES = ["https://graph.microsoft.com/.default"]


class GraphMailer:
    def __init__(self, config: MailConfig, http_client: Any = None) -> None:
        self.sender = config.sender
        self._config = config
        self._msal_client = MsalClient(config.login_base_url, config.timeout_s, http_client)
        self._app: msal.ConfidentialClientApplication | None = None
        self._lock = threading.Lock()

    def _msal(self) -> msal.ConfidentialClientApplication:
        """One msal app per mailer, built on first use (msal reads the authority's
        metadata then, outside the lock), so that its cache keeps the token until it
        expires."""
        if self._app is None:
            config = self._config
            built = self._msal_client.confidential(config.client_id, config.client_secret,
                                                   config.tenant_id)
            with self._lock:
                if self._app is None:
                    self._app = built
        return self._app

    def _token(self) -> str:
        result = self._msal().acquire_token_for_client(GRAPH_SCOPES)
        if isinstance(result, dict) and result.get("access_token"):
            return str(result["access_token"])
        result = result if isinstance(result, dict) else {}
        aadsts = " ".join(f"AADSTS{code}" for code in result.get("error_codes") or [])
        raise MailError("graph_token",
                        f"{result.get('error', 'no access token')} {aadsts}".strip())

    async def send(self, message: MailMessage) -> None:
        try:
            token = await self._msal_client.run(self._token)
        except MailError:
            raise
        except LoginUnavailable as exc:
            raise MailError("graph_unreachable", f"login: {exc.reason}") from None
        except Exception as exc:  # noqa: BLE001 - e.g. msal's ValueError on a bad authority
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
                status = response.status
                if 200 <= status < 300:  # 202 Accepted
                    return
                code = await error_code(response)
                retry_after = response.headers.get("Retry-After", "")
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise MailError("graph_unreachable", type(exc).__name__) from None
        if status == 429:
            raise MailError("graph_throttled",
                            f"retry after {retry_after}s" if retry_after else code)
        if status >= 500:
            raise MailError("graph_error", f"{status} {code}".strip())
        raise MailError("graph_rejected", f"{status} {code}".strip())
