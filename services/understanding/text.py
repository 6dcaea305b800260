"""Text normalization shared by the understanding steps."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

_MENTION = re.compile(r"<at>.*?</at>", re.IGNORECASE | re.DOTALL)
_TAGS = re.compile(r"<[^>]{0,200}>")
_SPACES = re.compile(r"\s+")
_PUNCT = re.compile(r"[^\w@.+<>= ]+")
_COMPARATORS = re.compile(r"([<>]=?)")
_DOTS = re.compile(r"\.(?=\s|$)")


def strip_mentions(text: str) -> str:
    """Remove Teams `<at>Bot</at>` mentions and leftover markup from a channel message."""
    text = _MENTION.sub(" ", text)
    text = _TAGS.sub(" ", text)
    text = text.replace("&nbsp;", " ")
    return _SPACES.sub(" ", text).strip()


def fold(text: str) -> str:
    """Lower case, no accents, no punctuation, single spaces: for matching only."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    no_accents = "".join(c for c in decomposed if not unicodedata.combining(c))
    no_accents = no_accents.replace("\u2019", " ").replace("'", " ").replace("-", " ")
    no_accents = _COMPARATORS.sub(r" \1 ", no_accents)
    return _SPACES.sub(" ", _DOTS.sub(" ", _PUNCT.sub(" ", no_accents))).strip()


def phrase_positions(tokens: Sequence[str], phrases: Iterable[Sequence[str]]) -> set[int]:
    """The positions of TOKENS covered by any occurrence of one of PHRASES."""
    wanted = [tuple(p) for p in phrases]
    out: set[int] = set()
    for i in range(len(tokens)):
        for phrase in wanted:
            if tuple(tokens[i:i + len(phrase)]) == phrase:
                out.update(range(i, i + len(phrase)))
    return out
