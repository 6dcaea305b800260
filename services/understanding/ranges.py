"""A range of calendar dates (inclusive), as questions name them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

FAR_FUTURE = dt.date(9999, 12, 31)


@dataclass(frozen=True)
class DateRange:
    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("a date range ends before it starts")
