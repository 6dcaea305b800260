"""From text to Query: tokens, names, typo correction, dates, numbers, concepts, intent."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from functools import cache

from rapidfuzz import fuzz, process
from rapidfuzz.distance import DamerauLevenshtein

from services.understanding import countries, honesty, lexicon, shapes, states
from services.understanding.dates import (
    CUE_WORDS,
    DATE_PHRASES,
    DATE_WORDS,
    DAY_UNITS,
    MONTH_UNITS,
    MONTHS,
    DateMatch,
    find_date_range,
)
from services.understanding.function_words import (
    CHAT_ABBREVIATIONS,
    function_words,
    now_positions,
)
from services.understanding.intents import Signals, classify
from services.understanding.model import Filters, Intent, Query
from services.understanding.names import NameMatch
from services.understanding.numbers import NUMBER_WORDS, parse_number
from services.understanding.shapes import Grouping, Shape
from services.understanding.text import fold, phrase_positions, strip_mentions

# (question tokens, positions of words that are not vocabulary) -> visible name matches
# How the parser looks names up (the directory's NameResolver, bound to the asker's scope,
# is the one implementation): the question's tokens and the candidate spans to try.
NameLookup = Callable[[Sequence[str], Sequence[int]], Awaitable[list[NameMatch]]]

KINDS = ("customer", "partner", "distributor")
EXPIRY_WORDS = frozenset({"expire", "expirent", "expiring", "expiration", "echeance",
                          "renouvellement", "renouvellements", "renewal", "renewals"})
KIND_RANK = {"provider": 0, "distributor": 1, "partner": 2, "customer": 3}
PLACEHOLDER = "\u2022"
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")


@cache
def _vocabulary() -> tuple[frozenset[str], list[str]]:
    words = lexicon.vocabulary(set(DATE_WORDS) | set(MONTHS) | NUMBER_WORDS | CUE_WORDS | {
        "than", "yet", "encore", "ci", "hui", "aujourd", "its", "their", "leurs", "leur",
        "much", "many", "does", "did", "will", "va", "vont", "expire", "expires"}
        | states.WORDS | shapes.WORDS)
    words = words - NAME_WORDS
    return words, sorted(w for w in words if len(w) >= 4)  # "deck" is never "dec"


@cache
def _concept_words() -> frozenset[str]:
    """Words that carry meaning in questions (not fillers)."""
    return frozenset(w for forms in lexicon.CONCEPTS.values() for f in forms
                     for w in f.split())


@cache
def _concept_phrases() -> dict[str, list[tuple[str, ...]]]:
    return lexicon.phrases_by_concept()


def _correct(token: str) -> str:
    """An ordinary word with a typo -> the vocabulary word (one edit for short words,
    two for long ones; transpositions count as one edit)."""
    words, choices = _vocabulary()
    if token in words or len(token) < 4 or not token.isalpha():
        return token
    edits = 1 if len(token) <= 6 else 2
    found = process.extract(token, choices, scorer=DamerauLevenshtein.distance,
                            score_cutoff=edits, limit=10)
    if not found:
        return token
    letters = sorted(token)
    best = min(found, key=lambda f: (f[1], sorted(f[0]) != letters, abs(len(f[0]) - len(token)),
                                     -fuzz.ratio(token, f[0]), f[0]))
    return str(best[0])


# Words of command phrases that are also product names ("CoreView Audit"): not vocabulary,
# so they can still name a SKU; the command phrases are protected instead.
NAME_WORDS = frozenset({"audit"})
COMMAND_PHRASES = (("audit", "log"), ("audit", "logs"), ("audit", "trail"),
                   ("journal", "d", "audit"), ("journal", "audit"))


def _command_positions(tokens: Sequence[str]) -> set[int]:
    """Words of bot commands that must not be read as names ('audit' is also a SKU)."""
    return phrase_positions(tokens, COMMAND_PHRASES)


def _name_like(raw: Sequence[str], i: int) -> bool:
    """Capitalized mid-sentence: a name, never a typo to correct."""
    return i > 0 and raw[i][:1].isupper() and not raw[i].isupper()


def _tag(tokens: Sequence[str]) -> tuple[frozenset[str], dict[str, list[int]]]:
    """Concepts present and the token positions of each."""
    found: set[str] = set()
    where: dict[str, list[int]] = {}
    for concept, phrases in _concept_phrases().items():
        for i in range(len(tokens)):
            for phrase in phrases:
                if tuple(tokens[i:i + len(phrase)]) == phrase:
                    found.add(concept)
                    where.setdefault(concept, []).extend(range(i, i + len(phrase)))
                    break
    return frozenset(found), where


def _threshold(tokens: list[str], language: str) -> tuple[int | None, int | None, set[int]]:
    """(licenses_gt, licenses_lt, positions used): 'more than 500' -> gt 500."""
    gt = lt = None
    used: set[int] = set()
    phrases = _concept_phrases()
    comparators = [(c, p) for c in ("more_than", "at_least", "less_than", "at_most")
                   for p in phrases[c]]
    comparators.sort(key=lambda cp: len(cp[1]), reverse=True)
    i = 0
    while i < len(tokens):
        for concept, phrase in comparators:
            n = len(phrase)
            if tuple(tokens[i:i + n]) != phrase or i + n >= len(tokens):
                continue
            if tokens[i + n] in {"the", "les", "des", "de", "d"} and i + n + 1 < len(tokens):
                n += 1  # "dépassent les 400 licences"
            number = parse_number(tokens, i + n, language)
            if number is None:
                continue
            value, size = number
            after = tokens[i + n + size] if i + n + size < len(tokens) else ""
            if after in DAY_UNITS or after in MONTH_UNITS:  # "within 30 days" is a date
                continue
            if concept == "more_than":
                gt = value
            elif concept == "at_least":
                gt = value - 1
            elif concept == "less_than":
                lt = value
            else:
                lt = value + 1
            used.update(range(i, i + n + size))
            i += n + size - 1
            break
        i += 1
    if gt is None and lt is None:  # "300 licences et plus", "40 or fewer licenses"
        gt, lt, used = _postfix_threshold(tokens, language)
    if gt is None and lt is None:  # "between 100 and 500 licenses"
        for i, tok in enumerate(tokens):
            if tok in {"between", "entre"} and i + 3 < len(tokens):
                low, high = parse_number(tokens, i + 1, language), None
                if low and i + 1 + low[1] < len(tokens) and tokens[i + 1 + low[1]] in {
                        "and", "et"}:
                    high = parse_number(tokens, i + 2 + low[1], language)
                if low and high:
                    gt, lt = low[0] - 1, high[0] + 1
                    used.update(range(i, i + 2 + low[1] + high[1]))
    return gt, lt, used


AND_MORE = (("or", "more"), ("and", "more"), ("et", "plus"), ("ou", "plus"), ("and", "above"),
            ("or", "above"), ("and", "over"), ("or", "over"), ("and", "up"), ("minimum",),
            ("au", "moins"), ("at", "least"), ("ou", "davantage"), ("et", "davantage"))
OR_FEWER = (("or", "fewer"), ("or", "less"), ("ou", "moins"), ("et", "moins"),
            ("and", "under"), ("or", "under"), ("and", "below"), ("or", "below"),
            ("maximum",), ("max",), ("at", "most"), ("au", "plus"), ("tops",))
SEAT_WORDS = frozenset({"license", "licenses", "licence", "licences", "seat", "seats",
                        "siege", "sieges", "postes", "users", "utilisateurs"})


def _postfix_threshold(tokens: list[str], language: str
                       ) -> tuple[int | None, int | None, set[int]]:
    """An inclusive bound written after the number: "300 licences et plus", "40 seats or
    fewer", "100 licenses minimum"."""
    for i in range(len(tokens)):
        number = parse_number(tokens, i, language)
        if number is None:
            continue
        value, size = number
        k = i + size
        if k < len(tokens) and tokens[k] in SEAT_WORDS:
            k += 1
        for phrases, inclusive_low in ((AND_MORE, True), (OR_FEWER, False)):
            for phrase in phrases:
                if tuple(tokens[k:k + len(phrase)]) == phrase:
                    used = set(range(i, k + len(phrase)))
                    return (value - 1, None, used) if inclusive_low else (None, value + 1, used)
    return None, None, set()


def _onboarding(tokens: Sequence[str], concepts: frozenset[str],
                where: dict[str, list[int]]) -> str | None:
    if "not_invited" in concepts:
        return "not_invited"
    if "pending" in concepts and any(states.negated(tokens, p)
                                     for p in where.get("pending", [])):
        return "not_invited"  # "haven't been invited yet"
    if "pending" in concepts or ("accepted_invitation" in concepts and "not" in concepts):
        return "invited"
    if "need_onboarding" in concepts:
        return "not_onboarded"
    if "onboarded" in concepts or "onboard" in concepts:
        negated = "not" in concepts and any(
            p - k >= 0 for p in where.get("onboarded", []) + where.get("onboard", [])
            for k in range(1, 4) if p - k in where.get("not", []))
        if negated:
            return "not_onboarded"
        if "onboarded" in concepts:
            return "onboarded"
    return None


def _pick_names(matches: list[NameMatch], n_tokens: int) -> list[NameMatch]:
    taken = [False] * n_tokens
    chosen: list[NameMatch] = []
    for m in matches:
        if any(taken[m.start:m.end]):
            continue
        chosen.append(m)
        for k in range(m.start, m.end):
            taken[k] = True
    return chosen


VERB_ENDING = re.compile(r"(ent|ant|ons|ez|er|ait|aient|ing|ed)$")
NAME_INTRO = frozenset({"of", "de", "du", "des", "d", "chez", "under", "sous", "for", "pour"})


def _runs(positions: Sequence[int]) -> list[list[int]]:
    runs: list[list[int]] = []
    for p in sorted(positions):
        if runs and p == runs[-1][-1] + 1:
            runs[-1].append(p)
        else:
            runs.append([p])
    return runs


def _leftover_name(parsed: Reading, positions: Sequence[int], lenient: bool) -> str | None:
    """Words that must be an organization name yet match nothing the operator may see.

    Decided from the sentence's structure only, never from what exists elsewhere (an
    out-of-scope name must read exactly like an unknown one): right after 'of / de /
    chez', possessive ('Tailspin's'), just before a kind ('Tailspin customers'), or,
    in a one-organization question (LENIENT), any word that is not vocabulary."""
    tokens, where = parsed.tokens, parsed.where
    kinds = {p for k in KINDS for p in where.get(k, [])}
    fallback = None
    for run in _runs([p for p in positions if len(tokens[p]) >= 3]):
        first, last = run[0], run[-1]
        text = " ".join(parsed.raw[first:last + 1]) or " ".join(tokens[first:last + 1])
        joined_before = first - 1 not in parsed.boundaries
        joined_after = last not in parsed.boundaries
        structural = (
            (first > 0 and joined_before and tokens[first - 1] in NAME_INTRO)
            or (last + 1 < len(tokens) and tokens[last + 1] == "s")
            or (joined_after and last + 1 in kinds)
            or (joined_before and first - 1 in kinds and not VERB_ENDING.search(tokens[first]))
        )
        if structural:
            return text
        acronym = all(parsed.raw[p].isupper() for p in run if parsed.raw[p])
        if lenient and not acronym and fallback is None:
            fallback = text
    return fallback


@dataclass
class Reading:
    """One question as the passes read it. Each pass fills its own fields; `used` holds
    the positions that a recognised element accounts for."""

    text: str
    language: str
    today: dt.date
    tokens: list[str]
    raw: list[str]
    boundaries: frozenset[int]
    names: list[NameMatch] = field(default_factory=list)
    alternatives: tuple[NameMatch, ...] = ()  # close matches of a misspelt name
    unread: set[int] = field(default_factory=set)  # vocabulary words no pass could use
    context: set[int] = field(default_factory=set)  # a purpose clause, "now" phrases
    consumed: set[int] = field(default_factory=set)  # positions inside a name or country
    work: list[str] = field(default_factory=list)  # tokens, typos corrected, names masked
    leftover: list[int] = field(default_factory=list)  # positions that are not vocabulary
    used: set[int] = field(default_factory=set)
    gt: int | None = None
    lt: int | None = None
    date: DateMatch | None = None
    country: str | None = None
    concepts: frozenset[str] = frozenset()
    where: dict[str, list[int]] = field(default_factory=dict)
    kind: str | None = None
    subject: NameMatch | None = None
    parent: NameMatch | None = None
    sku: NameMatch | None = None
    lapsed: bool = False
    onboarding: str | None = None
    renewal: str | None = None
    booked: bool = False
    expired_subscription: bool = False
    grouping: Grouping | None = None
    shape: Shape | None = None
    intent: str = Intent.UNKNOWN
    faq: str | None = None
    email: str | None = None
    role: str | None = None
    unknown_name: str | None = None
    unaccounted: tuple[str, ...] = ()
    days: int | None = None  # a command's duration ("for 14 days")

    @classmethod
    def of(cls, text: str, language: str, today: dt.date) -> Reading:
        cleaned = strip_mentions(text)
        tokens = [CHAT_ABBREVIATIONS.get(t, t) for t in fold(cleaned).split()]
        return cls(cleaned, language, today, tokens, _raw_tokens(cleaned, len(tokens)),
                   _clause_ends(cleaned))

    def free(self, i: int) -> bool:
        """Not inside a name, a country, or an element another pass recognised."""
        return i not in self.consumed and i not in self.used

    @property
    def filters(self) -> Filters:
        return Filters(
            expiry=self.date.range if self.date else None, lapsed=self.lapsed,
            sku=self.sku.item.id if self.sku else None, licenses_gt=self.gt,
            licenses_lt=self.lt, onboarding=self.onboarding,
            parent=self.parent.item.id if self.parent else None, renewal=self.renewal,
            booked=self.booked, country=self.country,
            expired_subscription=self.expired_subscription)

    def query(self) -> Query:
        shape = self.shape
        return Query(
            intent=self.intent, language=self.language, today=self.today, kind=self.kind,
            filters=self.filters, subject=self.subject.item.id if self.subject else None,
            subject_name=self.subject.item.name if self.subject else None, faq=self.faq,
            unknown_name=self.unknown_name, text=self.text, email=self.email,
            role=self.role, unaccounted=self.unaccounted,
            measure=shape.measure if shape else None,
            group_by=shape.group_by if shape else None, limit=shape.limit if shape else None,
            suggestions=self.did_you_mean(), days=self.days)

    def did_you_mean(self) -> tuple[str, ...]:
        """The question again with each close name in place of the misspelt one."""
        out = []
        for m in self.alternatives:
            words = [*self.raw[:m.start], m.item.name, *self.raw[m.end:]]
            out.append(" ".join(words))
        return tuple(out)


async def parse(text: str, language: str, today: dt.date,
                resolve: NameLookup | None = None) -> Query:
    """The question read by a sequence of passes, each adding what it recognises."""
    reading = Reading.of(text, language, today)
    await find_names(reading, resolve)
    for step in PASSES:
        step(reading)
    return reading.query()


def _is_word(token: str, words: frozenset[str]) -> bool:
    return token in words or token.isdigit() or bool(EMAIL.match(token))


async def find_names(r: Reading, resolve: NameLookup | None) -> None:
    """Organization and SKU names the operator may see, through the scoped resolver."""
    words, _ = _vocabulary()
    protected = _command_positions(r.tokens) | phrase_positions(r.tokens, DATE_PHRASES)
    candidates = [i for i, t in enumerate(r.tokens) if i not in protected
                  and not _is_word(t, words)]
    found: list[NameMatch] = []
    if resolve is not None and candidates:
        found = await resolve(r.tokens, candidates)
        r.names = [m for m in _pick_names(found, len(r.tokens))
                   if not _inside_longer_name(r, m, set(candidates))]
    for m in r.names:
        r.consumed.update(range(m.start, m.end))
    r.alternatives = _close_alternatives(r.names, found)


CLOSE_SCORES = 3.0  # two names this close for the same words: ask which one


def _close_alternatives(chosen: Sequence[NameMatch], found: Sequence[NameMatch]
                        ) -> tuple[NameMatch, ...]:
    """Organizations that match a misspelt name about as well as the one chosen ("did
    you mean Fabrikam IT or Fabrikum Ltd?"); none when the name was written exactly."""
    org = next((m for m in chosen if m.item.kind != "sku"), None)
    if org is None or org.score >= 100:
        return ()
    rivals = [m for m in found if m.item.kind != "sku" and m.item.id != org.item.id
              and m.start < org.end and org.start < m.end and m.score >= org.score - CLOSE_SCORES]
    return (org, *rivals[:2]) if rivals else ()


def _inside_longer_name(r: Reading, m: NameMatch, candidates: set[int]) -> bool:
    """A part of a name ("Services" of Litware Services) right next to another unknown,
    capitalized word ("Initech Services"): the question names something else."""
    if m.score >= 100 or m.item.kind == "sku":
        return False
    around = [p for p in (m.start - 1, m.end) if 0 <= p < len(r.tokens)]
    return any(p in candidates and r.raw[p][:1].isupper() for p in around)


def find_country(r: Reading) -> None:
    """A country named in English or French, or by its ISO code after "in"."""
    found = countries.find_country(r.tokens, r.raw, [r.free(i) for i in range(len(r.tokens))])
    if found is not None:
        r.country = found.code
        r.consumed.update(range(found.start, found.end))


def correct_typos(r: Reading) -> None:
    """Ordinary words with a typo -> the vocabulary word; names are masked."""
    words, _ = _vocabulary()
    r.work = [PLACEHOLDER if i in r.consumed else t if _name_like(r.raw, i) else _correct(t)
              for i, t in enumerate(r.tokens)]
    r.leftover = [i for i, t in enumerate(r.work) if t != PLACEHOLDER and t not in words
                  and not EMAIL.match(t)]


def find_threshold(r: Reading) -> None:
    r.gt, r.lt, used = _threshold(r.work, r.language)
    r.used |= used


def find_grouping(r: Reading) -> None:
    """What a breakdown groups by ("per partner", "par mois"), before dates."""
    r.grouping = shapes.grouping(r.work, r.free)
    if r.grouping:
        r.used |= r.grouping.used


SNOOZE_WORDS = frozenset(w for form in lexicon.CONCEPTS["snooze"] + lexicon.CONCEPTS["unsnooze"]
                         for w in form.split()) - {"en", "the", "de", "la"}
DURATION_CUES = frozenset({"for", "pendant", "durant", "during"})


def find_duration(r: Reading) -> None:
    """How long a snooze lasts: "<N> days / weeks" ("for 14 days", "pendant 2 semaines"),
    only in a snooze command (elsewhere "14 days" is a date range)."""
    if not SNOOZE_WORDS & set(r.work):
        return
    for i in range(len(r.work) - 1):
        if i in r.used or not r.free(i):
            continue
        number = parse_number(r.work, i, r.language)
        if number is None:
            continue
        value, size = number
        unit = r.work[i + size] if i + size < len(r.work) else ""
        if unit in DAY_UNITS:
            r.days = value * DAY_UNITS[unit]
            cue = [i - 1] if i > 0 and r.work[i - 1] in DURATION_CUES else []
            r.used |= {*cue, *range(i, i + size + 1)}
            return


def find_date(r: Reading) -> None:
    """The expiry date range (SPEC "Dates in questions")."""
    masked = [PLACEHOLDER if i in r.used else t for i, t in enumerate(r.work)]
    r.date = _expiry_date(masked, r.tokens, r.today, r.language, r.text)
    if r.date:
        r.used |= set(range(r.date.start, r.date.end))


def tag_concepts(r: Reading) -> None:
    dates = set(range(r.date.start, r.date.end)) if r.date else set()
    r.concepts, r.where = _tag([PLACEHOLDER if i in dates else t
                                for i, t in enumerate(r.work)])


def find_kind(r: Reading) -> None:
    """The kind asked about: the first kind word (customers, partners, distributors)."""
    r.kind = next(iter(_kind_order(r.where)), None)


def place_names(r: Reading) -> None:
    """A named organization is the parent of the kind asked about ("customers of
    Fabrikam"), else the question's subject; a SKU name is a filter."""
    org = next((m for m in r.names if m.item.kind != "sku"), None)
    r.sku = next((m for m in r.names if m.item.kind == "sku"), None)
    if org is not None and org.own:
        # "customers of <my org>" = all customers in scope; "les opérateurs de <my org>"
        # is the operators question itself: accounted for, never a subject.
        if r.kind is not None and KIND_RANK.get(org.item.kind, 9) < KIND_RANK[r.kind]:
            r.parent = org
        return
    if org is not None:
        if r.kind is not None and KIND_RANK.get(org.item.kind, 9) < KIND_RANK[r.kind]:
            r.parent = org
        else:
            r.subject = org


def find_states(r: Reading) -> None:
    """Renewed / at risk, booked, an expired subscription, lapsed, onboarding."""
    r.renewal, used = states.renewal(r.work)
    r.used |= used
    booked = states.booked(r.work)
    r.booked, r.used = bool(booked), r.used | booked
    expired = states.expired_subscription(r.work, r.where.get("expired", []),
                                          r.date is not None)
    r.expired_subscription, r.used = bool(expired), r.used | expired
    r.lapsed = r.date is None and r.subject is None and not expired and not booked and (
        "expired" in r.concepts or _participle_expired(r.work, r.where))
    r.onboarding = _onboarding(r.work, r.concepts, r.where)


def find_shape(r: Reading) -> None:
    """A ranking or a breakdown rather than a list."""
    kinds = sorted(p for k in KINDS for p in r.where.get(k, []))
    if r.grouping:
        r.shape = shapes.breakdown(r.grouping, licenses="license" in r.concepts,
                                   expiries="expire" in r.concepts)
        if r.shape is None:  # nothing to count that way: reported, never dropped
            r.used -= r.grouping.used
            r.unread |= r.grouping.used
    else:
        r.shape = shapes.ranking(r.work, r.free, r.language, r.kind, kinds)
    if r.shape:
        r.used |= r.shape.used
        if r.shape.group_by == r.kind:  # "partners per partner" cannot be meant
            r.kind = None


def classify_intent(r: Reading) -> None:
    f = r.filters
    has_filter = any([f.expiry, f.lapsed, f.sku, f.licenses_gt is not None,
                      f.licenses_lt is not None, f.onboarding, f.parent, f.renewal, f.booked,
                      f.country, f.expired_subscription])
    r.email = next((t for t in r.tokens if EMAIL.match(t)), None)
    r.role = _role_named(r.tokens)
    concepts = r.concepts | ({"email"} if r.email else set()) | (
        {"role_named"} if r.email and r.role else set())
    r.intent, r.faq = classify(Signals(
        concepts=concepts, kind=r.kind, has_subject=r.subject is not None,
        has_filter=has_filter, has_threshold=r.gt is not None or r.lt is not None,
        has_range=r.date is not None, token_count=len(r.tokens),
        shape=r.shape.kind if r.shape else None, has_duration=r.days is not None))


def find_context(r: Reading) -> None:
    """Words that only frame the question: a leading purpose clause ("for the QBR deck,
    …"), a "now" phrase ("en ce moment")."""
    r.context = honesty.framing_clause(r.tokens, r.boundaries, r.where, r.used, r.names) \
        | now_positions(r.tokens)


NO_NAME_INTENTS = frozenset({
    Intent.HELP, Intent.FAQ, Intent.OPERATORS, Intent.OPERATOR_COUNT, Intent.AUDIT,
    Intent.ADD_OPERATOR, Intent.REMOVE_OPERATOR, Intent.CHANGE_ROLE, Intent.NOTIFY_SUBSCRIBE,
    Intent.NOTIFY_STOP, Intent.NOTIFY_SETTINGS, Intent.NOTIFY_SNOOZED, Intent.NOTIFY_STATUS,
    Intent.REPORT_SUBSCRIBE, Intent.REPORT_STOP})
# Commands about one organization: a name that matches nothing is "not found", the
# command stays what it is.
NAMED_COMMANDS = frozenset({Intent.SEND_ACTIVATION, Intent.NOTIFY_SNOOZE,
                            Intent.NOTIFY_UNSNOOZE})


def find_unknown_name(r: Reading) -> None:
    """Words that must be an organization's name yet match nothing the operator sees."""
    if r.subject is not None or r.parent is not None or r.intent in NO_NAME_INTENTS:
        return
    fillers = function_words()  # "quelqu'un", "among": never a name
    leftover = [i for i in r.leftover if i not in r.used | r.context
                and r.tokens[i] not in fillers]
    lenient = r.kind is None and (bool({"license", "sku", "when", "expire"} & r.concepts)
                                  or r.intent in NAMED_COMMANDS)
    r.unknown_name = _leftover_name(r, leftover, lenient)
    if r.unknown_name and r.intent not in NAMED_COMMANDS and (
            r.intent == Intent.UNKNOWN or r.kind is None) and r.shape is None:
        r.intent = _org_intent(r.concepts)  # "when does <a name we do not know> expire"


def account_for_words(r: Reading) -> None:
    """Never confidently wrong: what no pass accounted for is reported (clarify), data the
    Partner App does not hold is `unsupported`."""
    leftover = [i for i in r.leftover if i not in r.used]
    context = r.context
    r.unread |= _unused_corrections(r)
    r.unaccounted = honesty.unaccounted(r.tokens, r.raw, r.work, leftover, r.names,
                                        r.unknown_name, context)
    r.unaccounted += tuple(r.raw[p] or r.tokens[p] for p in sorted(r.unread - context)
                           if (r.raw[p] or r.tokens[p]) not in r.unaccounted)
    unsupported = any(p not in context for p in r.where.get("unsupported", []))
    r.intent = honesty.honest(r.intent, unsupported, r.unaccounted, r.unknown_name)
    if r.alternatives and r.intent in honesty.DIRECTORY_INTENTS:
        # a misspelt name two organizations match about as well: ask which one
        m = r.alternatives[0]
        r.intent, r.unaccounted = Intent.CLARIFY, (" ".join(r.raw[m.start:m.end]),)
    if r.intent in {Intent.LIST, Intent.COUNT, Intent.LICENSE_TOTAL, Intent.RANKING,
                    Intent.BREAKDOWN} and r.kind is None:
        r.kind = "customer"  # "who" about expiry, SKUs or licenses means customers


def _unused_corrections(r: Reading) -> set[int]:
    """Words corrected into vocabulary that no element then used ("logos" -> "logs"): the
    correction was a guess, so the word is reported."""
    tagged = {p for positions in r.where.values() for p in positions}
    fillers = function_words()
    return {i for i, (t, w) in enumerate(zip(r.tokens, r.work, strict=True))
            if w != t and w != PLACEHOLDER and i not in r.used | tagged | r.consumed
            and t not in fillers}


Pass = Callable[[Reading], None]
# The order matters: names and countries are masked before typo correction; numbers of
# thresholds before dates ("more than 30 licenses" is not "30 days"); states and shapes
# read the concepts; the intent reads everything; honesty comes last.
PASSES: tuple[Pass, ...] = (
    find_country,
    correct_typos,
    find_threshold,
    find_grouping,
    find_duration,
    find_date,
    tag_concepts,
    find_kind,
    place_names,
    find_states,
    find_shape,
    classify_intent,
    find_context,
    find_unknown_name,
    account_for_words,
)


ROLE_WORDS = {"reader": "reader", "lecteur": "reader", "lectrice": "reader",
              "admin": "admin", "administrator": "admin", "administrateur": "admin",
              "administratrice": "admin"}
ROLE_WORDS |= {f"{word}s": role for word, role in ROLE_WORDS.items()}


def _role_named(tokens: Sequence[str]) -> str | None:
    return next((ROLE_WORDS[t] for t in tokens if t in ROLE_WORDS), None)


def _org_intent(concepts: frozenset[str]) -> str:
    if "sku" in concepts:
        return Intent.ORG_SKUS
    if "license" in concepts:
        return Intent.ORG_LICENSES
    if {"when", "expire", "expired"} & concepts:
        return Intent.ORG_EXPIRY
    return Intent.ORG_DETAILS


def _kind_order(where: dict[str, list[int]]) -> list[str]:
    """Kinds in order of appearance, ignoring the product's name ('the partner app')."""
    product = set(where.get("product", []))
    first = sorted((min(positions), k) for k in KINDS
                   if (positions := [p for p in where.get(k, []) if p not in product]))
    return [k for _pos, k in first]


def _expiry_date(tokens: list[str], original: Sequence[str], today: dt.date, language: str,
                 raw: str) -> DateMatch | None:
    """The date range the question filters on; a date that only dates something else
    ('pour le comité de demain', "for tomorrow's meeting") is skipped."""
    for _ in range(3):
        found = find_date_range(tokens, today, language, raw)
        if found is None:
            return None
        before = tokens[found.start - 1] if found.start > 0 else ""
        owner = original[found.start - 2] if found.start > 1 else ""
        after = tokens[found.end] if found.end < len(tokens) else ""
        following = tokens[found.end + 1] if found.end + 1 < len(tokens) else ""
        dates_a_noun = before in {"de", "du", "d"} and owner not in _concept_words() \
            and tokens[found.start] != "ici"  # "d'ici Noël" is a bound, not "of"
        possessive = after == "s" and following not in _concept_words()
        if not dates_a_noun and not possessive:
            return found
        tokens = [PLACEHOLDER if found.start <= i < found.end else t
                  for i, t in enumerate(tokens)]
    return None


AUXILIARIES = frozenset({"sont", "est", "ont", "are", "is", "were", "was", "have", "has",
                         "etaient", "etait"})
PARTICIPLES = frozenset({"expires", "expire", "expired", "expirees", "expiree"})


def _participle_expired(tokens: Sequence[str], where: dict[str, list[int]]) -> bool:
    """'clients expirés' (folded 'clients expires'), 'clients sont actuellement expirés',
    'customers that are expired': an expired state, not an expiry date."""
    kinds = {p for k in KINDS for p in where.get(k, [])}
    for i, tok in enumerate(tokens):
        if tok not in PARTICIPLES:
            continue
        if tok == "expires" and i - 1 in kinds:
            return True
        if any(tokens[k] in AUXILIARIES for k in range(max(0, i - 3), i)):
            return True
    return False


_CLAUSE = re.compile(r"[,:;!?\u2013\u2014]|\s-\s")


def _clause_ends(cleaned: str) -> frozenset[int]:
    """Indices of the tokens that end a clause, so 'the QBR: customers' does not read as
    'QBR customers'."""
    ends, count = set(), 0
    for segment in _CLAUSE.split(cleaned):
        count += len(fold(segment).split())
        ends.add(count - 1)
    return frozenset(ends)


def _raw_tokens(cleaned: str, count: int) -> list[str]:
    """The original words aligned with the folded tokens (for casing and display)."""
    pieces = re.sub(r"[\u2019'\-]", " ", cleaned)
    pieces = re.sub(r"[^\w@.+<>= ]+", " ", pieces)
    pieces = re.sub(r"\.(?=\s|$)", " ", pieces)
    pieces = re.sub(r"([<>]=?)", r" \1 ", pieces)
    raw = pieces.split()
    if len(raw) != count:
        return [""] * count
    return raw
