"""The language of a short question: "en", "fr", or None when the text does not say.

Made for chat questions of a few words, where statistical detectors guess: it counts
evidence that only one of the two languages gives, and decides only on a clear margin.

- function words found in one language's stop-word list only (the lists beside
  `function_words/`); the few French words the English list also holds ("de", "la",
  "que", "je"…) count for French;
- elisions ("l'", "d'", "qu'", "n'"…) for French, contractions ("'s", "n't", "'re",
  "'ll"…) for English;
- a short vocabulary of the partner network's own words in each language;
- French diacritics, and endings one language has and the other hardly ever
  ("-ing", "-ed"; "-ez", "-eux", "-aux").

Names are not evidence: a capitalised word after the first ("Café Lumière") is skipped,
and so is every token with a digit, "@", "/", "_" or an inner dot (e-mails, SKU codes,
dates, numbers, web addresses). "help", "ok", a name or a code alone give None: the
caller then keeps the Teams client's language."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Literal

from services.understanding.text import fold

Language = Literal["en", "fr"]


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Both lists hold these; in a question they are French ("licences de Contoso").
_SHARED_FRENCH = _set("de la je il et que sans dont un ne mon nos ma sa se ni au ci ca")
# The English list's country codes and abbreviations of one or two letters are noise.
_SHORT_ENGLISH = _set("am an as at be by do he if in is it me my no of on or so to up us we")
_ELIDED = _set("l d j n m s t c qu jusqu lorsqu puisqu quoiqu quelqu presqu")
_CONTRACTED = _set("s t re ll ve m d")
_FRENCH_LETTERS = frozenset("éèêëàâùûüîïôçœæ")

# The partner network's words, folded, that belong to one language only ("clients",
# "licences", "admin", "sku" are both and count for neither).
_ENGLISH_WORDS = _set("""
customer customers partner partners distributor distributors subscription subscriptions
license licenses seat seats expiring expired expires expiry renewal renewals renewed renew
renews lapsed lapse lapses onboarded onboard onboarding pending operator operators reader readers
month months week weeks year years today tomorrow yesterday quarter weekend day days
link send add remove notify channel settings invoices invoice audit log role roles
breakdown sort sorted biggest largest fewest country countries request requests manager
account tenant organization list buy bought sell approved when where what whose
""")  # noqa: SIM905 - a readable closed list
_FRENCH_WORDS = _set("""
client partenaire partenaires distributeur distributeurs abonnement abonnements siege
sieges expirent expirant expiree expirees expiration renouvellement
renouvellements renouvele renouveles renouvelee renouvelees integre integres integree
integrees attente operateur operateurs lecteur lecteurs administrateur administrateurs
mois semaine semaines annee annees jour jours aujourd hui demain hier trimestre prochain
prochaine prochains prochaines dernier derniere derniers combien liste lien envoie
envoyer ajoute ajouter retire supprime notifie canal parametres factures facture journal
repartition trie pays demande demandes responsable gestionnaire compte organisation
montre affiche donne parle previens arrete passe voudrais peux vendent acheter achete
stp svp bientot
""")  # noqa: SIM905 - a readable closed list

_TOKEN = re.compile(r"\S+")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*'?")
_NOT_A_WORD = re.compile(r"[\d@/_]|\w\.\w")


@cache
def _stop_words(language: Language) -> frozenset[str]:
    text = resources.files("services.understanding.function_words") \
        .joinpath(f"{language}.txt").read_text("utf-8")
    words: set[str] = set()
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            words.update(w for w in fold(line).split() if w.isalpha())
    return frozenset(words)


@cache
def _function_words() -> tuple[frozenset[str], frozenset[str]]:
    """(English only, French only)."""
    en, fr = _stop_words("en"), _stop_words("fr")
    french = (fr - en) | (_SHARED_FRENCH & en & fr)
    english = frozenset(w for w in en - fr if len(w) > 2 or w in _SHORT_ENGLISH)
    return english, french


def _words(text: str) -> list[str]:
    """The words of TEXT that may be evidence, as written (case and accents kept)."""
    out: list[str] = []
    for token in _TOKEN.findall(text):
        if _NOT_A_WORD.search(token):
            continue
        out.extend(_WORD.findall(token))
    return out


def _is_name(word: str, position: int, capitalised_text: bool) -> bool:
    return position > 0 and not capitalised_text and word[:1].isupper()


def scores(text: str) -> tuple[int, int]:
    """(English evidence, French evidence) in TEXT."""
    english_words, french_words = _function_words()
    words = _words(text)
    later = words[1:]
    capitals = sum(1 for w in later if w[:1].isupper())
    capitalised_text = len(later) >= 3 and capitals >= 0.75 * len(later)  # Title Case
    en = fr = 0
    for position, word in enumerate(words):
        if _is_name(word, position, capitalised_text):
            continue
        parts = re.split(r"['’]", word.lower())
        if len(parts) > 1 and parts[-1] in _CONTRACTED and parts[0] not in _ELIDED:
            en += 2  # don't, it's, we're, I'll, Contoso's
            continue
        if len(parts) > 1 and parts[0] in _ELIDED:
            fr += 2  # l'année, d'activation, qu'est-ce, n'affiche
            parts = parts[1:]
        for part in parts:
            if not part:
                continue
            cue = _cue(part, english_words, french_words)
            en += cue == "en"
            fr += cue == "fr"
    return en, fr


def _cue(word: str, english_words: frozenset[str],
         french_words: frozenset[str]) -> Language | None:
    """What one word says, if anything (one cue per word)."""
    if any(c in _FRENCH_LETTERS for c in word):
        return "fr"
    folded = fold(word)
    if folded in french_words or folded in _FRENCH_WORDS:
        return "fr"
    if folded in english_words or folded in _ENGLISH_WORDS:
        return "en"
    if len(folded) >= 5 and folded.endswith(("ing", "ed")):
        return "en"
    if len(folded) >= 4 and folded.endswith(("ez", "eux", "aux")):
        return "fr"
    return None


def detect_language(text: str) -> Language | None:
    """"en" or "fr" when TEXT is clearly one of them, else None: at least two points of
    evidence, two more than the other language and twice as many."""
    en, fr = scores(text)
    high, low = max(en, fr), min(en, fr)
    if high < 2 or high - low < 2 or high < 2 * low:
        return None
    return "en" if en > fr else "fr"
