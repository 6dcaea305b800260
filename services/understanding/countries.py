"""Countries in questions: ISO 3166 short names in English and French (pycountry's
ISO 3166-1 data and its French translation), and ISO alpha-2 codes after a cue
("customers in CH")."""

from __future__ import annotations

import gettext
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import pycountry

from services.understanding.text import fold

# Other names in everyday use for a few countries (not in ISO's short names).
ALIASES = {
    "usa": "US", "america": "US", "the states": "US", "etats unis": "US", "amerique": "US",
    "uk": "GB", "britain": "GB", "great britain": "GB", "england": "GB", "angleterre": "GB",
    "grande bretagne": "GB", "holland": "NL", "hollande": "NL", "south korea": "KR",
    "coree du sud": "KR", "russia": "RU", "russie": "RU", "czechia": "CZ", "tchequie": "CZ",
}
# Words before a bare ISO code that make it a country ("in CH", "clients en BE").
CODE_CUES = frozenset({"in", "en", "from", "au", "aux", "country", "pays", "based", "of", "de",
                       "the", "customers", "clients"})
# Words that only say where an organization is ("based in", "basés en", "located in").
LOCATED = frozenset({"based", "located", "situated", "headquartered", "base", "bases",
                     "basee", "basees", "situe", "situes", "situee", "situees", "implante",
                     "implantes", "implantee", "implantees", "localise", "localises"})


@dataclass(frozen=True)
class CountryMatch:
    code: str
    start: int  # token span [start, end), with a "based in" before it
    end: int


@cache
def _names() -> tuple[dict[tuple[str, ...], str], frozenset[str]]:
    french = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"],
                                 fallback=True)
    names: dict[tuple[str, ...], str] = {}
    codes: set[str] = set()
    for country in pycountry.countries:
        code = country.alpha_2
        codes.add(code)
        english = [country.name, getattr(country, "common_name", None)]
        for name in english + [french.gettext(country.name)]:
            if name:
                names.setdefault(_short(name), code)
    for alias, code in ALIASES.items():
        names.setdefault(tuple(alias.split()), code)
    return names, frozenset(codes)


def _short(name: str) -> tuple[str, ...]:
    """ISO's "Korea, Republic of" -> korea; "Christmas, Île" -> ile christmas."""
    head, _, tail = name.partition(",")
    words = fold(head).split()
    if fold(tail) in {"ile", "iles"}:
        words = [fold(tail), *words]
    return tuple(words)


def country_name(code: str, language: str) -> str:
    """The short name of a country in the card's language."""
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    name = getattr(country, "common_name", None) or country.name
    if language == "fr":
        french = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"],
                                     fallback=True)
        return french.gettext(country.name)
    return str(name)


def find_country(tokens: Sequence[str], raw: Sequence[str],
                 free: Sequence[bool]) -> CountryMatch | None:
    """The first country named among the FREE positions: a name (longest first), or an
    upper-case ISO code right after a cue word."""
    found = _find(tokens, raw, free)
    if found is None:
        return None
    k = found.start - 1
    while k >= 0 and free[k] and tokens[k] in CODE_CUES - LOCATED - {"customers", "clients"}:
        k -= 1
    if k >= 0 and free[k] and tokens[k] in LOCATED:
        return CountryMatch(found.code, k, found.end)
    return found


def _find(tokens: Sequence[str], raw: Sequence[str],
          free: Sequence[bool]) -> CountryMatch | None:
    names, codes = _names()
    longest = max(len(k) for k in names)
    for i in range(len(tokens)):
        for n in range(min(longest, len(tokens) - i), 0, -1):
            if not all(free[i:i + n]):
                continue
            code = names.get(tuple(tokens[i:i + n]))
            if code is not None:
                return CountryMatch(code, i, i + n)
        word = raw[i] if i < len(raw) else ""
        if free[i] and len(word) == 2 and word.isupper() and word in codes and i > 0 \
                and tokens[i - 1] in CODE_CUES:
            return CountryMatch(word, i, i + 1)
    return None
