"""Logging set-up: one format with the correlation id; secrets and tokens redacted."""

from __future__ import annotations

import logging
import re

from services.correlation import CorrelationFilter

_SECRETS = [
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9\-_.~+/=]+"),
    re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*"),  # JWTs
    re.compile(r"(?i)((?:password|secret|client_secret|token)\s*[=:]\s*)[^\s,;&]+"),
    re.compile(r"(/export/)[A-Za-z0-9_.-]+"),  # CSV export links
]


def redact(text: str) -> str:
    for pattern in _SECRETS:
        text = pattern.sub(lambda m: (m.group(1) if m.groups() else "") + "[redacted]", text)
    return text


class RedactingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def configure_logging(level: str) -> None:
    handler = logging.StreamHandler()
    handler.addFilter(CorrelationFilter())
    handler.setFormatter(RedactingFormatter(
        "%(asctime)s %(levelname)s %(name)s [cid=%(cid)s] %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    logging.getLogger("msrest").setLevel(logging.WARNING)
