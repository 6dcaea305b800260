"""Never confidently wrong (SPEC section 3): every word of a question is accounted for
by a recognised element, a name, or a function word; what nothing accounts for makes a
directory question `clarify`, and data the Partner App does not hold `unsupported`."""

from __future__ import annotations

from collections.abc import Sequence

from services.understanding.function_words import function_words
from services.understanding.model import Intent
from services.understanding.names import NameMatch
from services.understanding.text import fold

# Questions answered from the directory: a part of one that nothing understood must be
# reported, never dropped (SPEC section 3, "never confidently wrong").
DIRECTORY_INTENTS = frozenset({Intent.LIST, Intent.COUNT, Intent.LICENSE_TOTAL,
                               Intent.ORG_LICENSES, Intent.ORG_EXPIRY, Intent.ORG_SKUS,
                               Intent.ORG_DETAILS, Intent.ORG_ONBOARDING, Intent.RANKING,
                               Intent.BREAKDOWN})


def honest(intent: str, unsupported: bool, unaccounted: Sequence[str],
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


def unaccounted(tokens: Sequence[str], raw: Sequence[str], work: Sequence[str],
                leftover: Sequence[int], names: Sequence[NameMatch], unknown_name: str | None,
                 context: set[int]) -> tuple[str, ...]:
    """The question's words that nothing accounts for: not a recognised element (kind,
    measure, filter, date, number, name, SKU), not a function word of English or French,
    not the operator's own organization after a possessive ("my org"), not the rest of a
    name the question matched, and not a leading clause that names none of these ("for
    the QBR, ...": context)."""
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
        out.append(raw[p] or token)
    return tuple(out)


# Words that mark a clause as the purpose of the question ("for the QBR", "QBR prep",
# "ahead of the review", "pour le comité", "en vue de la revue").
PURPOSE_MARKERS = frozenset({"for", "ahead", "before", "prep", "prepping", "preparing",
                             "preparation", "pour", "avant", "vue", "regarding", "re",
                             "concernant"})
SUBJECTS = frozenset({"i", "we", "je", "j", "nous", "on"})
# Nouns naming the occasion a question is for ("the churn review", "a call with X", "le
# comité de pilotage"): a purpose clause built on one may hold modifiers and names.
OCCASIONS = frozenset({"meeting", "meetings", "call", "calls", "review", "reviews", "deck",
                       "decks", "board", "summit", "presentation", "report", "workshop",
                       "qbr", "qbrs", "demo", "reunion", "reunions", "comite", "revue",
                       "rapport", "point", "atelier", "rdv", "seminaire", "visite", "visit"})
# concepts that a framing clause may hold without naming anything ("for", "the", "my")
FRAMING_CONCEPTS = frozenset({"of", "me", "list", "has", "how"})


def framing_clause(tokens: Sequence[str], boundaries: frozenset[int],
                   where: dict[str, list[int]], used: set[int],
                   names: Sequence[NameMatch]) -> set[int]:
    """The positions of a leading clause that only says what the question is for ("for
    the QBR:", "QBR prep -", "for the QBR deck I need ..."): it ends at a clause boundary
    or before a first-person subject, holds a purpose marker, and holds no recognised
    element (kind, measure, filter, date, number, name)."""
    ends = [b for b in boundaries if b < len(tokens) - 1]
    ends += [i - 1 for i, t in enumerate(tokens) if t in SUBJECTS and i > 1]
    if not ends:
        return set()
    span = set(range(min(ends) + 1))
    if not any(tokens[p] in PURPOSE_MARKERS for p in span):
        return set()
    elements = {p for concept, positions in where.items() if concept not in FRAMING_CONCEPTS
                for p in positions} | used | {k for m in names for k in range(m.start, m.end)}
    if span & elements and not any(tokens[p] in OCCASIONS for p in span):
        return set()
    return span - elements  # what the clause names still counts (a name, a kind)


