"""The correlation id of the work in progress (a turn, an HTTP request, a pass): one
context variable, so every log line, audit event and error reference of that work
carries the same id."""

from __future__ import annotations

import contextvars
import logging
import uuid

correlation_id: contextvars.ContextVar[str] = contextvars.ContextVar("correlation_id",
                                                                     default="-")


def new_correlation_id() -> str:
    return uuid.uuid4().hex[:12]


def current_correlation_id() -> str | None:
    """The id of the work in progress, None outside any."""
    cid = correlation_id.get()
    return None if cid == "-" else cid


class CorrelationFilter(logging.Filter):
    """Puts the correlation id on every log record (`%(cid)s` in the format)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.cid = correlation_id.get()
        return True
