"""Finding organizations by name, domain or id, typos tolerated: the search message
extension ("Find a customer"). Only what the searcher may see is ever a candidate: the
candidates are read through the scope, once per network version and organization."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.batches import Lru
from services.db.meta import network_version
from services.db.models import Organization, Subscription
from services.scope import Scope
from services.understanding.text import fold

MAX_RESULTS = 25  # Teams shows at most 25 results of a search command
MAX_QUERY_CHARS = 100
FUZZY_MIN_CHARS = 3  # shorter queries match by prefix or substring only
FUZZY_CUTOFF = 75  # rapidfuzz WRatio, 0-100: a typo or two in a name
MAX_NAMED = 10  # organizations offered from one message
NAMED_CUTOFF = 90  # rapidfuzz partial_ratio: the name inside the message, a typo at most
NAMED_MIN_CHARS = 4
SCOPES_KEPT = 16  # candidate lists kept (one per organization searching)

# Ranks: an exact name, domain or id first, then prefixes, then substrings, then typos.
EXACT, PREFIX, SUBSTRING = 300.0, 200.0, 150.0


@dataclass(frozen=True)
class Candidates:
    """What one organization's operators may find: parallel lists, folded for matching."""

    ids: list[str]
    names: list[str]  # the names as stored (the tie-break)
    folded_names: list[str]
    folded_domains: list[str]
    folded_ids: list[str]


def rank(candidates: Candidates, query: str, limit: int = MAX_RESULTS) -> list[str]:
    """The ids best matching QUERY (already folded), best first."""
    scores: dict[int, float] = {}

    def keep(i: int, score: float) -> None:
        if score > scores.get(i, -1.0):
            scores[i] = score

    for field in (candidates.folded_names, candidates.folded_domains, candidates.folded_ids):
        for i, value in enumerate(field):
            if not value or query not in value:
                continue
            if value == query:
                keep(i, EXACT)
            elif value.startswith(query) or f" {query}" in value:
                keep(i, PREFIX)
            else:
                keep(i, SUBSTRING)
    if len(query) >= FUZZY_MIN_CHARS:
        for choices, scorer in ((candidates.folded_names, fuzz.WRatio),
                                (candidates.folded_domains, fuzz.ratio)):
            for _, score, i in process.extract(query, choices, scorer=scorer,
                                               score_cutoff=FUZZY_CUTOFF,
                                               limit=limit * 4):
                keep(i, float(score))
    best = sorted(scores, key=lambda i: (-scores[i], candidates.names[i].casefold(),
                                         candidates.ids[i]))
    return [candidates.ids[i] for i in best[:limit]]


def named(candidates: Candidates, message: str, limit: int = MAX_NAMED) -> list[str]:
    """The ids whose name or domain appears in MESSAGE (folded), a typo tolerated,
    best first; a name longer than the message is not in it."""
    scores: dict[int, float] = {}
    for choices in (candidates.folded_names, candidates.folded_domains):
        for value, score, i in process.extract(message, choices, scorer=fuzz.partial_ratio,
                                               score_cutoff=NAMED_CUTOFF, limit=limit * 4):
            if len(value) >= NAMED_MIN_CHARS and len(value) <= len(message):
                scores[i] = max(scores.get(i, 0.0), float(score))
    best = sorted(scores, key=lambda i: (-scores[i], candidates.names[i].casefold()))
    return [candidates.ids[i] for i in best[:limit]]


class OrgSearch:
    """Shared by every turn of a process."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self._kept: Lru[tuple[str, str, tuple[str, ...]], Candidates] = Lru(SCOPES_KEPT)
        self._lock = asyncio.Lock()

    async def find(self, scope: Scope, text: str, today: dt.date) -> list[str]:
        """The ids of the organizations in SCOPE matching TEXT, best first; an empty
        TEXT: those expiring soonest (from TODAY on). At most MAX_RESULTS."""
        query = fold(text[:MAX_QUERY_CHARS])
        kinds = tuple(scope.visible_kinds)
        if not kinds:
            return []
        async with self._sessions() as session:
            if not query:
                return await self._soonest(session, scope, kinds, today)
            candidates = await self._candidates(session, scope, kinds)
        if len(candidates.ids) > 2_000:  # CPU-bound: off the event loop
            return await asyncio.to_thread(rank, candidates, query)
        return rank(candidates, query)

    async def named_in(self, scope: Scope, text: str) -> list[str]:
        """The ids of the organizations in SCOPE that TEXT (a message) names."""
        message = fold(text)
        kinds = tuple(scope.visible_kinds)
        if not message or not kinds:
            return []
        async with self._sessions() as session:
            candidates = await self._candidates(session, scope, kinds)
        return await asyncio.to_thread(named, candidates, message)

    async def _candidates(self, session: AsyncSession, scope: Scope,
                          kinds: tuple[str, ...]) -> Candidates:
        key = (await network_version(session), scope.organization_id, kinds)
        kept = self._kept.get(key)
        if kept is not None:
            return kept
        async with self._lock:
            kept = self._kept.get(key)
            if kept is None:
                kept = await self._load(session, scope, kinds)
                self._kept.put(key, kept)
        return kept

    @staticmethod
    async def _load(session: AsyncSession, scope: Scope, kinds: tuple[str, ...]) -> Candidates:
        stmt = scope.restrict(select(Organization.id, Organization.name, Organization.domain),
                              Organization.id).where(Organization.kind.in_(kinds))
        rows = (await session.execute(stmt)).all()
        return Candidates(ids=[r.id for r in rows], names=[r.name for r in rows],
                          folded_names=[fold(r.name) for r in rows],
                          folded_domains=[fold(r.domain or "") for r in rows],
                          folded_ids=[fold(r.id) for r in rows])

    @staticmethod
    async def _soonest(session: AsyncSession, scope: Scope, kinds: tuple[str, ...],
                       today: dt.date) -> list[str]:
        """Organizations by their next expiry: subscriptions in date order, read in
        growing chunks until MAX_RESULTS organizations are found or none is left."""
        sub = Subscription
        base = scope.restrict(select(sub.organization_id), sub.organization_id).join(
            Organization, Organization.id == sub.organization_id).where(
            sub.expires_on >= today, Organization.kind.in_(kinds)).order_by(
            sub.expires_on, sub.organization_id)
        chunk = MAX_RESULTS * 8
        while True:
            ids = list((await session.execute(base.limit(chunk))).scalars())
            found = list(dict.fromkeys(ids))
            if len(found) >= MAX_RESULTS or len(ids) < chunk:
                return found[:MAX_RESULTS]
            chunk *= 4
