"""Microsoft Graph tokens on behalf of the signed-in operator (msal OBO).

A later feature (e.g. looking up a user when an admin adds an operator) passes the
operator's SSO token as the assertion; msal exchanges it for a Graph token. Each user has
their own in-memory msal token cache in this process: tokens never reach the database
or the logs."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

import msal

from services.msal_client import DEFAULT_TIMEOUT_S, LoginUnavailable, MsalClient

GRAPH_SCOPES = ("https://graph.microsoft.com/.default",)
MAX_USERS = 2000


class GraphAuthError(Exception):
    """The on-behalf-of exchange failed; `code` is Entra's error code, or
    login_timeout / login_unreachable when the login endpoint did not answer (no token
    inside)."""

    def __init__(self, code: str, description: str = "") -> None:
        self.code = code
        super().__init__(f"{code}: {description[:200]}")


class GraphTokenProvider:
    def __init__(self, client_id: str, client_secret: str, tenant: str,
                 login_base_url: str = "https://login.microsoftonline.com",
                 http_client: Any = None, scopes: tuple[str, ...] = GRAPH_SCOPES, *,
                 timeout_s: float = DEFAULT_TIMEOUT_S) -> None:
        self._client_id = client_id
        self._secret = client_secret
        self._tenant = tenant or "organizations"
        self._msal = MsalClient(login_base_url, timeout_s, http_client)
        self._scopes = list(scopes)
        self._apps: OrderedDict[str, msal.ConfidentialClientApplication] = OrderedDict()
        self._lock = threading.Lock()

    def _app_for(self, user_key: str) -> msal.ConfidentialClientApplication:
        """One msal application (and token cache) per user, least recently used dropped.
        A new one is built outside the lock (msal reads the authority's metadata then), so
        a slow login endpoint never holds other users' threads."""
        with self._lock:
            app = self._apps.get(user_key)
            if app is not None:
                self._apps.move_to_end(user_key)
                return app
        built = self._msal.confidential(self._client_id, self._secret, self._tenant,
                                        token_cache=msal.SerializableTokenCache())
        with self._lock:
            app = self._apps.setdefault(user_key, built)
            self._apps.move_to_end(user_key)
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
        try:
            return await self._msal.run(self._exchange, user_assertion, user_key)
        except LoginUnavailable as exc:
            code = "login_timeout" if exc.reason == "timeout" else "login_unreachable"
            raise GraphAuthError(code, str(exc)) from None

    def forget(self, user_key: str) -> None:
        """Drop a user's cached tokens (sign-out)."""
        with self._lock:
            self._apps.pop(user_key, None)
