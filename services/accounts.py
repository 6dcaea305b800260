"""Is this e-mail a Microsoft 365 work or school account? Syntax first, then msal's user
realm discovery: a managed or federated namespace is work or school; a consumer
Microsoft account (MSA) or an unknown namespace is not."""

from __future__ import annotations

import asyncio
import logging
import urllib.parse
from typing import Any

import msal.authority
import requests

from services.network.validate import EMAIL_RE

logger = logging.getLogger(__name__)

WORK_OR_SCHOOL = "work_or_school"
CONSUMER = "consumer"
UNKNOWN_DOMAIN = "unknown_domain"
INVALID = "invalid"
UNAVAILABLE = "unavailable"  # the discovery service could not be reached


class _PortedSession(requests.Session):
    """msal builds the user realm URL from the authority's host name and drops its port;
    this puts a non-default port (a proxy, a local stand-in) back."""

    def __init__(self, host: str, netloc: str) -> None:
        super().__init__()
        self._bare, self._netloc = f"https://{host}/", f"https://{netloc}/"

    def request(self, method: str, url: str,  # type: ignore[override]
                *args: Any, **kwargs: Any) -> requests.Response:
        if url.startswith(self._bare):
            url = self._netloc + url[len(self._bare):]
        return super().request(method, url, *args, **kwargs)


class AccountVerifier:
    def __init__(self, login_base_url: str = "https://login.microsoftonline.com",
                 http_client: Any = None) -> None:
        self._authority_url = f"{login_base_url.rstrip('/')}/common"
        parsed = urllib.parse.urlsplit(login_base_url)
        if http_client is None and parsed.port and parsed.hostname:
            http_client = _PortedSession(parsed.hostname, parsed.netloc)
        self._http = http_client or requests.Session()
        self._authority: Any = None

    def _discover(self, email: str) -> dict[str, Any]:
        if self._authority is None:
            self._authority = msal.authority.Authority(
                self._authority_url, self._http, instance_discovery=False)
        result = self._authority.user_realm_discovery(email)
        return result if isinstance(result, dict) else {}

    async def check(self, email: str) -> str:
        email = email.strip().lower()
        if not EMAIL_RE.match(email) or len(email) > 320:
            return INVALID
        try:
            realm = await asyncio.to_thread(self._discover, email)
        except Exception as exc:  # noqa: BLE001 - network or service failure: say so
            logger.warning("user realm discovery failed: %s", exc.__class__.__name__)
            return UNAVAILABLE
        account_type = str(realm.get("account_type", "")).lower()
        if account_type in {"managed", "federated"}:
            return WORK_OR_SCHOOL
        if account_type == "msa":
            return CONSUMER
        return UNKNOWN_DOMAIN
