"""Date ranges in questions, English and French (SPEC section 1 semantics).

A declarative grammar covers the forms the Partner App defines exactly (this / next /
last month, this year, today, next N days, a month with or without a year, between
two months, a day, before / until / after); Microsoft's recognizers-text DateTime model
(recognizers.py) reads the rest. Every range is inclusive calendar dates."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from services.understanding.numbers import parse_number
from services.understanding.ranges import FAR_FUTURE, DateRange
from services.understanding.recognizers import match_recognizers


@dataclass(frozen=True)
class DateMatch:
    range: DateRange
    start: int  # token span [start, end)
    end: int


MONTHS: dict[str, int] = {
    "january": 1, "jan": 1, "janvier": 1, "janv": 1, "february": 2, "feb": 2, "fevrier": 2,
    "fev": 2, "fevr": 2, "march": 3, "mar": 3, "mars": 3, "april": 4, "apr": 4, "avril": 4,
    "avr": 4, "may": 5, "mai": 5, "june": 6, "jun": 6, "juin": 6, "july": 7, "jul": 7,
    "juillet": 7, "juil": 7, "august": 8, "aug": 8, "aout": 8, "september": 9, "sep": 9,
    "sept": 9, "septembre": 9, "october": 10, "oct": 10, "octobre": 10, "november": 11, "nov": 11,
    "novembre": 11, "december": 12, "dec": 12, "decembre": 12,
}
# Month words that are also ordinary words: only months next to a cue or a year.
AMBIGUOUS_MONTHS = frozenset({"may", "mar"})
MONTH_CUES = frozenset(
    {
        "in", "en", "of", "du", "during", "pendant", "for", "by", "until", "between", "entre",
        "from", "to", "and", "et", "a", "au", "de", "d", "mois", "month", "through", "till",
        "jusqu",
    }
)

DAY_UNITS = {
    "day": 1, "days": 1, "jour": 1, "jours": 1, "week": 7, "weeks": 7, "semaine": 7,
    "semaines": 7,
}
MONTH_UNITS = frozenset({"month", "months", "mois"})
FUTURE_CUES = frozenset(
    {
        "next", "coming", "upcoming", "following", "within", "prochains", "prochaines",
        "suivants", "suivantes", "ici", "sous", "dans", "in", "over", "venir", "endeans",
    }
)
PAST_CUES = frozenset(
    {"last", "past", "previous", "derniers", "dernieres", "precedents", "passes", "ago"}
)

QUARTER_CODES_WORDS = [f"{letter}{q}" for letter in "qt" for q in range(1, 5)] + [
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "lundi",
    "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]

DATE_WORDS = (
    frozenset(MONTHS)
    | frozenset(DAY_UNITS)
    | MONTH_UNITS
    | frozenset(
        [
            "today", "tomorrow", "yesterday", "month", "year", "week", "quarter", "aujourd",
            "hui", "demain", "hier", "mois", "annee", "an", "semaine", "trimestre", "soon",
            "bientot", "prochainement", "upcoming", "this", "next", "last", "current", "ce",
            "cette", "prochain", "prochaine", "dernier", "derniere", "passe", "passee",
            "precedent", "suivant", "cours", "fortnight", "quinzaine", "christmas", "xmas",
            "noel",
        ]
    )
    | frozenset(QUARTER_CODES_WORDS)
)


def month_range(year: int, month: int) -> DateRange:
    last = calendar.monthrange(year, month)[1]
    return DateRange(dt.date(year, month, 1), dt.date(year, month, last))


def add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def next_occurrence(month: int, today: dt.date) -> int:
    """A month named without a year: its next occurrence (this year if we are in it)."""
    return today.year if month >= today.month else today.year + 1


def _year(tok: str) -> int | None:
    if len(tok) == 4 and tok.isdigit() and 2000 <= int(tok) <= 2100:
        return int(tok)
    return None


def _month(tokens: Sequence[str], i: int) -> int | None:
    tok = tokens[i]
    month = MONTHS.get(tok)
    if month is None:
        return None
    if tok in AMBIGUOUS_MONTHS:
        before = tokens[i - 1] if i > 0 else ""
        after = tokens[i + 1] if i + 1 < len(tokens) else ""
        if before not in MONTH_CUES and _year(after) is None:
            return None
    return month


# Fixed phrases -> range builder (today -> DateRange).
Builder = Callable[[dt.date], DateRange]


def _this_month(t: dt.date) -> DateRange:
    return month_range(t.year, t.month)


def _month_offset(delta: int) -> Builder:
    def build(t: dt.date) -> DateRange:
        return month_range(*add_months(t.year, t.month, delta))

    return build


def _year_offset(delta: int) -> Builder:
    def build(t: dt.date) -> DateRange:
        return DateRange(dt.date(t.year + delta, 1, 1), dt.date(t.year + delta, 12, 31))

    return build


def _day_offset(delta: int) -> Builder:
    def build(t: dt.date) -> DateRange:
        day = t + dt.timedelta(days=delta)
        return DateRange(day, day)

    return build


def _week_offset(delta: int) -> Builder:
    def build(t: dt.date) -> DateRange:
        monday = t - dt.timedelta(days=t.weekday()) + dt.timedelta(weeks=delta)
        return DateRange(monday, monday + dt.timedelta(days=6))

    return build


def _quarter_offset(delta: int) -> Builder:
    def build(t: dt.date) -> DateRange:
        year, month = add_months(t.year, (t.month - 1) // 3 * 3 + 1, 3 * delta)
        return DateRange(
            month_range(year, month).start, month_range(*add_months(year, month, 2)).end
        )

    return build


def _soon(t: dt.date) -> DateRange:
    return DateRange(t, t + dt.timedelta(days=30))


def _days_ahead(days: int) -> Builder:
    def build(t: dt.date) -> DateRange:
        return DateRange(t, t + dt.timedelta(days=days))

    return build


def _next_day_of_year(month: int, day: int) -> Builder:
    """A day without a year (Christmas, New Year): its next occurrence, today included."""

    def build(t: dt.date) -> DateRange:
        when = dt.date(t.year, month, day)
        if when < t:
            when = dt.date(t.year + 1, month, day)
        return DateRange(when, when)

    return build


PHRASES: dict[str, Builder] = {}
for _forms, _builder in (
    (
        (
            "this month", "current month", "ce mois", "this mo", "ce mois ci", "mois en cours",
            "du mois",
            "cette fin de mois", "end of the month", "end of month", "fin du mois", "fin de mois",
            "this mo", "within the month",
        ),
        _this_month,
    ),
    (
        (
            "next month", "coming month", "following month", "next mo", "next mth", "mois pro",
            "le mois prochain", "mois prochain",
            "mois suivant", "le mois suivant", "the month after",
        ),
        _month_offset(1),
    ),
    (
        (
            "last month", "previous month", "past month", "last mo", "last mth",
            "le mois dernier", "mois dernier",
            "mois precedent", "le mois precedent", "le mois passe", "mois passe",
        ),
        _month_offset(-1),
    ),
    (
        (
            "this year", "current year", "cette annee", "annee en cours", "cette annee ci",
            "l annee en cours", "this yr",
        ),
        _year_offset(0),
    ),
    (
        (
            "next year", "coming year", "l annee prochaine", "annee prochaine", "l an prochain",
            "an prochain",
        ),
        _year_offset(1),
    ),
    (
        (
            "last year", "previous year", "l annee derniere", "annee derniere", "l an dernier",
            "an dernier", "l annee passee", "annee passee",
        ),
        _year_offset(-1),
    ),
    (("today", "aujourd hui", "aujourdhui", "ajd", "auj"), _day_offset(0)),
    (("tomorrow", "demain"), _day_offset(1)),
    (("yesterday", "hier"), _day_offset(-1)),
    (("this week", "current week", "cette semaine", "semaine en cours"), _week_offset(0)),
    (("next week", "la semaine prochaine", "semaine prochaine", "semaine pro"), _week_offset(1)),
    (("last week", "la semaine derniere", "semaine derniere", "semaine passee"), _week_offset(-1)),
    (("this quarter", "current quarter", "ce trimestre", "trimestre en cours"), _quarter_offset(0)),
    (("next quarter", "le trimestre prochain", "trimestre prochain"), _quarter_offset(1)),
    (("last quarter", "le trimestre dernier", "trimestre dernier"), _quarter_offset(-1)),
    (("soon", "bientot", "prochainement", "shortly", "upcoming", "a venir", "coming up"), _soon),
    (
        (
            "fortnight", "next fortnight", "coming fortnight", "upcoming fortnight",
            "quinzaine", "prochaine quinzaine", "quinzaine a venir", "quinzaine qui vient",
        ),
        _days_ahead(14),
    ),
    (
        (
            "end of the year", "end of year", "year end", "the year", "fin de l annee",
            "fin d annee", "fin de l an", "l annee",
        ),
        _year_offset(0),
    ),
    (
        ("end of the quarter", "end of quarter", "quarter end", "fin du trimestre"),
        _quarter_offset(0),
    ),
    (("end of the week", "end of week", "fin de la semaine"), _week_offset(0)),
    (("christmas", "xmas", "christmas day", "noel", "jour de noel"), _next_day_of_year(12, 25)),
    (
        (
            "new year", "new years", "new year s day", "new years day", "new year day",
            "jour de l an", "nouvel an", "premier de l an",
        ),
        _next_day_of_year(1, 1),
    ),
):
    for _form in _forms:
        PHRASES[_form] = _builder
_PHRASE_TOKENS = sorted((tuple(p.split()) for p in PHRASES), key=len, reverse=True)
# Date phrases of several words ("semaine pro"): never read as names ("pro" is a SKU).
DATE_PHRASES = tuple(p for p in _PHRASE_TOKENS if len(p) > 1)


def _match_phrase(tokens: Sequence[str], i: int, today: dt.date) -> DateMatch | None:
    for phrase in _PHRASE_TOKENS:
        n = len(phrase)
        if tuple(tokens[i : i + n]) == phrase:
            return DateMatch(PHRASES[" ".join(phrase)](today), i, i + n)
    return None


def _match_relative(
    tokens: Sequence[str], i: int, today: dt.date, language: str
) -> DateMatch | None:
    """next|last|within|dans les N days|weeks|months (prochains|derniers)."""
    number = parse_number(list(tokens), i, language)
    if number is None:
        return None
    value, used = number
    j = i + used
    middle = None
    if j < len(tokens) and tokens[j] in FUTURE_CUES | PAST_CUES:  # "30 prochains jours"
        middle, j = tokens[j], j + 1
    if j >= len(tokens):
        return None
    unit = tokens[j]
    if unit not in DAY_UNITS and unit not in MONTH_UNITS:
        return None
    end = j + 1
    if end < len(tokens) and tokens[end] in {
        "prochains", "prochaines", "suivants", "derniers", "dernieres", "ago", "passes",
    }:
        middle, end = tokens[end], end + 1
    start = i
    cues = set()
    for k in range(max(0, i - 3), i):
        if tokens[k] in FUTURE_CUES | PAST_CUES | {"the", "les", "d", "au", "cours", "des"}:
            cues.add(tokens[k])
            start = min(start, k) if tokens[k] in FUTURE_CUES | PAST_CUES else start
    if middle:
        cues.add(middle)
    if not cues & (FUTURE_CUES | PAST_CUES):
        return None
    past = bool(cues & PAST_CUES)
    if unit in MONTH_UNITS:
        y, m = add_months(today.year, today.month, -value if past else value)
        day = min(today.day, calendar.monthrange(y, m)[1])
        other = dt.date(y, m, day)
    else:
        other = today + dt.timedelta(days=(-1 if past else 1) * value * DAY_UNITS[unit])
    rng = DateRange(other, today) if past else DateRange(today, other)
    return DateMatch(rng, start, end)


def _match_months(tokens: Sequence[str], i: int, today: dt.date) -> DateMatch | None:
    """<month> [year]; between|from|entre|de <month> [year] and|to|et|a <month> [year];
    a bare year ("in 2027")."""
    n = len(tokens)
    start_tok = i
    lead = tokens[i] in {"between", "entre", "from", "de", "du", "d"}
    j = i + 1 if lead else i
    if j >= n:
        return None
    m1 = _month(tokens, j)
    if m1 is None:
        year_only = _year(tokens[j])
        before = tokens[j - 1] if j > 0 else ""
        if year_only and not lead and before in {"in", "en", "for", "during", "of", "pour"}:
            return DateMatch(
                DateRange(dt.date(year_only, 1, 1), dt.date(year_only, 12, 31)), j, j + 1
            )
        return None
    k = j + 1
    y1 = _year(tokens[k]) if k < n else None
    if y1:
        k += 1
    if k + 1 < n and tokens[k] in {
        "and", "to", "through", "until", "till", "et", "a", "au", "jusqu", "thru",
    }:
        k2 = k + 1
        if (
            k2 < n
            and tokens[k2] in {"a", "au", "fin", "end", "of", "de"}
            and tokens[k] in {"jusqu", "to", "until"}
        ):
            k2 += 1
        m2 = _month(tokens, k2) if k2 < n else None
        if m2 is not None:
            end_tok = k2 + 1
            y2 = _year(tokens[end_tok]) if end_tok < n else None
            if y2:
                end_tok += 1
            if y1 is None and y2 is None:
                y1 = next_occurrence(m1, today)
                y2 = y1 if m2 >= m1 else y1 + 1
            elif y1 is None:
                assert y2 is not None
                y1 = y2 if m1 <= m2 else y2 - 1
            elif y2 is None:
                y2 = y1 if m2 >= m1 else y1 + 1
            start, end = month_range(y1, m1).start, month_range(y2, m2).end
            if end >= start:
                return DateMatch(DateRange(start, end), start_tok, end_tok)
    if lead and tokens[i] not in {"de", "du", "d"}:
        start_tok = j  # "from December" alone: just the month
    elif lead:
        start_tok = j
    year = y1 or next_occurrence(m1, today)
    return DateMatch(month_range(year, m1), start_tok, j + (2 if y1 else 1))


def _match_day(tokens: Sequence[str], i: int, today: dt.date) -> DateMatch | None:
    """<day> <month> [year] or <month> <day> [year]: one day."""
    n = len(tokens)

    def day_at(k: int) -> int | None:
        if k < n and tokens[k].isdigit() and 1 <= int(tokens[k]) <= 31:
            return int(tokens[k])
        tok = tokens[k] if k < n else ""
        if tok in {"1er", "1st", "2nd", "3rd"} or (
            tok[:-2].isdigit() and tok[-2:] in {"th", "st", "nd", "rd"} and 1 <= int(tok[:-2]) <= 31
        ):
            return int(tok[:-2] if not tok.endswith("er") else tok[:-2])
        return None

    day, month, k = day_at(i), None, i + 1
    if day is not None and k < n and tokens[k] in MONTHS:
        month, k = MONTHS[tokens[k]], k + 1
    elif tokens[i] in MONTHS and day_at(k) is not None:
        month, day, k = MONTHS[tokens[i]], day_at(k), k + 1
    if month is None or day is None:
        return None
    year = _year(tokens[k]) if k < n else None
    if year:
        k += 1
    else:
        year = today.year if (month, day) >= (today.month, today.day) else today.year + 1
    try:
        when = dt.date(year, month, day)
    except ValueError:
        return None
    return DateMatch(DateRange(when, when), i, k)


QUARTER_ORDINALS = {
    "first": 1, "1st": 1, "premier": 1, "1er": 1, "second": 2, "2nd": 2, "deuxieme": 2,
    "2e": 2, "2eme": 2, "third": 3, "3rd": 3, "troisieme": 3, "3e": 3, "3eme": 3,
    "fourth": 4, "4th": 4, "quatrieme": 4, "4e": 4, "4eme": 4,
}
QUARTER_CODES = {f"{letter}{q}": q for letter in "qt" for q in range(1, 5)}
QUARTER_WORDS = frozenset({"quarter", "trimestre"})


def quarter_range(year: int, quarter: int) -> DateRange:
    first = 3 * quarter - 2
    return DateRange(month_range(year, first).start, month_range(year, first + 2).end)


def _match_quarter(tokens: Sequence[str], i: int, today: dt.date) -> DateMatch | None:
    """Q1 2027, T2, "the first quarter (of 2027)", "le premier trimestre": a calendar
    quarter; without a year, its next occurrence (this one if we are in it)."""
    n = len(tokens)
    quarter, k = QUARTER_CODES.get(tokens[i]), i + 1
    if quarter is None and tokens[i] in QUARTER_ORDINALS and k < n and tokens[k] in QUARTER_WORDS:
        quarter, k = QUARTER_ORDINALS[tokens[i]], k + 1
    if quarter is None:
        return None
    if k + 1 < n and tokens[k] in {"of", "de"} and _year(tokens[k + 1]):
        k += 1
    year = _year(tokens[k]) if k < n else None
    if year:
        k += 1
    else:
        current = (today.month - 1) // 3 + 1
        year = today.year if quarter >= current else today.year + 1
    return DateMatch(quarter_range(year, quarter), i, k)


WEEKDAYS = {
    "monday": 0, "lundi": 0, "tuesday": 1, "tue": 1, "tues": 1, "mardi": 1,
    "wednesday": 2, "wed": 2, "mercredi": 2, "thursday": 3, "thu": 3, "thurs": 3, "jeudi": 3,
    "friday": 4, "fri": 4, "vendredi": 4, "saturday": 5, "sat": 5, "samedi": 5,
    "sunday": 6, "sun": 6, "dimanche": 6,
}


def _match_weekday(tokens: Sequence[str], i: int, today: dt.date) -> DateMatch | None:
    """A weekday: its next occurrence, today included ("this friday", "vendredi"); "next
    friday" / "vendredi prochain" is the one of next week."""
    weekday = WEEKDAYS.get(tokens[i])
    if weekday is None:
        return None
    start, end = i, i + 1
    ahead = (weekday - today.weekday()) % 7
    before = tokens[i - 1] if i > 0 else ""
    after = tokens[i + 1] if i + 1 < len(tokens) else ""
    if before == "next" or after in {"prochain", "prochaine"}:
        monday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(weeks=1)
        when = monday + dt.timedelta(days=weekday)
        start, end = (i - 1, end) if before == "next" else (start, end + 1)
    else:
        when = today + dt.timedelta(days=ahead)
        if before in {"this", "ce"}:
            start = i - 1
    return DateMatch(DateRange(when, when), start, end)


BEFORE = frozenset({"before", "avant"})
UNTIL = frozenset({"until", "till", "by", "jusqu", "through", "ici"})
AFTER = frozenset({"after", "apres", "since", "depuis"})


def _with_bound(tokens: Sequence[str], found: DateMatch, today: dt.date) -> DateMatch:
    """'before March 2027' = today .. 28 Feb 2027; 'until/by' and 'before the end of'
    = today .. end; 'after' = the day after .. far future."""
    k = found.start - 1
    while k >= 0 and tokens[k] in {"the", "end", "of", "fin", "la", "a", "au", "de", "d", "le",
                                   "l", "du"}:
        k -= 1
    if k < 0:
        return found
    cue, rng = tokens[k], found.range
    # "before the end of <period>" / "avant la fin de ..." = today .. its last day (SPEC)
    end_of = any(t in {"end", "fin"} for t in tokens[k + 1:found.end])
    if cue in BEFORE and not end_of:
        last = rng.start - dt.timedelta(days=1)
        return DateMatch(DateRange(min(today, last), last), k, found.end)
    if cue in UNTIL or cue in BEFORE:
        return DateMatch(DateRange(min(today, rng.end), rng.end), k, found.end)
    if cue in AFTER:
        first = rng.end + dt.timedelta(days=1)
        return DateMatch(DateRange(first, FAR_FUTURE), k, found.end)
    return found


CUE_WORDS = (FUTURE_CUES | PAST_CUES | BEFORE | UNTIL | AFTER | MONTH_CUES
             | {"prochains", "prochaines", "suivants", "derniers", "dernieres", "passes"})


def match_grammar(tokens: Sequence[str], today: dt.date, language: str) -> DateMatch | None:
    for i in range(len(tokens)):
        for matcher in (_match_day, _match_months, _match_quarter, _match_weekday,
                        _match_phrase):
            found = matcher(tokens, i, today)
            if found:
                return _with_bound(tokens, found, today)
        found = _match_relative(tokens, i, today, language)
        if found:
            return found
    return None


def find_date_range(
    tokens: Sequence[str], today: dt.date, language: str, raw_text: str
) -> DateMatch | None:
    found = match_grammar(tokens, today, language)
    if found:
        return found
    if not any((t in DATE_WORDS and t not in AMBIGUOUS_MONTHS) or _year(t) for t in tokens):
        return None

    rng = match_recognizers(raw_text, today, language)
    if rng is None and language == "fr":
        rng = match_recognizers(raw_text, today, "en")
    if rng is None:
        return None
    used = [
        k
        for k, t in enumerate(tokens)
        if (t in DATE_WORDS and t not in AMBIGUOUS_MONTHS) or _year(t)
    ]
    return DateMatch(rng, min(used, default=0), max(used, default=-1) + 1)
