"""The trust gate: the one component every message and invoke passes before any handler,
dialog or SSO step. It decides, in this order:

1. **channel** — only Microsoft Teams (`msteams`; the Agents Playground says so too).
   The Bot Framework token proves the Bot Connector sent the activity, not that Teams
   did: Web Chat and Direct Line let the client write `from.aadObjectId`.
2. **tenant** — in production the activity's tenant must be present and, when
   ALLOWED_TENANTS is set, one of them.
3. **rate** — the sender's questions and card actions share one bucket; their
   message extension searches have another.
4. **identity** — the operator the sender is: the Teams SSO session, or (without SSO)
   the activity's object id, bound on a first message from the Bot Connector's roster.
5. **operator's tenant** — in production it must be the activity's tenant; an
   organization without a tenant fails closed.

Local mode (no BOT_ID) checks channel and rate only: nothing is authenticated there,
and one Agents Playground tenant speaks as operators of several organizations.
`partnerbot ask` (in process) is trusted by its access to the database."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum

from bot.settings import Settings
from bot.turn.ratelimit import RateLimiter, Verdict
from services.batches import Lru
from services.identity import IdentityService
from services.roster import RosterBinder, RosterMember
from services.scope import Scope, ScopeService

logger = logging.getLogger(__name__)

TEAMS_CHANNELS = frozenset({"msteams"})
ROSTER_MISS_S = 300  # a sender the roster could not bind is asked again after this
MAX_REMEMBERED = 10_000


class Refusal(StrEnum):
    NOT_TEAMS = "not_teams"
    NO_TENANT = "no_tenant"
    TENANT_NOT_ALLOWED = "tenant_not_allowed"
    TENANT_MISMATCH = "tenant_mismatch"
    RATE_LIMITED = "rate_limited"


@dataclass(frozen=True)
class Caller:
    """Who an activity says it comes from (nothing here is proven yet)."""

    channel_id: str | None
    user_id: str | None
    aad_object_id: str | None
    tenant_id: str | None
    in_process: bool = False  # `partnerbot ask`

    @property
    def sender(self) -> str:
        return str(self.aad_object_id or self.user_id or "?")


@dataclass(frozen=True)
class Admission:
    """The gate's decision. `refusal` set: no data at all (`tell`: say so once).
    Otherwise `scope` is the operator, or None for someone who is not (yet) one."""

    scope: Scope | None = None
    refusal: Refusal | None = None
    tell: bool = True

    @property
    def admitted(self) -> bool:
        return self.refusal is None


# The Bot Connector's roster entry of the sender, asked only when needed.
Roster = Callable[[], Awaitable[RosterMember | None]]


class TrustGate:
    def __init__(self, settings: Settings, scopes: ScopeService,
                 identity: IdentityService | None, limiter: RateLimiter,
                 binder: RosterBinder, clock: Callable[[], float] = time.monotonic, *,
                 searches: RateLimiter | None = None) -> None:
        self._production = not settings.local_mode
        self._allowed = settings.allowed_tenant_ids
        self._scopes = scopes
        self._identity = identity
        self._limiter = limiter
        self._searches = searches or limiter  # message extension queries
        self._binder = binder
        self._clock = clock
        self._logged: Lru[tuple[str, str], bool] = Lru(MAX_REMEMBERED)
        self._roster_misses: Lru[str, float] = Lru(MAX_REMEMBERED)

    async def admit(self, caller: Caller, roster: Roster | None = None, *,
                    count: bool = True, search: bool = False) -> Admission:
        """COUNT: the activity takes a token of the sender's rate (False: the same turn
        asks again, e.g. once signed in); SEARCH: of their searches' rate."""
        refusal = self._channel_and_tenant(caller)
        if refusal is not None:
            self._log_once(refusal, caller)
            return Admission(refusal=refusal)
        if count and not caller.in_process:
            verdict = (self._searches if search else self._limiter).check(caller.sender)
            if verdict is not Verdict.ALLOW:
                return Admission(refusal=Refusal.RATE_LIMITED, tell=verdict is Verdict.TELL)
        scope = await self._operator(caller, roster)
        if scope is not None and self._production and not caller.in_process:
            tenant = (caller.tenant_id or "").lower()
            if not scope.tenant_id or scope.tenant_id.lower() != tenant:
                self._log_once(Refusal.TENANT_MISMATCH, caller)
                return Admission(refusal=Refusal.TENANT_MISMATCH)
        return Admission(scope=scope)

    def _channel_and_tenant(self, caller: Caller) -> Refusal | None:
        if caller.channel_id not in TEAMS_CHANNELS:
            return Refusal.NOT_TEAMS
        tenant = (caller.tenant_id or "").strip().lower()
        if self._production and not caller.in_process and not tenant:
            return Refusal.NO_TENANT
        if self._allowed and not caller.in_process and tenant not in self._allowed:
            return Refusal.TENANT_NOT_ALLOWED
        return None

    async def _operator(self, caller: Caller, roster: Roster | None) -> Scope | None:
        if self._identity is not None and not caller.in_process:
            return await self._identity.current(caller.aad_object_id)
        aad = (caller.aad_object_id or "").lower()
        if not aad:
            return None
        scope = await self._scopes.for_aad_object_id(aad)
        if scope is not None or roster is None or caller.in_process:
            return scope
        return await self._bind_from_roster(caller, aad, roster)

    async def _bind_from_roster(self, caller: Caller, aad: str,
                                roster: Roster) -> Scope | None:
        """A first message from an operator added by e-mail (see services/roster.py).
        Senders the roster does not bind are not asked again for a while."""
        missed = self._roster_misses.get(aad)
        if missed is not None and self._clock() - missed < ROSTER_MISS_S:
            return None
        member = await roster()
        operator_id = await self._binder.bind(member, aad, caller.tenant_id) \
            if member is not None else None
        if operator_id is None:
            self._roster_misses.put(aad, self._clock())
            return None
        logger.info("operator %s bound from the Teams roster", operator_id)
        return await self._scopes.for_operator_id(operator_id)

    def _log_once(self, refusal: Refusal, caller: Caller) -> None:
        key = (refusal.value, f"{caller.channel_id}:{caller.sender}")
        if self._logged.get(key):
            return
        self._logged.put(key, True)
        logger.warning("activity refused by the trust gate: %s (channel %s, tenant %s)",
                       refusal.value, str(caller.channel_id)[:40],
                       str(caller.tenant_id)[:64])
