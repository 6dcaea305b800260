"""What a subscribe command says about its schedule, and when a digest is due."""

from __future__ import annotations

import datetime as dt

import pytest

from services.notifications.schedule import Schedule, due_day, schedule_in, without_times


@pytest.mark.parametrize(("text", "schedule"), [
    ("notify this channel at 9:00", Schedule("09:00")),
    ("notify this channel at 9:00 Paris time", Schedule("09:00", "Europe/Paris")),
    ("notifie ce canal à 9h", Schedule("09:00")),
    ("notifie ce canal à 9h heure de Paris", Schedule("09:00", "Europe/Paris")),
    ("notifie ce canal à 8 h 45 heure de Londres", Schedule("08:45", "Europe/London")),
    ("notify me at 5:30 pm America/New_York", Schedule("17:30", "America/New_York")),
    ("notify me at 7 am Tokyo time", Schedule("07:00", "Asia/Tokyo")),
    ("notify me at 9:00 Mars/Olympus", Schedule("09:00")),  # not a real zone
    ("no notifications on weekends", Schedule(quiet_days="6,7")),
    ("pas de notifications le week-end", Schedule(quiet_days="6,7")),
    ("notifications every day", Schedule(quiet_days="")),
    ("notifications aussi le week-end", Schedule(quiet_days="")),
    ("notify this channel 30, 7 and 1 days before expiry", Schedule()),
])
def test_schedule_in(text: str, schedule: Schedule) -> None:
    assert schedule_in(text) == schedule


def test_times_are_not_lead_days() -> None:
    assert "9" not in without_times("notify this channel 30 days before expiry at 9:00")
    assert "30" in without_times("notifie ce canal 30 jours avant à 9h")


PARIS = {"notify_time": "09:00", "notify_tz": "Europe/Paris", "quiet_days": "6,7",
         "default_time": "08:00", "default_tz": "UTC"}


def test_due_day() -> None:
    monday = dt.date(2026, 11, 23)
    before = dt.datetime(2026, 11, 23, 7, 59, tzinfo=dt.UTC)
    on_time = dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC)
    assert due_day(before, last_digest_on=None, **PARIS) is None
    assert due_day(on_time, last_digest_on=None, **PARIS) == monday
    assert due_day(on_time, last_digest_on=monday, **PARIS) is None
    # summer: Paris is UTC+2
    assert due_day(dt.datetime(2026, 6, 15, 7, 0, tzinfo=dt.UTC), last_digest_on=None,
                   **PARIS) == dt.date(2026, 6, 15)
    saturday = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)
    assert due_day(saturday, last_digest_on=None, **PARIS) is None
    assert due_day(saturday, last_digest_on=None, **{**PARIS, "quiet_days": ""}) \
        == dt.date(2026, 11, 28)
    # no time or zone of its own: NOTIFY_AT in NOTIFY_TZ; a bare date: the whole day
    defaults = {**PARIS, "notify_time": None, "notify_tz": None}
    assert due_day(dt.datetime(2026, 11, 23, 7, 59, tzinfo=dt.UTC), last_digest_on=None,
                   **defaults) is None
    assert due_day(monday, last_digest_on=None, **defaults) == monday
