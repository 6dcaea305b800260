"""When a subscription's digest is due: its own time of day (`notify_time`, else
NOTIFY_AT) in its own zone (`notify_tz`, else NOTIFY_TZ), not on its quiet ISO weekdays
(weekends unless told otherwise), once per local day (`last_digest_on`).

Also what a subscribe command says about it: 'at 9:00', 'at 9:30 am', 'à 9h', 'à 9h30',
'Paris time', 'heure de Paris', an IANA name typed as such ('Europe/Paris'), 'no
notifications on weekends', 'every day' / 'tous les jours'."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WEEKENDS = (6, 7)
DEFAULT_QUIET = "6,7"

# A small closed table: the cities partner managers name; any IANA name works as well.
CITY_ZONES = {
    "paris": "Europe/Paris", "london": "Europe/London", "londres": "Europe/London",
    "berlin": "Europe/Berlin", "madrid": "Europe/Madrid", "rome": "Europe/Rome",
    "brussels": "Europe/Brussels", "bruxelles": "Europe/Brussels",
    "amsterdam": "Europe/Amsterdam", "lisbon": "Europe/Lisbon", "lisbonne": "Europe/Lisbon",
    "zurich": "Europe/Zurich", "geneva": "Europe/Zurich", "geneve": "Europe/Zurich",
    "dublin": "Europe/Dublin", "warsaw": "Europe/Warsaw", "varsovie": "Europe/Warsaw",
    "new york": "America/New_York", "montreal": "America/Toronto",
    "toronto": "America/Toronto", "chicago": "America/Chicago",
    "los angeles": "America/Los_Angeles", "tokyo": "Asia/Tokyo",
    "singapore": "Asia/Singapore", "singapour": "Asia/Singapore", "dubai": "Asia/Dubai",
    "sydney": "Australia/Sydney", "utc": "UTC", "gmt": "UTC",
}
_CITIES = "|".join(sorted((re.escape(c) for c in CITY_ZONES), key=len, reverse=True))
CITY_RE = re.compile(rf"\b(?:({_CITIES})\s+time|heure\s+(?:de\s+|d\s+)?({_CITIES}))\b|"
                     rf"\b(utc|gmt)\b")
IANA_RE = re.compile(r"\b([A-Z][A-Za-z_]+/[A-Z][A-Za-z_]+(?:/[A-Z][A-Za-z_]+)?)\b")
# 9:00, 09:30, 9 am, 9:30 pm, 9h, 9h30, 9 h 30 (a bare number is a lead time, not a time)
TIME_RE = re.compile(r"\b([01]?\d|2[0-3])(?::([0-5]\d)\s*(am|pm)?|\s*(am|pm)\b|\s*h\s*([0-5]\d)?)"
                     r"(?![\d:])")
QUIET_WEEKENDS_RE = re.compile(
    r"\b(no|not|without|pas|sans|aucune?|quiet|calme)\b.*\b(weekends?|week ends?|"
    r"samedis? et dimanches?|saturdays? and sundays?)\b|\b(weekdays|working days|jours "
    r"ouvres|jours ouvrables|en semaine|du lundi au vendredi|monday to friday)\b")
EVERY_DAY_RE = re.compile(r"\b(every day|each day|daily|tous les jours|chaque jour|"
                          r"(weekends?|week ends?) (too|included|as well)|"
                          r"(aussi|meme|y compris) (le |les )?(weekends?|week ends?))\b")


@dataclass(frozen=True)
class Schedule:
    """What a command said; None: not said (keep what the subscription has)."""

    time: str | None = None  # HH:MM
    zone: str | None = None  # IANA
    quiet_days: str | None = None  # "6,7", "" (none)


def fold(text: str) -> str:
    """Lower case, no accents, one space; ':' kept (times of day)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = re.sub(r"[\u2019'\-,.;!?()]", " ", plain)
    return re.sub(r"\s+", " ", plain).strip()


def real_zone(name: str) -> str | None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name


def schedule_in(text: str) -> Schedule:
    folded = fold(text)
    time = None
    match = TIME_RE.search(folded)
    if match:
        hour, minute = int(match.group(1)), int(match.group(2) or match.group(5) or 0)
        meridiem = match.group(3) or match.group(4)
        if meridiem == "pm" and hour < 12:
            hour += 12
        elif meridiem == "am" and hour == 12:
            hour = 0
        time = f"{hour:02d}:{minute:02d}"
    zone = None
    iana = IANA_RE.search(text)
    if iana:
        zone = real_zone(iana.group(1))
    if zone is None and (city := CITY_RE.search(folded)):
        zone = CITY_ZONES[city.group(1) or city.group(2) or city.group(3)]
    quiet = None
    if EVERY_DAY_RE.search(folded):
        quiet = ""
    elif QUIET_WEEKENDS_RE.search(folded):
        quiet = DEFAULT_QUIET
    return Schedule(time, zone, quiet)


def without_times(text: str) -> str:
    """TEXT without its times of day (so '9:00' is not read as 9 days)."""
    return TIME_RE.sub(" ", fold(text))


def quiet_set(quiet_days: str | None) -> frozenset[int]:
    if quiet_days is None:
        return frozenset(WEEKENDS)
    return frozenset(int(d) for d in quiet_days.split(",") if d.strip().isdigit())


def _hhmm(value: str) -> tuple[int, int]:
    hour, minute = (int(x) for x in value.split(":"))
    return hour, minute


def due_day(when: dt.date | dt.datetime, *, notify_time: str | None, notify_tz: str | None,
            quiet_days: str | None, last_digest_on: dt.date | None, default_time: str,
            default_tz: str) -> dt.date | None:
    """The local day whose digest is due at WHEN, or None (not yet, a quiet day, or that
    day's digest was already made). A bare date means that whole day (its time has come)."""
    if isinstance(when, dt.datetime):
        zone = ZoneInfo(real_zone(notify_tz or "") or default_tz)
        local = when.astimezone(zone)
        if (local.hour, local.minute) < _hhmm(notify_time or default_time):
            return None
        day = local.date()
    else:
        day = when
    if day.isoweekday() in quiet_set(quiet_days):
        return None
    if last_digest_on is not None and last_digest_on >= day:
        return None
    return day


def first_working_day(year: int, month: int, quiet_days: str | None) -> dt.date:
    """The month's first day that is not one of the subscription's quiet weekdays (at most
    six are quiet, so it is within the first week). Public holidays are not known here."""
    quiet = quiet_set(quiet_days)
    day = dt.date(year, month, 1)
    while day.isoweekday() in quiet:
        day += dt.timedelta(days=1)
    return day


def month_key(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def report_due(day: dt.date, *, quiet_days: str | None,
               last_report_month: str | None) -> tuple[int, int] | None:
    """The month whose licence report is due on the local DAY, or None: the report of the
    month before goes out on the month's first working day (or, when that pass was missed,
    on the next day a pass runs that month), once per month."""
    if day < first_working_day(day.year, day.month, quiet_days):
        return None
    if last_report_month is not None and last_report_month >= month_key(day):
        return None
    previous = day.replace(day=1) - dt.timedelta(days=1)
    return previous.year, previous.month


def next_report_on(today: dt.date, *, quiet_days: str | None,
                   last_report_month: str | None) -> dt.date:
    """The local day the next monthly report goes out: this month's first working day
    when this month's is still to come, else next month's."""
    if last_report_month is None or last_report_month < month_key(today):
        return max(today, first_working_day(today.year, today.month, quiet_days))
    following = (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return first_working_day(following.year, following.month, quiet_days)
