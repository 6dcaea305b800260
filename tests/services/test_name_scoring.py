"""The name scorer's shortcuts (memoized part comparisons, a span scored once, scores
below the threshold cut short) give the same matches as scoring every span afresh by
the rules written out plainly (the reference below)."""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz
from rapidfuzz.distance import DamerauLevenshtein

from services.understanding.names import MIN_SCORE, Named, NameIndex, _Scorer


def reference_score(span: Sequence[str], name: Sequence[str], code: Sequence[str]) -> float:
    text, full = " ".join(span), " ".join(name)
    if text == full or (code and text == " ".join(code)):
        return 100.0
    score = fuzz.ratio(text, full)
    if code:
        score = max(score, fuzz.ratio(text, " ".join(code)))
    if code and len(code) > 1 and tuple(span) == tuple(code[1:]) and len(text) >= 3:
        score = max(score, 84.0)
    if len(span) == len(name) and len(span) > 1 and all(
            len(a) >= 3 and b.startswith(a) for a, b in zip(span, name, strict=True)):
        score = max(score, 88.0)
    if len(span) < len(name) and len(text) >= 4:
        for k in range(len(name) - len(span) + 1):
            part = " ".join(name[k:k + len(span)])
            if fuzz.ratio(text, part) >= 88 or (
                    not code and len(part) >= 6
                    and DamerauLevenshtein.distance(text, part) <= 1):
                score = max(score, 86.0 if k == 0 else 82.0)
    return float(score)


# Words that are close to one another (typos, prefixes), so that every rule fires.
WORDS = ["northwind", "northwnd", "north", "solutions", "solution", "sol", "cloud",
         "clouds", "cs", "pro", "professional", "prof", "audit", "fabrikam", "fabrikan",
         "it", "of", "customers"]
word = st.sampled_from(WORDS)
words = st.lists(word, min_size=1, max_size=4)


@settings(max_examples=400, deadline=None)
@given(span=words, name=words, sku=st.booleans(), code=st.lists(word, min_size=2,
                                                               max_size=3))
def test_score_is_the_reference_score(span: list[str], name: list[str], sku: bool,
                                      code: list[str]) -> None:
    code_words = code if sku else []
    expected = reference_score(span, name, code_words)
    got = _Scorer().score(span, " ".join(span), name, " ".join(name), code_words,
                          " ".join(code_words))
    if expected >= MIN_SCORE:
        assert got == expected
    else:
        assert got < MIN_SCORE


@settings(max_examples=300, deadline=None)
@given(query=st.lists(word, min_size=1, max_size=12),
       names=st.lists(words, min_size=1, max_size=12), many=st.sampled_from([0, 1000]),
       anchor_set=st.sets(st.integers(0, 11), min_size=1))
def test_matches_are_the_reference_best_spans(query: list[str], names: list[list[str]],
                                              many: int, anchor_set: set[int]) -> None:
    """Both ways of scoring (each candidate's spans; each span against all candidates,
    MANY=0), with anchors anywhere in the question (ties are broken in one order)."""
    items = [Named(f"org-{n}", " ".join(name), "customer") for n, name in enumerate(names)]
    index = NameIndex.build(items)
    anchors = sorted(a for a in anchor_set if a < len(query)) or [0]
    got = {(m.item.id, m.start, m.end, m.score) for m in index._match(
        query, anchors, limit=1000, many=many)}
    expected = set()
    for n, positions in index.candidates(query, anchors).items():
        name = index.tokens[n]
        longest = len(name) + 1
        best: tuple[float, int, int, int] | None = None
        for pos in positions:
            for start in range(max(0, pos - longest + 1), pos + 1):
                for end in range(pos + 1, min(len(query), start + longest) + 1):
                    score = reference_score(query[start:end], name, ())
                    if score >= MIN_SCORE and (best is None or (score, end - start) > (
                            best[0], best[1])):
                        best = (score, end - start, start, end)
        if best is not None:
            expected.add((items[n].id, best[2], best[3], best[0]))
    assert got == expected
