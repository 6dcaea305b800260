"""Microsoft.Recognizers DateTime V2 for the date expressions the grammar (dates.py)
does not cover: explicit dates, "before March 2027", "15/12/2026"... Models load on
first use (about a second each), or ahead of time with `warm_up()`."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from services.understanding.ranges import FAR_FUTURE, DateRange


@cache
def _datetime_model(language: str) -> Any:
    from recognizers_date_time import DateTimeRecognizer
    from recognizers_text import Culture

    culture = Culture.French if language == "fr" else Culture.English
    return DateTimeRecognizer(culture).get_datetime_model()


def _iso(value: Any) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def match_recognizers(text: str, today: dt.date, language: str) -> DateRange | None:
    """Microsoft.Recognizers DateTime V2 for what the grammar does not cover."""
    reference = dt.datetime(today.year, today.month, today.day, 12)
    try:
        results = _datetime_model(language).parse(text, reference)
    except Exception:  # noqa: BLE001 - the recognizer fails on odd input; no date then
        return None
    for result in results:
        values = (result.resolution or {}).get("values") or []
        if not values:
            continue
        value = values[-1]  # the future reading when ambiguous
        kind = result.type_name
        if kind.endswith(".date"):
            day = _iso(value.get("value"))
            if day:
                return DateRange(day, day)
        if kind.endswith(".daterange"):
            start, end = _iso(value.get("start")), _iso(value.get("end"))
            if start and end:  # the recognizer's end is exclusive
                last = end - dt.timedelta(days=1)
                return DateRange(start, max(start, last))
            if end and not start:  # "before March 2027": from today until then
                last = end - dt.timedelta(days=1)
                return DateRange(min(today, last), last)
            if start and not end:  # "after March 2027"
                return DateRange(start, FAR_FUTURE)
    return None


def warm_up() -> None:
    """Load the English and French models now rather than in a user's turn."""
    from services.understanding.numbers import number_model

    for language in ("en", "fr"):
        _datetime_model(language)
        number_model(language)
