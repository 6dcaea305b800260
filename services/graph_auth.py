"""Microsoft Graph tokens on behalf of the signed-in operator (msal OBO).

A later feature (e.g. looking up a user when an admin adds an operator) passes the
operator's SSO token as the assertion; msal exchanges it for a Graph token. Each user has
their own in-memory msal token cache in this process: tokens never reach the database
or the logs."""

from __future__ import annotations

import asyncio
import threading
from collections import OrderedDict
from typing import Any

import msal

GRAPH_SCOPES = ("https://graph.microsoft.com/.default",)
MAX_USERS = 2000


class GraphAuthError(Exception):
    """The on-behalf-of exchange failed; `code` is Entra's error code (no token inside)."""

    def __init__(self, code: str, description: str = "") -> None:
        self.code = code
        super().__init__(f"{code}: {description[:200]}")


class GraphTokenProvider:
    def __init__(self, client_id: str, client_secret: str, tenant: str,
                 login_base_url: str = "https://login.microsoftonline.com",
                 http_client: Any = None, scopes: tuple[str, ...] = GRAPH_SCOPES) -> None:
        self._client_id = client_id
        self._secret = client_secret
        self._authority = f"{login_base_url.rstrip('/')}/{tenant or 'organizations'}"
        self._http = http_client
        self._scopes = list(scopes)
        self._apps: OrderedDict[str, msal.ConfidentialClientApplication] = OrderedDict()
        self._lock = threading.Lock()

    def _app_for(self, user_key: str) -> msal.ConfidentialClientApplication:
        """One msal application (and token cache) per user, least recently used dropped."""
        with self._lock:
            app = self._apps.pop(user_key, None)
            if app is None:
                kwargs: dict[str, Any] = {"instance_discovery": False}
                if self._http is not None:
                    kwargs["http_client"] = self._http
                app = msal.ConfidentialClientApplication(
                    self._client_id, client_credential=self._secret, authority=self._authority,
                    token_cache=msal.SerializableTokenCache(), **kwargs)
            self._apps[user_key] = app
            while len(self._apps) > MAX_USERS:
                self._apps.popitem(last=False)
            return app

    def _exchange(self, user_assertion: str, user_key: str) -> str:
        app = self._app_for(user_key)
        accounts = app.get_accounts()  # this user's own cache (msal's OBO never reads it)
        result = app.acquire_token_silent(self._scopes, account=accounts[0]) if accounts \
            else None
        if not result:
            result = app.acquire_token_on_behalf_of(user_assertion, self._scopes)
        if not isinstance(result, dict) or "access_token" not in result:
            result = result if isinstance(result, dict) else {}
            raise GraphAuthError(str(result.get("error", "unknown_error")),
                                 str(result.get("error_description", "")))
        return str(result["access_token"])

    async def on_behalf_of(self, user_assertion: str, user_key: str) -> str:
        """A Graph access token for the user whose SSO token is USER_ASSERTION."""
        return await asyncio.to_thread(self._exchange, user_assertion, user_key)

    def forget(self, user_key: str) -> None:
        """Drop a user's cached tokens (sign-out)."""
        with self._lock:
            self._apps.pop(user_key, None)
