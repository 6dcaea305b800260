"""Translations: gettext catalogs (`locales/en.po`, `locales/fr.po`) read with Babel, and
locale-aware dates and numbers. Message ids are stable keys (`help.title`) so a test
can prove that both languages carry every string."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_skeleton, format_time
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

LOCALES_DIR = Path(__file__).parent / "locales"
LANGUAGES = ("en", "fr")
DEFAULT_LANGUAGE = "en"


def language_of(locale: str | None) -> str:
    """'fr-FR', 'fr_CA', 'FR' -> 'fr'; anything unsupported -> 'en'."""
    if not locale:
        return DEFAULT_LANGUAGE
    lang = locale.replace("_", "-").split("-")[0].lower()
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


@cache
def catalog(language: str) -> Mapping[str, str]:
    with (LOCALES_DIR / f"{language}.po").open("rb") as fh:
        cat = read_po(fh, locale=language)
    return {str(m.id): str(m.string) for m in cat if m.id and m.string}


@dataclass(frozen=True)
class Messages:
    """The strings of one language: `tr("key", name=...)`."""

    language: str

    def __call__(self, key: str, /, **values: object) -> str:
        text = catalog(self.language).get(key) or catalog(DEFAULT_LANGUAGE).get(key)
        if text is None:
            raise KeyError(f"missing message {key!r}")
        return text.format(**values) if values else text

    def date(self, value: dt.date) -> str:
        return format_date(value, format="medium", locale=self.language)

    def day(self, value: dt.date) -> str:
        """A day without its year, for narrow places (a chart's axis): "Nov 23", "23 nov."."""
        return format_skeleton("MMMd", value, locale=self.language)

    def month(self, value: dt.date) -> str:
        return format_date(value, format="MMM yyyy", locale=self.language)

    def moment(self, value: dt.datetime, timezone: str) -> str:
        """A point in time in TIMEZONE (an IANA name): "Nov 23, 2026, 10:02 (Europe/Paris)"."""
        local = value.astimezone(ZoneInfo(timezone))
        return (f"{format_date(local, format='medium', locale=self.language)}, "
                f"{format_time(local, format='HH:mm', locale=self.language)} ({timezone})")

    def number(self, value: int | float) -> str:
        return format_decimal(value, locale=self.language)


def messages(locale: str | None) -> Messages:
    return Messages(language_of(locale))
