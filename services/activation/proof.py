"""Proof of an admin consent, from Microsoft, before a tenant is onboarded.

Microsoft's consent callback (`/activate/callback?admin_consent=True&tenant=...`) is a
plain browser redirect: anyone can type it with any tenant. What only a real consent
makes possible is an app-only token for the bot's app registration in that tenant: the
app's service principal exists there once an administrator consented, and Microsoft
refuses client credentials in a tenant where it does not. So the proof is a
client-credentials request to `{login}/{tenant}/oauth2/v2.0/token` whose access token
names that tenant (`tid`) and this app (`appid` / `azp`).

The second question is whether the consenting tenant is the customer's: the tenant of
the organization's domain comes from OpenID discovery,
`{login}/{domain}/v2.0/.well-known/openid-configuration`, whose `issuer` and
`token_endpoint` carry the tenant id.

Both are two small HTTPS calls made with aiohttp, each with a timeout. A bot without an
app identity (local mode: no BOT_ID, or no client secret) cannot prove anything: every
proof fails with `no_credentials`, and no call is made."""

from __future__ import annotations

import base64
import binascii
import json
import logging
import os
import re
import ssl
import urllib.parse
from typing import Any

import aiohttp

from services.network.validate import DOMAIN_RE, GUID_RE

logger = logging.getLogger(__name__)

GRAPH_DEFAULT_SCOPE = "https://graph.microsoft.com/.default"
TENANT_IN_URL_RE = re.compile(
    r"/([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})(?:/|$)")
MAX_BODY = 64 * 1024  # a token or a discovery document is a few kilobytes


class ConsentUnproven(Exception):
    """No proof of the consent. `reason`: no_credentials (local mode, no secret),
    login_unreachable, token_refused (Microsoft said no: the app is not consented in that
    tenant), bad_token (an answer without a readable access token), tenant_mismatch
    (a token for another tenant or another app)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        self.reason = reason
        self.detail = detail
        super().__init__(f"{reason}: {detail}" if detail else reason)


def login_ssl_context() -> ssl.SSLContext:
    """The certificates the login calls trust: REQUESTS_CA_BUNDLE when set, as msal (which
    uses requests) does for the bot's other login calls, else the system's."""
    bundle = os.environ.get("REQUESTS_CA_BUNDLE") or None
    return ssl.create_default_context(cafile=bundle)


def token_claims(access_token: str) -> dict[str, Any]:
    """The payload of a JWT access token, *without checking its signature*.

    That is enough here, and the only thing possible: the token is the answer to our own
    client-credentials request, received straight from the login endpoint over TLS
    (certificate and host checked), so nobody but Microsoft could have written it; and a
    Microsoft Graph access token is not meant to be verified by anyone but Graph (its
    header carries a nonce that changes the signed bytes). It is never trusted for
    anything else, never stored and never logged."""
    parts = access_token.split(".")
    if len(parts) != 3:
        raise ConsentUnproven("bad_token", "not a JWT")
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload.encode("ascii")))
    except (ValueError, binascii.Error, UnicodeEncodeError):
        raise ConsentUnproven("bad_token", "unreadable payload") from None
    if not isinstance(claims, dict):
        raise ConsentUnproven("bad_token", "payload is not an object")
    return claims


def tenant_of(document: dict[str, Any]) -> str | None:
    """The tenant id an OpenID configuration names (its issuer, else its token endpoint)."""
    for key in ("issuer", "token_endpoint"):
        value = document.get(key)
        if isinstance(value, str):
            match = TENANT_IN_URL_RE.search(urllib.parse.urlsplit(value).path)
            if match:
                return match.group(1).lower()
    return None


class ConsentProver:
    def __init__(self, login_base_url: str, client_id: str, client_secret: str,
                 timeout_s: float = 10.0, ssl_context: ssl.SSLContext | None = None) -> None:
        self._login = login_base_url.rstrip("/")
        self._client_id = client_id
        self._secret = client_secret
        self._timeout_s = timeout_s
        self._ssl = ssl_context if ssl_context is not None else login_ssl_context()

    @property
    def can_prove(self) -> bool:
        """An app identity to prove with (never in local mode)."""
        return bool(self._client_id and self._secret)

    def _session(self, timeout_s: float | None = None) -> aiohttp.ClientSession:
        timeout = aiohttp.ClientTimeout(total=timeout_s or self._timeout_s)
        return aiohttp.ClientSession(timeout=timeout,
                                     connector=aiohttp.TCPConnector(ssl=self._ssl))

    async def prove(self, tenant: str) -> None:
        """Raise ConsentUnproven unless Microsoft gives this app a token in TENANT."""
        tenant = tenant.strip().lower()
        if not GUID_RE.match(tenant):
            raise ConsentUnproven("tenant_mismatch", "not a tenant id")
        if not self.can_prove:
            raise ConsentUnproven("no_credentials")
        form = {"client_id": self._client_id, "client_secret": self._secret,
                "scope": GRAPH_DEFAULT_SCOPE, "grant_type": "client_credentials"}
        url = f"{self._login}/{tenant}/oauth2/v2.0/token"
        try:
            async with self._session() as http, http.post(url, data=form) as response:
                body = await _json(response)
                status = response.status
        except (aiohttp.ClientError, TimeoutError, ssl.SSLError) as exc:
            raise ConsentUnproven("login_unreachable", type(exc).__name__) from None
        if status != 200:
            error = str(body.get("error") or status)[:64] if body else str(status)
            raise ConsentUnproven("token_refused", error)
        token = body.get("access_token") if body else None
        if not isinstance(token, str) or not token:
            raise ConsentUnproven("bad_token", "no access token")
        claims = token_claims(token)
        if str(claims.get("tid", "")).lower() != tenant:
            raise ConsentUnproven("tenant_mismatch", "tid")
        app = claims.get("appid") or claims.get("azp")
        if app != self._client_id:
            raise ConsentUnproven("tenant_mismatch", "appid")

    async def domain_tenant(self, domain: str | None,
                            timeout_s: float | None = None) -> str | None:
        """The tenant id of DOMAIN by OpenID discovery; None when it cannot be known (no
        domain, no such tenant, login unreachable, local mode). Never raises."""
        domain = (domain or "").strip().lower()
        if not self.can_prove or not domain or not DOMAIN_RE.match(domain):
            return None
        url = f"{self._login}/{urllib.parse.quote(domain, safe='')}" \
              "/v2.0/.well-known/openid-configuration"
        try:
            async with self._session(timeout_s) as http, http.get(url) as response:
                body = await _json(response)
                status = response.status
        except (aiohttp.ClientError, TimeoutError, ssl.SSLError) as exc:
            logger.info("tenant of %s not resolved: %s", domain, type(exc).__name__)
            return None
        if status != 200 or body is None:
            logger.info("tenant of %s not resolved: HTTP %s", domain, status)
            return None
        return tenant_of(body)


async def _json(response: aiohttp.ClientResponse) -> dict[str, Any] | None:
    raw = await response.content.read(MAX_BODY + 1)
    if len(raw) > MAX_BODY:
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
