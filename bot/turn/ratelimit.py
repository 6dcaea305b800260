"""Rate limits per sender (an operator's questions, a feed caller's requests): a token
bucket per sender, in this process.

A burst beyond the bucket (a stuck client, a script, an impatient channel) is answered
once, politely, and the rest of the burst is dropped without work: no query, no card.
Each instance limits on its own; behind a load balancer the limit is per instance."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from services.batches import Lru

MAX_SENDERS = 50_000  # buckets kept (least recently seen dropped first)


class Verdict(Enum):
    ALLOW = "allow"
    TELL = "tell"  # refused: say so (once per burst)
    DROP = "drop"  # refused again in the same burst: stay quiet


@dataclass
class _Bucket:
    tokens: float
    at: float
    told: bool = False


class RateLimiter:
    def __init__(self, per_minute: float, burst: int,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._rate = per_minute / 60.0
        self._burst = float(burst)
        self._clock = clock
        self._buckets: Lru[str, _Bucket] = Lru(MAX_SENDERS)

    @property
    def enabled(self) -> bool:
        return self._rate > 0

    def check(self, sender: str) -> Verdict:
        if not self.enabled:
            return Verdict.ALLOW
        now = self._clock()
        bucket = self._buckets.get(sender)
        if bucket is None:
            bucket = _Bucket(self._burst, now)
            self._buckets.put(sender, bucket)
        else:
            bucket.tokens = min(self._burst, bucket.tokens + (now - bucket.at) * self._rate)
            bucket.at = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            bucket.told = False
            return Verdict.ALLOW
        if bucket.told:
            return Verdict.DROP
        bucket.told = True
        return Verdict.TELL
