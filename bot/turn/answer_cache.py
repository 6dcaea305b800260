"""Answers to directory questions, remembered until the data they show changes.

Channel people ask the same few questions ("which clients expire this month") many
times a day, and at 100,000 customers each costs tens of milliseconds of SQL. A reply is
reused only when everything it was built from is the same:

- what the operator may see: their organization, its kind and their role (the scope
  component decides visibility from exactly these, and directory cards show nothing
  personal);
- the question as typed (spaces normalized), the reply language, the turn's date and whether the
  full list was asked for (`partnerbot ask`);
- the data version, read from the database on every turn, which every change to what an
  answer shows bumps in its own transaction (import, feed, new customer, invitation,
  onboarding), on whichever instance it happens.

Only pure directory reads are kept (lists, counts, totals, one organization); anything
with side effects, a dialog or operator data is answered afresh every time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterator
from typing import Any, Generic, Protocol, TypeVar

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.batches import Lru
from services.db.meta import data_version
from services.scope import Scope
from services.understanding import Intent


class Cacheable(Protocol):
    """What the cache reads of a reply (bot.turn.context.Reply, which is not imported
    here: bot.turn.context needs bot.services, which builds this cache)."""

    intent: str
    notices: list[str]
    dialog: str | None
    post_request: Any
    update_message: bool
    copies: list[dict[str, Any]]


Reply = TypeVar("Reply", bound=Cacheable)

CACHEABLE = frozenset({Intent.LIST, Intent.COUNT, Intent.LICENSE_TOTAL, Intent.ORG_LICENSES,
                       Intent.ORG_EXPIRY, Intent.ORG_SKUS, Intent.ORG_DETAILS,
                       Intent.RANKING, Intent.BREAKDOWN})
SIZE = 512  # replies kept per process (a list card is about 10 KB)

Key = tuple[Hashable, ...]


class AnswerCache(Generic[Reply]):
    def __init__(self, sessions: async_sessionmaker[AsyncSession], size: int = SIZE) -> None:
        self._sessions = sessions
        self._replies: Lru[Key, Reply] = Lru(size)
        self.hits = 0
        self.misses = 0

    async def key(self, scope: Scope, text: str, language: str, today: dt.date,
                  full_answer: bool) -> Key:
        async with self._sessions() as session:
            version = await data_version(session)
        return (version, scope.organization_id, scope.org_kind, scope.role, language,
                " ".join(text.split()), today, full_answer)

    def __len__(self) -> int:
        return len(self._replies)

    @property
    def enabled(self) -> bool:
        return self._replies.size > 0

    def get(self, key: Key) -> Reply | None:
        reply = self._replies.get(key)
        if reply is None:
            self.misses += 1
        else:
            self.hits += 1
        return reply

    def put(self, key: Key, reply: Reply) -> None:
        """Keep REPLY if it is a pure directory answer (replies are never changed after
        they are built: cards are sent as they are)."""
        side_effects = reply.notices or reply.dialog is not None or \
            reply.post_request is not None or reply.update_message or reply.copies
        if self.enabled and reply.intent in CACHEABLE and not side_effects:
            self._replies.put(key, reply)


class AnswerCacheMetrics(Collector):
    """`partnerbot_answer_cache_lookups_total{result}` and the entries held, on /metrics."""

    def __init__(self, cache: AnswerCache) -> None:
        self._cache = cache

    def collect(self) -> Iterator[CounterMetricFamily | GaugeMetricFamily]:
        lookups = CounterMetricFamily("partnerbot_answer_cache_lookups",
                                      "Answer cache lookups", labels=["result"])
        lookups.add_metric(["hit"], self._cache.hits)
        lookups.add_metric(["miss"], self._cache.misses)
        yield lookups
        yield GaugeMetricFamily("partnerbot_answer_cache_entries", "Answers held",
                                value=len(self._cache))
