"""Moving every date of a `partner-network/1` document by a number of days.

The demo network is written as of one day (its `as_of`); moved by (today - as_of) days,
its expiries, renewals and booked subscriptions sit where they sat around that day, so
"which clients expire this month" has answers whatever today is. Only the demo is ever
moved: `partnerbot import` writes a document's dates as they are.

Every date the format holds is moved: `as_of` and any record field (nested objects
included) whose value is an ISO date (`YYYY-MM-DD`) or date-time, so a date field the
format gains later moves too."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def as_of(doc: dict[str, Any]) -> dt.date | None:
    """The day the document's dates were written for (None: it does not say)."""
    value = doc.get("as_of")
    if not isinstance(value, str) or not _DATE.match(value):
        return None
    return dt.date.fromisoformat(value)


def days_to(doc: dict[str, Any], today: dt.date) -> int:
    """How many days move DOC's dates to TODAY (0 when it has no `as_of`)."""
    written = as_of(doc)
    return (today - written).days if written else 0


def shift_value(value: Any, days: int) -> Any:
    """VALUE moved by DAYS when it is a date or a date-time string (else unchanged)."""
    if isinstance(value, str):
        try:
            if _DATE.match(value):
                return (dt.date.fromisoformat(value) + dt.timedelta(days=days)).isoformat()
            if _DATETIME.match(value):
                moved = dt.datetime.fromisoformat(value) + dt.timedelta(days=days)
                return moved.isoformat(sep=value[10])
        except ValueError:
            return value  # not a real date: validation names it
        return value
    if isinstance(value, dict):
        return {k: shift_value(v, days) for k, v in value.items()}
    if isinstance(value, list):
        return [shift_value(v, days) for v in value]
    return value


def shift_document(doc: dict[str, Any], days: int) -> dict[str, Any]:
    """A copy of DOC with `as_of` and every date of its records moved by DAYS (its
    `format` and other top-level keys unchanged)."""
    return {key: shift_value(value, days) if key == "as_of" or isinstance(value, list)
            else value for key, value in doc.items()}


def as_of_today(doc: dict[str, Any], today: dt.date) -> dict[str, Any]:
    """DOC with its dates moved so that its `as_of` is TODAY."""
    return shift_document(doc, days_to(doc, today))
