"""Teams' send limits, in process: per conversation at most 7 messages a second and 60
in 30 seconds; per app and tenant at most NOTIFY_MAX_RPS a second. `wait` tells how long
to wait before the next message may go; `take` records it; `pace` waits and takes,
calling a keep-alive (the outbox renewing its claim) while it waits."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable

Window = tuple[int, float]  # (messages, seconds)
CONVERSATION_WINDOWS: tuple[Window, ...] = ((7, 1.0), (60, 30.0))


class SlidingLimiter:
    def __init__(self, windows: tuple[Window, ...],
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._windows = windows
        self._span = max(s for _n, s in windows)
        self._sent: dict[str, deque[float]] = {}
        self._clock = clock

    def wait(self, key: str) -> float:
        """Seconds until KEY may send again (0: now)."""
        sent = self._sent.get(key)
        if not sent:
            return 0.0
        now = self._clock()
        while sent and sent[0] <= now - self._span:
            sent.popleft()
        delay = 0.0
        for limit, seconds in self._windows:
            recent = [t for t in sent if t > now - seconds] if len(sent) >= limit else []
            if len(recent) >= limit:
                delay = max(delay, recent[-limit] + seconds - now)
        return delay

    def take(self, key: str) -> None:
        self._sent.setdefault(key, deque()).append(self._clock())
        if len(self._sent) > 50_000:  # forget idle keys
            now = self._clock()
            for idle in [k for k, v in self._sent.items() if not v or v[-1] < now - self._span]:
                del self._sent[idle]


class TeamsLimits:
    """Both limits at once: the conversation's and the tenant's."""

    def __init__(self, max_rps: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.conversations = SlidingLimiter(CONVERSATION_WINDOWS, clock)
        self.tenants = SlidingLimiter(((max(1, int(max_rps)), 1.0),), clock)

    def wait(self, conversation: str, tenant: str) -> float:
        return max(self.conversations.wait(conversation), self.tenants.wait(tenant))

    def take(self, conversation: str, tenant: str) -> None:
        self.conversations.take(conversation)
        self.tenants.take(tenant)

    async def pace(self, conversation: str, tenant: str, *,
                   keep_alive: Callable[[], Awaitable[bool]] | None = None,
                   every_s: float = 30.0) -> bool:
        """Wait for a free slot in both limits, then take it (no await in between, so
        concurrent senders never overrun a limit). While waiting, KEEP_ALIVE runs every
        EVERY_S seconds; when it answers False the wait ends without a slot (False)."""
        clock = asyncio.get_running_loop().time
        alive_at = clock()
        for _ in range(1_000_000):
            delay = self.wait(conversation, tenant)
            if delay <= 0:
                self.take(conversation, tenant)
                return True
            if keep_alive is None:
                await asyncio.sleep(delay)
                continue
            await asyncio.sleep(min(delay, max(0.01, alive_at + every_s - clock())))
            if clock() - alive_at >= every_s:
                if not await keep_alive():
                    return False
                alive_at = clock()
        raise RuntimeError("rate limiter never freed a slot")
