"""The shape of an answer other than a list (SPEC section 1): a ranking ("top 5
customers by licenses", "quel partenaire a le plus de clients") or a breakdown
("licenses per SKU", "nombre de clients par pays", "expiries per month")."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from services.understanding.numbers import parse_number
from services.understanding.text import phrase_positions

RANKING_CUES = (("top",), ("biggest",), ("largest",), ("most",), ("highest",),
                ("greatest",), ("plus", "gros"), ("plus", "grosses"), ("plus", "grands"),
                ("plus", "grandes"), ("principaux",), ("principales",), ("le", "plus", "de"),
                ("le", "plus", "d"), ("la", "plus", "de"), ("les", "plus", "de"),
                ("ranking",), ("ranked",), ("rank",), ("classement",), ("classes",))
GROUP_CUES = (("per",), ("by",), ("par",), ("each",), ("every",), ("chaque",),
              ("for", "each"), ("pour", "chaque"), ("broken", "down", "by"),
              ("split", "by"), ("grouped", "by"), ("group", "by"), ("breakdown", "by"),
              ("breakdown", "per"), ("ventiles", "par"), ("ventilees", "par"),
              ("repartis", "par"), ("reparties", "par"), ("groupes", "par"),
              ("month", "by"), ("mois", "par"))
BREAKDOWN_WORDS = frozenset({"breakdown", "repartition", "ventilation", "split"})
GROUPS = {
    "partner": "partner", "partners": "partner", "partenaire": "partner",
    "partenaires": "partner", "reseller": "partner", "resellers": "partner",
    "revendeur": "partner", "revendeurs": "partner",
    "distributor": "distributor", "distributors": "distributor",
    "distributeur": "distributor", "distributeurs": "distributor",
    "sku": "sku", "skus": "sku", "product": "sku", "products": "sku", "produit": "sku",
    "produits": "sku", "plan": "sku", "plans": "sku", "offer": "sku", "offre": "sku",
    "country": "country", "countries": "country", "pays": "country",
    "month": "month", "months": "month", "mois": "month",
}
SKIP = frozenset({"the", "le", "la", "les", "l", "each", "chaque", "a", "un", "une",
                  "number", "nombre", "of", "de", "d"})
LICENSE_WORDS = frozenset({"license", "licenses", "licence", "licences", "seat", "seats",
                           "siege", "sieges", "postes"})
CUSTOMER_WORDS = frozenset({"customer", "customers", "client", "clients", "clientes",
                            "tenants", "accounts", "comptes"})
SINGULAR_KINDS = frozenset({"customer", "client", "cliente", "tenant", "account", "compte",
                            "partner", "partenaire", "reseller", "revendeur", "distributor",
                            "distributeur"})


@dataclass(frozen=True)
class Shape:
    kind: str  # "ranking" | "breakdown"
    measure: str  # one of model.MEASURES
    group_by: str | None = None
    limit: int | None = None
    used: frozenset[int] = frozenset()


def _next_word(tokens: Sequence[str], start: int, free: Callable[[int], bool]) -> int | None:
    k = start
    while k < len(tokens) and tokens[k] in SKIP and free(k):
        k += 1
    return k if k < len(tokens) and free(k) else None


@dataclass(frozen=True)
class Grouping:
    group_by: str  # one of model.GROUPINGS
    used: frozenset[int]


def grouping(tokens: Sequence[str], free: Callable[[int], bool]) -> Grouping | None:
    """A grouping cue followed by what to group by: "per partner", "par pays", "month by
    month" (read before dates, so that "par mois" is not "this month")."""
    for phrase in sorted(GROUP_CUES, key=len, reverse=True):
        n = len(phrase)
        for i in range(len(tokens) - n + 1):
            if tuple(tokens[i:i + n]) != phrase or not all(free(k) for k in range(i, i + n)):
                continue
            k = _next_word(tokens, i + n, free)
            group = GROUPS.get(tokens[k]) if k is not None else None
            if group is None or k is None:
                continue
            used = set(range(i, k + 1)) | {p for p, t in enumerate(tokens)
                                           if t in BREAKDOWN_WORDS and free(p)}
            return Grouping(group, frozenset(used))
    return None


def breakdown(found: Grouping, *, licenses: bool, expiries: bool) -> Shape | None:
    """The breakdown of a grouping, with its measure: seats, expiries (per month) or
    organizations; none for "customers per month" (nothing to count by month)."""
    if found.group_by == "month":
        return Shape("breakdown", "expiries", "month", used=found.used) if expiries else None
    measure = "licenses" if licenses else "organizations"
    return Shape("breakdown", measure, group_by=found.group_by, used=found.used)


def ranking(tokens: Sequence[str], free: Callable[[int], bool], language: str,
            kind: str | None, kinds: Sequence[int]) -> Shape | None:
    """A ranking cue, the N it shows, and its measure: licenses, or customers when
    partners or distributors are ranked by them. KIND: the kind ranked; KINDS: the
    positions of kind words."""
    cues = sorted(p for p in phrase_positions(tokens, RANKING_CUES) if free(p))
    if not cues:
        return None
    used = set(cues)
    limit = _limit(tokens, cues, language, used)
    measure = "licenses"
    after = [k for k in range(cues[0] + 1, len(tokens)) if free(k) or k in kinds]
    counted = next((k for k in after if tokens[k] in CUSTOMER_WORDS | LICENSE_WORDS), None)
    if counted is not None and tokens[counted] in CUSTOMER_WORDS and kind in {
            "partner", "distributor"}:
        measure = "organizations"  # "the partner with the most customers"
        used.add(counted)
    elif counted is not None and tokens[counted] in LICENSE_WORDS:
        used.add(counted)
    for k in range(len(tokens) - 1):  # "by licenses", "par nombre de clients"
        if tokens[k] in {"by", "par", "in", "en"} and free(k):
            nxt = _next_word(tokens, k + 1, free)
            if nxt is not None and tokens[nxt] in LICENSE_WORDS | CUSTOMER_WORDS:
                used.update(range(k, nxt + 1))
                if tokens[nxt] in CUSTOMER_WORDS and kind in {"partner", "distributor"}:
                    measure = "organizations"
    if limit is None:
        ranked = [p for p in kinds if p not in used]
        if ranked and tokens[ranked[0]] in SINGULAR_KINDS:
            limit = 1  # "which partner has the most", "the biggest customer"
    return Shape("ranking", measure, limit=limit, used=frozenset(used))


def _limit(tokens: Sequence[str], cues: Sequence[int], language: str,
           used: set[int]) -> int | None:
    """"top 10", "the 3 biggest", "les 3 plus gros"."""
    for cue in cues:
        for start in (cue + 1, cue - 1, cue - 2):
            if not 0 <= start < len(tokens) or start in cues:
                continue
            number = parse_number(list(tokens), start, language)
            if number and number[0] > 0 and start + number[1] <= len(tokens):
                if start < cue and start + number[1] != cue:
                    continue
                used.update(range(start, start + number[1]))
                return min(number[0], 100)
    return None


# The words of rankings and breakdowns, for typo correction ("biggset" -> "biggest").
WORDS = frozenset(w for phrases in (RANKING_CUES, GROUP_CUES) for p in phrases for w in p) \
    | BREAKDOWN_WORDS | frozenset(GROUPS)
