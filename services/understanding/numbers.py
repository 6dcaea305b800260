"""Numbers in questions: digits (with thousands separators) and number words.

Digits are read directly; spelled-out numbers ("five hundred", "mille") go through
Microsoft's recognizers-text number model, loaded on first use."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

_DIGITS = re.compile(r"^\d{1,9}$")
_GROUP = re.compile(r"^\d{3}$")
_THOUSANDS = re.compile(r"^(\d{1,6})(?:[.,](\d{1,3}))?k$")
_SEPARATED = re.compile(r"^\d{1,3}([.,]\d{3})+$")

NUMBER_WORDS = frozenset(
    [
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
        "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
        "nineteen", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
        "hundred", "thousand", "un", "une", "deux", "trois", "quatre", "cinq", "six", "sept",
        "huit", "neuf", "dix", "onze", "douze", "treize", "quatorze", "quinze", "seize", "vingt",
        "trente", "quarante", "cinquante", "soixante", "septante", "huitante", "octante",
        "nonante", "cent", "cents", "mille",
    ]
)

SMALL: dict[str, int] = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "sixty": 60, "ninety": 90, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4,
    "cinq": 5, "sept": 7, "huit": 8, "neuf": 9, "dix": 10, "douze": 12, "quinze": 15, "vingt": 20,
    "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60, "septante": 70, "huitante": 80,
    "octante": 80, "nonante": 90,
}


def parse_digits(tokens: list[str], i: int) -> tuple[int, int] | None:
    """A number written with digits at tokens[i]: (value, tokens used). '1 000' and
    '1,000' are one thousand."""
    tok = tokens[i]
    kilo = _THOUSANDS.match(tok)
    if kilo:  # "2k", "1.5k"
        whole, frac = kilo.group(1), kilo.group(2) or ""
        return int(whole) * 1000 + (int(frac.ljust(3, "0")) if frac else 0), 1
    if _SEPARATED.match(tok):
        return int(re.sub(r"[.,]", "", tok)), 1
    if not _DIGITS.match(tok):
        return None
    value, used = int(tok), 1
    if len(tok) <= 3:
        while i + used < len(tokens) and _GROUP.match(tokens[i + used]):
            value = value * 1000 + int(tokens[i + used])
            used += 1
    return value, used


@cache
def number_model(language: str) -> Any:
    from recognizers_number import NumberRecognizer
    from recognizers_text import Culture

    culture = Culture.French if language == "fr" else Culture.English
    return NumberRecognizer(culture).get_number_model()


def parse_words(tokens: list[str], i: int, language: str) -> tuple[int, int] | None:
    """A spelled-out number starting at tokens[i] ("five hundred", "deux mille")."""
    if tokens[i] not in NUMBER_WORDS:
        return None
    j = i
    while j < len(tokens) and (tokens[j] in NUMBER_WORDS or tokens[j] in {"and", "et"}):
        j += 1
    phrase = " ".join(tokens[i:j])
    if j - i == 1 and tokens[i] in SMALL:
        return SMALL[tokens[i]], 1
    for lang in (language, "en" if language == "fr" else "fr"):
        results = number_model(lang).parse(phrase)
        if results:
            try:
                value = float(results[0].resolution["value"])
            except (KeyError, TypeError, ValueError):
                continue
            if value.is_integer() and 0 <= value < 1e9:
                return int(value), j - i
    return None


def parse_number(tokens: list[str], i: int, language: str) -> tuple[int, int] | None:
    return parse_digits(tokens, i) or parse_words(tokens, i, language)
