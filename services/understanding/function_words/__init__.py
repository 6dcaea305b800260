"""Function words of English and French: words that carry no meaning of their own in a
question about the partner network ("the", "which", "could", "nous", "été").

They come from a maintained stop-word list (python-stop-words, the two files beside
this module), never from evaluation questions. A stop-word list is made for search, so
it also holds words that this bot's grammar gives a meaning to ("not", "more", "top",
"before", "between", "each"…): MEANINGFUL takes those out, so that such a word is never
silently ignored when the parser does not understand what it does in a question."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from importlib import resources

from services.understanding.text import fold, phrase_positions

# Words of a stop-word list that mean something in a question about licences and
# expiries: negation; comparison and quantity; order and rank; time relations;
# grouping and totals; the calendar. Never fillers.
MEANINGFUL = frozenset("""
not no non none nothing nobody never without aucun aucune ni pas ne jamais sans
more most less least fewer few many much several plus moins beaucoup peu
over under above below between within beyond exceed exceeds entre dessus dessous
top bottom first last next previous best worst biggest largest smallest highest lowest
greatest major minor
before after until till since by ago soon later early late avant apres depuis jusqu
pendant
each every per all both either chaque chacun tous toutes tout
only except besides seul seulement sauf
order ordered sorted rank group grouped grouping break broken
count number total sum average mean half double triple
new old recent recently latest newest oldest
far near end ends begin beginning start started starts
today tomorrow yesterday week month year day quarter
""".split())  # noqa: SIM905 - a readable closed list


# Closed classes the grammar reads as carrying no filter of their own: verbs of asking
# ("m'indiquer", "dis"), verbs of the relation a question already states by its
# structure ("customers managed by X", "clients gérés par X", "licences they hold").
REQUEST_VERBS = frozenset("""
tell show give display indicate find fetch pull provide share bring
dis dites indiquer indique indiquez indiquez montrez afficher affichez donnez fournir
fournis fournissez sortir sors sortez lister listez liste
want wants wanted need needs needed like love wish wonder wondering know knowing
peux peut pouvez pourrais pourrait pourriez pourrions puis sais sait savez saurais
saurait sauriez savoir dire aimerais aimerait aimerions aimeriez voudrais voudrait
voudrions voudriez veux veut voulez souhaite souhaitons souhaitez souhaiterais
souhaiterait souhaiterions besoin
""".split())  # noqa: SIM905 - a readable closed list
RELATION_VERBS = frozenset("""
manage manages managed managing handle handles handled handling serve serves served
serving own owns owned hold holds held belong belongs belonging run runs running
gerer gere geres geree gerees gerent geree rattache rattaches rattachee rattachees
rattachent suivi suivis suivie suivies suit suivent dependent depend appartiennent
appartient detiennent detient possedent possede
sit sits sitting sat trouvent trouve situent situe
""".split())  # noqa: SIM905 - a readable closed list
# Nouns that name the answer as a list ("the full roster", "un aperçu"), and adverbs of
# what remains ("no active subs left"): they ask for nothing beyond the question.
LIST_NOUNS = frozenset("""
roster listing overview summary rundown inventory directory recap apercu recapitulatif
recap tableau etat bilan
""".split())  # noqa: SIM905 - a readable closed list
REMAINING = frozenset("""
left remaining anymore restant restants restante restantes desormais
""".split())  # noqa: SIM905 - a readable closed list
# Interrogative and relative pronouns of French the stop-word list lacks ("lesquels").
PRONOUNS = frozenset("""
lequel laquelle lesquels lesquelles auquel auxquels auxquelles duquel desquels desquelles
quelqu quiconque
""".split())  # noqa: SIM905 - a readable closed list
# Phrases meaning "now" ("en ce moment", "at the moment"): their words are accounted for.
NOW_PHRASES = (("en", "ce", "moment"), ("a", "ce", "moment"), ("pour", "le", "moment"),
               ("pour", "l", "instant"), ("at", "the", "moment"), ("right", "now"),
               ("as", "of", "now"), ("a", "present"))
# Chat abbreviations, read as the words they stand for.
CHAT_ABBREVIATIONS = {"b4": "before", "thru": "through", "abt": "about", "bc": "because",
                      "cuz": "because", "ppl": "people", "tho": "though", "pls": "please",
                      "plz": "please", "thx": "thanks", "msg": "message"}


def now_positions(tokens: Sequence[str]) -> set[int]:
    return phrase_positions(tokens, NOW_PHRASES)


@cache
def function_words() -> frozenset[str]:
    words: set[str] = set()
    for name in ("en.txt", "fr.txt"):
        text = resources.files(__package__).joinpath(name).read_text("utf-8")
        for line in text.splitlines():
            if line.startswith("#") or not line.strip():
                continue
            words.update(fold(line).replace("'", " ").split())
    words |= REQUEST_VERBS | RELATION_VERBS | PRONOUNS | LIST_NOUNS | REMAINING
    return frozenset(w for w in words if w not in MEANINGFUL and w.isalpha())
