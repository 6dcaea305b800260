"""Every Action.Execute verb the bot understands, in one place."""

from __future__ import annotations

HELP = "help"

ALL = frozenset({HELP})
