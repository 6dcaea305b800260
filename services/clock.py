"""The one clock of the domain: the current time, in UTC. Services take a `clock`
argument defaulting to `utc_now`, so tests can set the time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
