"""The rules under notifications: which lead time an item is due at, Teams' send limits,
the daily schedule, lead times read from a message."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.handlers.notifications import lead_days_in
from bot.jobs.notifications import next_run
from services.notifications import NotificationError, clean_leads, due_lead
from services.notifications.outbox import Backoff
from services.notifications.ratelimit import SlidingLimiter, TeamsLimits
from tests.support.clock import ManualClock


@pytest.mark.parametrize(("days_left", "lead"), [(31, None), (30, 30), (25, 30), (8, 30),
                                                 (7, 7), (2, 7), (1, 1), (0, 1), (-1, None)])
def test_due_at_the_smallest_lead_not_below_days_left(days_left: int, lead: int | None) -> None:
    assert due_lead(days_left, (30, 7, 1)) == lead


def test_lead_times_are_checked() -> None:
    assert clean_leads(None) == (30, 7, 1)
    assert clean_leads([7, 30, 7]) == (30, 7)
    for bad in ([0], [400], [1, 2, 3, 4, 5, 6, 7]):
        with pytest.raises(NotificationError):
            clean_leads(bad)


def test_lead_days_read_from_text() -> None:
    assert lead_days_in("notify this channel 30, 7 and 1 days before expiry") == [30, 7, 1]
    assert lead_days_in("notifie ce canal 15 jours avant expiration") == [15]
    assert lead_days_in("notify this channel") is None


def test_conversation_limits_7_per_second_and_60_per_30_seconds() -> None:
    clock = ManualClock()
    limits = TeamsLimits(max_rps=1000, clock=clock)
    stamps: list[float] = []
    while clock.now < 1090.0:  # send as fast as allowed for 90 seconds
        delay = limits.wait("c", "t")
        if delay > 0:
            clock.now += delay
            continue
        limits.take("c", "t")
        stamps.append(clock.now)
    assert all(sum(1 for t in stamps if s <= t < s + 1.0) <= 7 for s in stamps)
    assert all(sum(1 for t in stamps if s <= t < s + 30.0) <= 60 for s in stamps)
    assert len(stamps) >= 175  # and it does not hold back more than the limits say
    assert limits.wait("other", "t") == 0  # another conversation is not held back


def test_tenant_limit() -> None:
    clock = ManualClock()
    limiter = SlidingLimiter(((50, 1.0),), clock)
    for _ in range(50):
        assert limiter.wait("tenant") == 0
        limiter.take("tenant")
    assert limiter.wait("tenant") == pytest.approx(1.0)
    clock.now += 1.0
    assert limiter.wait("tenant") == 0


def test_backoff_honours_retry_after_and_grows() -> None:
    backoff = Backoff(base_s=1, cap_s=60)
    assert all(30.0 <= backoff.delay(1, 30.0) <= 33.0 for _ in range(50))
    assert all(backoff.delay(3, None) <= 4 for _ in range(50))
    assert all(backoff.delay(20, None) <= 60 for _ in range(50))


def test_next_run_in_the_time_zone() -> None:
    now = dt.datetime(2026, 11, 24, 6, 30, tzinfo=dt.UTC)  # 07:30 in Paris
    run = next_run(now, "08:00", "Europe/Paris")
    assert run.astimezone(dt.UTC) == dt.datetime(2026, 11, 24, 7, 0, tzinfo=dt.UTC)
    later = next_run(dt.datetime(2026, 11, 24, 8, 0, tzinfo=dt.UTC), "08:00", "Europe/Paris")
    assert later.date() == dt.date(2026, 11, 25)
