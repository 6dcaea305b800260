"""Who is calling the feed: an Entra app-only token from an allowed application, or an
HMAC-SHA256 signature with the shared secret over `timestamp + "." + body`.

Least privilege for tokens: an app-only token (`idtyp` "app", or no `scp`: never a
user's delegated token), from a tenant in FEED_ALLOWED_TENANTS (none when empty), from
an app in FEED_ALLOWED_APP_IDS, carrying the app role FEED_APP_ROLE in `roles`.

Authentication reads no more than it needs: `precheck` looks at the headers only (a
token is validated completely there, so a bearer request is authenticated before its
body is read); a signed request's timestamp and signature header are checked for form
and window before the body is read, and `verify` then checks the signature over the body
and that it was not used before (SignatureLedger, shared by every instance)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from services.feed.replay import SignatureLedger
from services.identity import EntraTokenValidator, TokenInvalid

MAX_SKEW_S = 300  # a signed request older or newer than this is a replay (or a bad clock)
_STAMP = re.compile(r"[0-9]{1,12}")  # ASCII digits only ("²".isdigit() is True)
_SIGNATURE = re.compile(r"sha256=[0-9a-f]{64}")


class FeedUnauthorized(Exception):
    """No acceptable credentials (the reason goes to the log, never to the caller): 401."""

    status = 401


class FeedForbidden(FeedUnauthorized):
    """Valid credentials of CALLER that do not grant the feed (a delegated token, another
    tenant, no app role): 403, audited under the caller's name."""

    status = 403

    def __init__(self, caller: str, reason: str) -> None:
        self.caller = caller
        super().__init__(reason)


def signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


@dataclass(frozen=True)
class AppClaims:
    app_id: str
    tenant: str
    app_only: bool
    roles: frozenset[str]


class FeedTokenValidator(EntraTokenValidator):
    """The claims the feed decides on, from a token the Entra validator accepts."""

    async def app_claims(self, token: str) -> AppClaims:
        claims: dict[str, Any] = await self._claims(token)
        app_id = claims.get("azp") or claims.get("appid")
        if not isinstance(app_id, str) or not app_id:
            raise TokenInvalid("missing azp/appid")
        idtyp = claims.get("idtyp")
        # An app-only token says idtyp "app" (when the optional claim is on); a delegated
        # one always carries `scp`. Anything naming another identity type is a user's.
        app_only = idtyp == "app" or (idtyp is None and "scp" not in claims)
        roles = claims.get("roles")
        granted = frozenset(r for r in roles if isinstance(r, str)) \
            if isinstance(roles, list) else frozenset()
        return AppClaims(app_id.lower(), str(claims["tid"]).lower(), app_only, granted)


@dataclass(frozen=True)
class Credentials:
    """What the headers prove before the body is read: an authenticated token caller, or
    a signed request whose timestamp and signature are well formed and in the window."""

    caller: str | None = None
    stamp: str = ""
    signature: str = ""


class FeedAuth:
    def __init__(self, *, secret: str, app_ids: frozenset[str],
                 validator: FeedTokenValidator | None, ledger: SignatureLedger | None,
                 tenants: frozenset[str] = frozenset(), role: str = "Feed.ReadWrite",
                 clock: Callable[[], float] = time.time) -> None:
        self._secret = secret
        self._app_ids = app_ids
        self._validator = validator
        self._ledger = ledger
        self._tenants = tenants
        self._role = role
        self._clock = clock

    @property
    def enabled(self) -> bool:
        return bool(self._secret and self._ledger) or bool(self._app_ids and self._validator)

    async def precheck(self, headers: Mapping[str, str]) -> Credentials:
        """Everything the headers alone can decide; FeedUnauthorized/FeedForbidden."""
        authorization = headers.get("Authorization", "")
        if authorization.lower().startswith("bearer "):
            return Credentials(caller=await self._entra(authorization[7:].strip()))
        if "X-Feed-Signature" in headers:
            return self._signed_headers(headers)
        raise FeedUnauthorized("no credentials")

    async def verify(self, credentials: Credentials, body: bytes) -> str:
        """`app:<id>` or `hmac`, once the body is read; FeedUnauthorized otherwise."""
        if credentials.caller is not None:
            return credentials.caller
        expected = signature(self._secret, credentials.stamp, body)
        if not hmac.compare_digest(expected.encode(), credentials.signature.encode()):
            raise FeedUnauthorized("bad signature")
        if self._ledger is None:
            raise FeedUnauthorized("signed callers are not configured")
        now = dt.datetime.fromtimestamp(self._clock(), dt.UTC)
        if not await self._ledger.first_use(credentials.signature, now):
            raise FeedUnauthorized("signature already used (replay)")
        return "hmac"

    async def _entra(self, token: str) -> str:
        if not self._app_ids or self._validator is None:
            raise FeedUnauthorized("Entra callers are not configured")
        try:
            claims = await self._validator.app_claims(token)
        except TokenInvalid as exc:
            raise FeedUnauthorized(f"token refused: {exc}") from None
        if claims.app_id not in self._app_ids:
            raise FeedUnauthorized(f"application {claims.app_id} is not allowed")
        caller = f"app:{claims.app_id}"
        if not claims.app_only:
            raise FeedForbidden(caller, "a delegated (user) token, not an app-only token")
        if claims.tenant not in self._tenants:
            raise FeedForbidden(caller, f"tenant {claims.tenant} is not in FEED_ALLOWED_TENANTS")
        if self._role not in claims.roles:
            raise FeedForbidden(caller, f"the token lacks the app role {self._role}")
        return caller

    def _signed_headers(self, headers: Mapping[str, str]) -> Credentials:
        if not self._secret or self._ledger is None:
            raise FeedUnauthorized("signed callers are not configured")
        stamp = headers.get("X-Feed-Timestamp", "")
        if not _STAMP.fullmatch(stamp):
            raise FeedUnauthorized("bad timestamp")
        if abs(self._clock() - int(stamp)) > MAX_SKEW_S:
            raise FeedUnauthorized("timestamp outside 5 minutes (replay?)")
        given = headers["X-Feed-Signature"]
        if not _SIGNATURE.fullmatch(given):
            raise FeedUnauthorized("malformed signature header")
        return Credentials(stamp=stamp, signature=given)
