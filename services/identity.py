"""Teams SSO identity: from a Microsoft Entra access token to an active operator.

The token (from the bot's OAuth connection, audience the bot's own API) is validated
against Entra's published keys; its immutable `oid` and `tid` then name the operator.
Only the first sign-in of an operator added by e-mail uses the (mutable)
`preferred_username`, and only when the token's tenant is the operator's organization's
tenant (an organization without a tenant cannot bind: fail closed); it binds the object
id and tenant for good. A token with the same e-mail but another object id later is
refused and audited. Tokens are never stored or logged; a signed-in operator is
remembered in memory for a short time."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from dataclasses import dataclass
from typing import Any

import jwt
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.db.models import AuditEvent, Operator, OperatorStatus, Organization
from services.openid import fetch_signing_keys
from services.scope import Scope, ScopeService

logger = logging.getLogger(__name__)

KEYS_MAX_AGE_S = 24 * 3600


class TokenInvalid(Exception):
    """The SSO token does not validate (signature, audience, issuer, expiry, claims)."""


class SignInRefused(Exception):  # noqa: N818 - a domain outcome
    """A valid token that does not make its holder an active operator. `reason`:
    not_operator, pending, removed, oid_mismatch, tenant_mismatch, bound_elsewhere."""

    def __init__(self, reason: str, *, operator: Operator | None = None) -> None:
        self.reason = reason
        # The operator the token named, when known: the refusal is audited against it.
        self.operator_email = operator.email if operator is not None else None
        self.organization_id = operator.organization_id if operator is not None else None
        super().__init__(reason)


@dataclass(frozen=True)
class SsoClaims:
    oid: str
    tid: str
    username: str
    name: str | None


class EntraTokenValidator:
    """Validates Entra ID access tokens issued for the bot's API (RS256 only)."""

    def __init__(self, metadata_url: str, audiences: list[str]) -> None:
        self._metadata_url = metadata_url
        self._audiences = audiences
        self._keys: dict[str, Any] = {}
        self._fetched = 0.0
        self._lock = asyncio.Lock()

    async def _refresh(self) -> None:
        keys = await asyncio.to_thread(fetch_signing_keys, self._metadata_url)
        self._keys = {k["kid"]: jwt.PyJWK(k).key for k in keys
                      if k.get("kid") and k.get("kty") == "RSA"}
        self._fetched = time.monotonic()

    async def _key(self, kid: str) -> Any:
        async with self._lock:
            stale = time.monotonic() - self._fetched > KEYS_MAX_AGE_S
            if stale or (kid not in self._keys and time.monotonic() - self._fetched > 300):
                await self._refresh()
        if kid not in self._keys:
            raise TokenInvalid("unknown signing key")
        return self._keys[kid]

    async def _claims(self, token: str) -> dict[str, Any]:
        """Signature, audience, lifetime, and an issuer of the token's own tenant."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise TokenInvalid("malformed token") from exc
        if header.get("alg") != "RS256" or not header.get("kid"):
            raise TokenInvalid("unexpected signing algorithm")
        key = await self._key(str(header["kid"]))
        try:
            claims: dict[str, Any] = jwt.decode(
                token, key, algorithms=["RS256"], audience=self._audiences,
                options={"require": ["exp", "iat", "iss", "aud"]})
        except jwt.PyJWTError as exc:
            raise TokenInvalid(exc.__class__.__name__) from exc
        tid = claims.get("tid")
        if not isinstance(tid, str) or not tid:
            raise TokenInvalid("missing tid")
        issuers = {f"https://login.microsoftonline.com/{tid}/v2.0", f"https://sts.windows.net/{tid}/"}
        if claims.get("iss") not in issuers:
            raise TokenInvalid("issuer does not match the token's tenant")
        return claims

    async def validate(self, token: str) -> SsoClaims:
        claims = await self._claims(token)
        oid, tid = claims.get("oid"), claims.get("tid")
        username = claims.get("preferred_username") or claims.get("upn")
        if not all(isinstance(v, str) and v for v in (oid, tid, username)):
            raise TokenInvalid("missing oid, tid or preferred_username")
        return SsoClaims(str(oid).lower(), str(tid).lower(), str(username).lower(),
                         claims.get("name"))

    async def application(self, token: str) -> str:
        """The calling application's id of an app-only (client credentials) token:
        `azp` (v2 tokens) or `appid` (v1)."""
        claims = await self._claims(token)
        app_id = claims.get("azp") or claims.get("appid")
        if not isinstance(app_id, str) or not app_id:
            raise TokenInvalid("missing azp/appid")
        return app_id.lower()


class IdentityService:
    def __init__(self, sessions: async_sessionmaker[AsyncSession],
                 validator: EntraTokenValidator, session_seconds: int) -> None:
        self._sessions = sessions
        self._validator = validator
        self._ttl = session_seconds
        self._scopes = ScopeService(sessions)
        self._signed_in: dict[str, tuple[float, int]] = {}  # oid -> (expiry, operator id)

    async def current(self, aad_object_id: str | None) -> Scope | None:
        """The operator signed in from this Teams user, if the session is still fresh
        (and the operator still active)."""
        if not aad_object_id:
            return None
        entry = self._signed_in.get(aad_object_id.lower())
        if entry is None or entry[0] < time.monotonic():
            self._signed_in.pop(aad_object_id.lower(), None)
            return None
        scope = await self._scopes.for_operator_id(entry[1])
        if scope is None:
            self._signed_in.pop(aad_object_id.lower(), None)
        return scope

    def sign_out(self, aad_object_id: str | None) -> None:
        if aad_object_id:
            self._signed_in.pop(aad_object_id.lower(), None)

    async def sign_in(self, token: str, activity_aad: str | None,
                      activity_tenant: str | None) -> Scope:
        """Validate TOKEN and return the operator it proves; SignInRefused otherwise."""
        claims = await self._validator.validate(token)
        if not activity_aad or claims.oid != activity_aad.lower():
            logger.warning("sign-in refused: token oid does not match the Teams user")
            raise SignInRefused("oid_mismatch")
        if activity_tenant and claims.tid != activity_tenant.lower():
            raise SignInRefused("tenant_mismatch")
        try:
            async with self._sessions() as session, session.begin():
                operator_id = await self._bind(session, claims)
        except SignInRefused as refused:
            if refused.operator_email is not None:
                await self._audit_refusal(refused, claims)
            raise
        scope = await self._scopes.for_operator_id(operator_id)
        if scope is None:
            raise SignInRefused("not_operator")
        now = time.monotonic()
        if len(self._signed_in) > 10_000:  # forget sessions nobody came back for
            self._signed_in = {k: v for k, v in self._signed_in.items() if v[0] > now}
        self._signed_in[claims.oid] = (now + self._ttl, operator_id)
        return scope

    async def _bind(self, session: AsyncSession, claims: SsoClaims) -> int:
        """The operator of CLAIMS: bound by object id and tenant, or bound now by e-mail
        when the token comes from the operator's organization's tenant."""
        op = (await session.execute(select(Operator).where(
            Operator.aad_object_id == claims.oid))).scalar_one_or_none()
        binding = op is None
        if op is None:
            op = (await session.execute(select(Operator).where(
                Operator.email == claims.username))).scalar_one_or_none()
            if op is None:
                raise SignInRefused("not_operator")
            if op.aad_object_id:  # the e-mail is someone else's (a renamed or reused UPN)
                logger.warning("sign-in refused: operator %s is bound to another object id",
                               op.id)
                raise SignInRefused("bound_elsewhere", operator=op)
        if op.status != OperatorStatus.ACTIVE:
            raise SignInRefused(op.status)
        org = await session.get(Organization, op.organization_id)
        org_tenant = (org.tenant_id or "").lower() if org is not None else ""
        own_tenant = (op.tenant_id or "").lower()
        # Fail closed: a tenant must be known (the organization's, for a first binding),
        # and every tenant known (the organization's, the operator's) is the token's.
        tenants = {t for t in (org_tenant, own_tenant) if t}
        if (binding and not org_tenant) or tenants != {claims.tid}:
            logger.warning("sign-in refused: operator %s signed in from another tenant", op.id)
            raise SignInRefused("tenant_mismatch", operator=op)
        if binding:
            op.aad_object_id, op.tenant_id = claims.oid, claims.tid
            session.add(AuditEvent(actor=op.email, action="operator.bound", target=op.email,
                                   organization_id=op.organization_id,
                                   after={"aad_object_id": claims.oid, "tenant_id": claims.tid}))
        elif not op.tenant_id:
            op.tenant_id = claims.tid
        op.last_seen_at = dt.datetime.now(dt.UTC)
        return op.id

    async def _audit_refusal(self, refused: SignInRefused, claims: SsoClaims) -> None:
        """Record a refused sign-in of a known operator in its own transaction (the
        sign-in's was rolled back): the ids the token carried, never the token."""
        try:
            async with self._sessions() as session, session.begin():
                session.add(AuditEvent(
                    actor=claims.username[:320], action="operator.sign_in_refused",
                    target=refused.operator_email, organization_id=refused.organization_id,
                    after={"reason": refused.reason, "oid": claims.oid, "tid": claims.tid}))
        except Exception:  # noqa: BLE001 - the refusal stands even if it cannot be recorded
            logger.exception("could not audit a refused sign-in")
