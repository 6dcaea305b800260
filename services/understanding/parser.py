"""From text to Query: tokens, names, typo correction, dates, numbers, concepts, intent."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from functools import cache

from rapidfuzz import fuzz, process
from rapidfuzz.distance import DamerauLevenshtein

from services.understanding import lexicon
from services.understanding.dates import (
    CUE_WORDS,
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
        "much", "many", "does", "did", "will", "va", "vont", "expire", "expires"})
    words = words - NAME_WORDS
    return words, sorted(w for w in words if len(w) >= 3)


@cache
def _concept_words() -> frozenset[str]:
    """Words that carry meaning in questions (not fillers)."""
    return frozenset(w for forms in lexicon.CONCEPTS.values() for f in forms
                     for w in f.split())


@cache
def _concept_phrases() -> dict[str, list[tuple[str, ...]]]:
    return lexicon.phrases_by_concept()


@dataclass
class _Parsed:
    tokens: list[str]
    raw: list[str]
    consumed: list[bool]
    boundaries: frozenset[int] = frozenset()  # token i ends a clause (, : ; ? !)


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


def _name_like(parsed: _Parsed, i: int) -> bool:
    """Capitalized mid-sentence: a name, never a typo to correct."""
    return i > 0 and parsed.raw[i][:1].isupper() and not parsed.raw[i].isupper()


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


def _onboarding(tokens: Sequence[str], concepts: frozenset[str],
                where: dict[str, list[int]]) -> str | None:
    if "not_invited" in concepts:
        return "not_invited"
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


def _leftover_name(parsed: _Parsed, positions: Sequence[int], where: dict[str, list[int]],
                   lenient: bool) -> str | None:
    """Words that must be an organization name yet match nothing the operator may see.

    Decided from the sentence's structure only, never from what exists elsewhere (an
    out-of-scope name must read exactly like an unknown one): right after 'of / de /
    chez', possessive ('Tailspin's'), just before a kind ('Tailspin customers'), or,
    in a one-organization question (LENIENT), any word that is not vocabulary."""
    tokens = parsed.tokens
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


async def parse(text: str, language: str, today: dt.date,
                resolve: NameLookup | None = None) -> Query:
    cleaned = strip_mentions(text)
    folded = [CHAT_ABBREVIATIONS.get(t, t) for t in fold(cleaned).split()]
    raw = _raw_tokens(cleaned, len(folded))
    parsed = _Parsed(list(folded), raw, [False] * len(folded), _clause_ends(cleaned))
    words, _ = _vocabulary()
    tokens = parsed.tokens

    protected = _command_positions(tokens)
    unknown = [i for i, t in enumerate(tokens) if i not in protected
               and t not in words and not t.isdigit() and not EMAIL.match(t)]
    names: list[NameMatch] = []
    if resolve is not None and unknown:
        names = _pick_names(await resolve(tokens, unknown), len(tokens))
    for m in names:
        for k in range(m.start, m.end):
            parsed.consumed[k] = True

    work = [PLACEHOLDER if parsed.consumed[i] else t if _name_like(parsed, i) else _correct(t)
            for i, t in enumerate(tokens)]
    leftover = [i for i, t in enumerate(work) if t != PLACEHOLDER and t not in words
                and not t.isdigit() and not EMAIL.match(t)]

    gt, lt, threshold_positions = _threshold(work, language)
    dated = [PLACEHOLDER if i in threshold_positions else t for i, t in enumerate(work)]
    date = _expiry_date(dated, tokens, today, language, cleaned)
    date_positions = set(range(date.start, date.end)) if date else set()
    concepts, where = _tag([PLACEHOLDER if i in date_positions else t
                            for i, t in enumerate(work)])
    leftover = [i for i in leftover if i not in date_positions | threshold_positions]

    kind = next(iter(_kind_order(where)), None)
    org = next((m for m in names if m.item.kind != "sku"), None)
    sku = next((m for m in names if m.item.kind == "sku"), None)

    parent = subject = None
    if org is not None:
        if kind is not None and KIND_RANK.get(org.item.kind, 9) < KIND_RANK[kind]:
            parent = org  # "customers of Fabrikam"
        else:
            subject = org

    lapsed = date is None and subject is None and (
        "expired" in concepts or _participle_expired(work, where))
    onboarding = _onboarding(work, concepts, where)
    filters = Filters(
        expiry=date.range if date else None, lapsed=lapsed,
        sku=sku.item.id if sku else None, licenses_gt=gt, licenses_lt=lt,
        onboarding=onboarding, parent=parent.item.id if parent else None,
    )
    has_filter = any([filters.expiry, lapsed, filters.sku, gt is not None, lt is not None,
                      onboarding, filters.parent])
    signals = Signals(
        concepts=concepts, kind=kind, has_subject=subject is not None, has_filter=has_filter,
        has_threshold=gt is not None or lt is not None, has_range=date is not None,
        token_count=len(tokens),
    )
    email = next((t for t in tokens if EMAIL.match(t)), None)
    role = _role_named(tokens)
    if email:
        signals = replace(signals, concepts=signals.concepts | {"email"} | (
            {"role_named"} if role else set()))
    intent, faq = classify(signals)
    unknown_name = None
    if subject is None and parent is None and intent not in {
            Intent.HELP, Intent.FAQ, Intent.OPERATORS, Intent.AUDIT, Intent.ADD_OPERATOR,
            Intent.REMOVE_OPERATOR, Intent.CHANGE_ROLE, Intent.NOTIFY_SUBSCRIBE,
            Intent.NOTIFY_STOP, Intent.NOTIFY_SETTINGS}:
        lenient = kind is None and (bool({"license", "sku", "when", "expire"} & concepts)
                                    or intent == Intent.SEND_ACTIVATION)
        unknown_name = _leftover_name(parsed, leftover, where, lenient)
        if unknown_name and intent != Intent.SEND_ACTIVATION and (
                intent == Intent.UNKNOWN or kind is None):
            intent = _org_intent(concepts)  # "when does <a name we do not know> expire"
    used = date_positions | threshold_positions
    context = _framing_clause(parsed, where, used, names) | now_positions(tokens)
    unaccounted = _unaccounted(parsed, work, leftover, names, unknown_name, context)
    unsupported = any(p not in context for p in where.get("unsupported", []))
    intent = _honest(intent, unsupported, unaccounted, unknown_name)
    if intent in {Intent.LIST, Intent.COUNT, Intent.LICENSE_TOTAL} and kind is None:
        kind = "customer"  # "who" about expiry, SKUs or licenses means customers
    return Query(
        intent=intent, language=language, today=today, kind=kind, filters=filters,
        subject=subject.item.id if subject else None,
        subject_name=subject.item.name if subject else None, faq=faq,
        unknown_name=unknown_name, text=cleaned, email=email, role=role,
        unaccounted=unaccounted,
    )


# Questions answered from the directory: a part of one that nothing understood must be
# reported, never dropped (SPEC section 3, "never confidently wrong").
DIRECTORY_INTENTS = frozenset({Intent.LIST, Intent.COUNT, Intent.LICENSE_TOTAL,
                               Intent.ORG_LICENSES, Intent.ORG_EXPIRY, Intent.ORG_SKUS,
                               Intent.ORG_DETAILS})


def _honest(intent: str, unsupported: bool, unaccounted: Sequence[str],
            unknown_name: str | None) -> str:
    """Data the Partner App does not hold is `unsupported`; a directory question with
    words nothing understood is `clarify` (a name that matches nothing is answered as
    not found instead: that answer is honest too)."""
    if unsupported and intent in DIRECTORY_INTENTS | {
            Intent.UNKNOWN, Intent.NOTIFY_SUBSCRIBE, Intent.OPERATORS}:
        return Intent.UNSUPPORTED
    if unaccounted and unknown_name is None and intent in DIRECTORY_INTENTS:
        return Intent.CLARIFY
    return intent


POSSESSIVES = frozenset({"my", "our", "mon", "ma", "mes", "notre", "nos"})
# "my org", "notre société": the operator's own organization (SPEC section 1)
OWN_ORGANIZATION = frozenset({"org", "orga", "organisation", "organization", "company",
                              "societe", "entreprise", "firm", "firme"})


def _unaccounted(parsed: _Parsed, work: Sequence[str], leftover: Sequence[int],
                 names: Sequence[NameMatch], unknown_name: str | None,
                 context: set[int]) -> tuple[str, ...]:
    """The question's words that nothing accounts for: not a recognised element (kind,
    measure, filter, date, number, name, SKU), not a function word of English or French,
    not the operator's own organization after a possessive ("my org"), not the rest of a
    name the question matched, and not a leading clause that names none of these ("for
    the QBR, ...": context)."""
    tokens = parsed.tokens
    fillers = function_words()
    named: set[str] = set()
    for m in names:
        named.update(fold(m.item.name).replace("-", " ").split())
        named.update(fold(m.item.id).replace("-", " ").split())
    if unknown_name:
        named.update(fold(unknown_name).split())
    out: list[str] = []
    for p in leftover:
        token = tokens[p]
        if p in context or token in named or work[p] in fillers or token in fillers \
                or len(token) <= 1:
            continue
        if token in OWN_ORGANIZATION and any(tokens[k] in POSSESSIVES
                                             for k in range(max(0, p - 2), p)):
            continue
        out.append(parsed.raw[p] or token)
    return tuple(out)


# Words that mark a clause as the purpose of the question ("for the QBR", "QBR prep",
# "ahead of the review", "pour le comité", "en vue de la revue").
PURPOSE_MARKERS = frozenset({"for", "ahead", "before", "prep", "prepping", "preparing",
                             "preparation", "pour", "avant", "vue", "regarding", "re",
                             "concernant"})
SUBJECTS = frozenset({"i", "we", "je", "j", "nous", "on"})
# concepts that a framing clause may hold without naming anything ("for", "the", "my")
FRAMING_CONCEPTS = frozenset({"of", "me", "list", "has", "how"})


def _framing_clause(parsed: _Parsed, where: dict[str, list[int]], used: set[int],
                    names: Sequence[NameMatch]) -> set[int]:
    """The positions of a leading clause that only says what the question is for ("for
    the QBR:", "QBR prep -", "for the QBR deck I need ..."): it ends at a clause boundary
    or before a first-person subject, holds a purpose marker, and holds no recognised
    element (kind, measure, filter, date, number, name)."""
    tokens = parsed.tokens
    ends = [b for b in parsed.boundaries if b < len(tokens) - 1]
    ends += [i - 1 for i, t in enumerate(tokens) if t in SUBJECTS and i > 1]
    if not ends:
        return set()
    span = set(range(min(ends) + 1))
    if not any(tokens[p] in PURPOSE_MARKERS for p in span):
        return set()
    elements = {p for concept, positions in where.items() if concept not in FRAMING_CONCEPTS
                for p in positions} | used | {k for m in names for k in range(m.start, m.end)}
    return set() if span & elements else span


ROLE_WORDS = {"reader": "reader", "lecteur": "reader", "lectrice": "reader",
              "admin": "admin", "administrator": "admin", "administrateur": "admin",
              "administratrice": "admin"}


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
        dates_a_noun = before in {"de", "du", "d"} and owner not in _concept_words()
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
