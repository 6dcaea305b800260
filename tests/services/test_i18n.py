import datetime as dt
import re

import pytest

from services.i18n import LANGUAGES, catalog, language_of, messages


def test_every_string_exists_in_both_languages() -> None:
    keys = {lang: set(catalog(lang)) for lang in LANGUAGES}
    assert keys["en"] == keys["fr"]
    for lang in LANGUAGES:
        assert all(value.strip() for value in catalog(lang).values()), lang


def test_placeholders_match_between_languages() -> None:
    field = re.compile(r"{(\w+)}")
    for key, english in catalog("en").items():
        assert set(field.findall(english)) == set(field.findall(catalog("fr")[key])), key


@pytest.mark.parametrize(("locale", "language"), [
    ("fr-FR", "fr"), ("fr_CA", "fr"), ("FR", "fr"), ("en-US", "en"), ("de-DE", "en"),
    (None, "en"), ("", "en"),
])
def test_language_of(locale: str | None, language: str) -> None:
    assert language_of(locale) == language


def test_dates_and_numbers_follow_the_locale() -> None:
    day = dt.date(2026, 11, 30)
    assert messages("en").date(day) == "Nov 30, 2026"
    assert messages("fr").date(day) == "30 nov. 2026"
    assert messages("fr").number(12345) == "12\u202f345" or messages("fr").number(
        12345).replace("\xa0", " ") == "12 345"


def test_missing_key_is_an_error() -> None:
    with pytest.raises(KeyError):
        messages("fr")("no.such.key")
