"""States a question filters on (SPEC section 1): renewed / at risk, a renewal booked
ahead (not started yet), an expired subscription, lapsed, onboarding.

Each state is read from the words the question uses for it and the negation before
them, within the same few words: "not renewed", "pas encore renouvelés", "has not
started yet", "n'a pas encore commencé"."""

from __future__ import annotations

from collections.abc import Sequence

from services.understanding.text import phrase_positions

NEGATIONS = frozenset({"not", "no", "non", "pas", "never", "jamais", "without", "sans",
                       "unrenewed", "nt"})
NEGATION_REACH = 4  # "are not yet renewed", "ne sont toujours pas renouvelés"

# Participles and adjectives of a renewal (never the noun "renewal", which dates an
# expiry: "up for renewal").
RENEWED = (("renewed",), ("renouvele",), ("renouveles",), ("renouvelee",), ("renouvelees",),
           ("auto", "renew"), ("auto", "renews"), ("auto", "renewing"), ("auto", "renewal"),
           ("auto", "renewed"), ("autorenew",), ("renew", "automatically"),
           ("renews", "automatically"), ("renouvellement", "automatique"),
           ("renouvellent", "automatiquement"), ("renouvelle", "automatiquement"),
           ("reconduction", "tacite"), ("tacite", "reconduction"), ("reconduits",),
           ("reconduit",), ("reconduites",))
AT_RISK = (("at", "risk"), ("a", "risque"), ("en", "risque"), ("at", "risque"),
           ("unrenewed",), ("non", "renouveles"), ("non", "renouvelees"),
           ("not", "renewing"), ("won", "t", "renew"), ("will", "not", "renew"),
           ("ne", "renouvellent", "pas"), ("ne", "se", "renouvellent", "pas"))
# A subscription that has not started: a renewal booked ahead.
STARTED = frozenset({"started", "start", "starts", "starting", "begun", "begin", "begins",
                     "commence", "commencent", "commences", "commencee", "commencees",
                     "demarre", "demarrent", "demarres", "debute", "debutent", "active",
                     "actif", "actifs", "effective", "effectif"})
BOOKED = (("booked",), ("pre", "booked"), ("prebooked",), ("reserve",), ("reserves",),
          ("future", "subscription"), ("future", "subscriptions"), ("abonnement", "futur"),
          ("abonnements", "futurs"), ("booked", "renewal"), ("booked", "renewals"))
YET = frozenset({"yet", "encore"})
SUBSCRIPTION_WORDS = frozenset({"subscription", "subscriptions", "sub", "subs", "abonnement",
                                "abonnements", "contract", "contracts", "contrat", "contrats"})


def negated(tokens: Sequence[str], start: int) -> list[int]:
    """The negation words within reach before START ("not", "pas", "haven't")."""
    return [k for k in range(max(0, start - NEGATION_REACH), start) if tokens[k] in NEGATIONS
            or (tokens[k] == "t" and k > 0 and tokens[k - 1].endswith("n"))]


def renewal(tokens: Sequence[str]) -> tuple[str | None, set[int]]:
    """("at_risk" | "renewed" | None, the positions that say it)."""
    risky = phrase_positions(tokens, AT_RISK)
    if risky:
        return "at_risk", risky
    for phrase in RENEWED:
        n = len(phrase)
        for i in range(len(tokens) - n + 1):
            if tuple(tokens[i:i + n]) == phrase:
                negation = negated(tokens, i)
                used = set(range(i, i + n)) | set(negation)
                return ("at_risk" if negation else "renewed"), used
    return None, set()


def booked(tokens: Sequence[str]) -> set[int]:
    """The positions saying a subscription has not started yet (empty: it does not)."""
    found = phrase_positions(tokens, BOOKED)
    if found:
        return found
    for i, token in enumerate(tokens):
        if token not in STARTED:
            continue
        negation = negated(tokens, i)
        later = [k for k in range(i - NEGATION_REACH, i + 2)
                 if 0 <= k < len(tokens) and tokens[k] in YET]
        if negation and (later or token not in {"active", "actif", "actifs"}):
            return {i, *negation, *later}
    return set()


PARTICIPLES = frozenset({"expire", "expires", "expiree", "expirees", "echu", "echus", "echue",
                         "echues", "termine", "termines", "terminee", "terminees"})


def expired_subscription(tokens: Sequence[str], expired: Sequence[int],
                         dated: bool) -> set[int]:
    """'with an expired subscription' / 'un abonnement expiré': one subscription in the
    past (SPEC section 1), not a lapsed organization. EXPIRED: positions of the expired
    concept; DATED: the question has a date range (then "expire" is the verb)."""
    if not dated:  # the French participle folds like the verb: "abonnement expiré"
        expired = [*expired, *(p for p in range(1, len(tokens)) if tokens[p] in PARTICIPLES
                               and tokens[p - 1] in SUBSCRIPTION_WORDS)]
    inside = set(expired)  # "no active subscription" is one phrase: lapsed
    for p in expired:
        near = [k for k in range(max(0, p - 2), min(len(tokens), p + 3))
                if tokens[k] in SUBSCRIPTION_WORDS and k not in inside]
        if near and not any(tokens[k] in ALL for k in range(max(0, near[0] - 2), near[0])):
            return {p, *near}  # "all their subscriptions expired" is lapsed instead
    return set()


ALL = frozenset({"all", "every", "tous", "toutes"})


# The words of these states, for typo correction ("renewd" -> "renewed").
WORDS = frozenset(w for phrases in (RENEWED, AT_RISK, BOOKED) for p in phrases for w in p) \
    | STARTED | YET | SUBSCRIPTION_WORDS | NEGATIONS
