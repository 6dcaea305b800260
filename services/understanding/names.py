"""Fuzzy matching of organization and SKU names in questions (rapidfuzz).

The index holds every organization name once per process (rebuilt when the network
version changes); candidates are found through the words of the question that are not
ordinary vocabulary, scored against whole names, then filtered through the caller's
scope in SQL, so only a name the operator may see can ever match."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from rapidfuzz.distance import DamerauLevenshtein

from services.batches import Lru
from services.understanding.text import fold

MIN_SCORE = 80.0
TOKEN_SCORE = 80.0
COMMON_POSTINGS = 1500  # a name word this common does not nominate candidates alone
MEMO_SIZE = 4096  # questions remembered per index (operators ask the same ones daily)


@dataclass(frozen=True)
class Named:
    id: str
    name: str
    kind: str  # organization kind, or "sku"


@dataclass(frozen=True)
class NameMatch:
    item: Named
    start: int  # token span [start, end) in the question
    end: int
    score: float
    own: bool = False  # the operator's own organization (a parent, never a subject)


@dataclass
class NameIndex:
    items: list[Named]
    tokens: list[tuple[str, ...]] = field(default_factory=list)
    codes: list[tuple[str, ...]] = field(default_factory=list)  # a SKU's code words
    postings: dict[str, list[int]] = field(default_factory=dict)
    vocabulary: list[str] = field(default_factory=list)
    # (question tokens, anchors, limit) -> matches: the index never changes (a new network
    # version builds a new one), so a question asked again is not scored again.
    _memo: Lru[tuple[tuple[str, ...], tuple[int, ...], int], tuple[NameMatch, ...]] = \
        field(default_factory=lambda: Lru(MEMO_SIZE), repr=False)

    @classmethod
    def build(cls, items: Sequence[Named]) -> NameIndex:
        index = cls(list(items))
        for n, item in enumerate(index.items):
            toks = tuple(fold(item.name).split())
            index.tokens.append(toks)
            for tok in set(toks):
                index.postings.setdefault(tok, []).append(n)
            code = tuple(fold(item.id.replace("-", " ")).split()) \
                if item.kind == "sku" else ()
            index.codes.append(code)
            if code:
                for tok in set(code):
                    index.postings.setdefault(tok, []).append(n)
        index.vocabulary = list(index.postings)
        return index

    def _close_tokens(self, token: str) -> list[str]:
        if token in self.postings:
            return [token]
        if len(token) < 4:
            return []
        found = process.extract(token, self.vocabulary, scorer=fuzz.ratio,
                                score_cutoff=TOKEN_SCORE, limit=5)
        return [word for word, _score, _i in found]

    def candidates(self, query: Sequence[str], anchors: Sequence[int]) -> dict[int, set[int]]:
        """Item index -> positions of the question that nominated it."""
        out: dict[int, set[int]] = {}
        for pos in anchors:
            for word in self._close_tokens(query[pos]):
                posting = self.postings[word]
                if len(posting) > COMMON_POSTINGS:
                    continue
                for n in posting:
                    out.setdefault(n, set()).add(pos)
        return out

    def match(self, query: Sequence[str], anchors: Sequence[int],
              limit: int = 50) -> list[NameMatch]:
        """The best span match of each candidate item, best first."""
        key = (tuple(query), tuple(anchors), limit)
        found = self._memo.get(key)
        if found is None:
            found = tuple(self._match(query, anchors, limit))
            self._memo.put(key, found)
        return list(found)

    def _match(self, query: Sequence[str], anchors: Sequence[int],
               limit: int = 50) -> list[NameMatch]:
        results: list[NameMatch] = []
        scorer = _Scorer()
        for n, positions in self.candidates(query, anchors).items():
            best = scorer.best_span(query, positions, self.tokens[n], self.codes[n],
                                    self.items[n])
            if best is not None:
                results.append(best)
        results.sort(key=lambda m: (-m.score, -(m.end - m.start), m.item.name))
        return results[:limit]


class _Scorer:
    """The scores of one question's spans against candidate names.

    Candidates share words ("Solutions", "Cloud"), so the comparison of a span with a
    part of a name is made once per question, not once per candidate; a span that
    several anchors reach is scored once per candidate. The results are those of
    scoring every span of every candidate afresh."""

    def __init__(self) -> None:
        self._parts: dict[tuple[str, str, bool], bool] = {}

    def _part_close(self, text: str, part: str, sku: bool) -> bool:
        # one typo in a distinctive word of an organization's name ("fabrikan");
        # not of a SKU's, whose words are ordinary ones ("licenses")
        key = (text, part, sku)
        close = self._parts.get(key)
        if close is None:
            close = fuzz.ratio(text, part, score_cutoff=88) >= 88 or (
                not sku and len(part) >= 6 and DamerauLevenshtein.distance(
                    text, part, score_cutoff=1) <= 1)
            self._parts[key] = close
        return close

    def score(self, span: Sequence[str], text: str, name: Sequence[str], full: str,
              code: Sequence[str], code_text: str) -> float:
        """The span's score (TEXT: its words joined) as a mention of NAME (FULL: joined;
        a SKU: also of its CODE); a score below MIN_SCORE may be reported as 0 (it never
        matches either way)."""
        if text == full or (code and text == code_text):
            return 100.0
        score = fuzz.ratio(text, full, score_cutoff=MIN_SCORE)
        if code:
            score = max(score, fuzz.ratio(text, code_text, score_cutoff=MIN_SCORE))
            if len(code) > 1 and tuple(span) == tuple(code[1:]) and len(text) >= 3:
                score = max(score, 84.0)  # "pro" for CS-PRO, "audit" for CV-AUDIT
        width = len(span)
        if width == len(name) and width > 1 and all(
                len(a) >= 3 and b.startswith(a) for a, b in zip(span, name, strict=True)):
            score = max(score, 88.0)  # "coresuite pro" for "CoreSuite Professional"
        if width < len(name) and len(text) >= 4 and score < 86.0:
            # a distinctive part of the name: "Northwind" for "Northwind Solutions"
            # (86 at the start of the name, 82 further in)
            sku = bool(code)
            for k in range(len(name) - width + 1):
                if k > 0 and score >= 82.0:
                    break
                part = name[k] if width == 1 else " ".join(name[k:k + width])
                if self._part_close(text, part, sku):
                    score = max(score, 86.0 if k == 0 else 82.0)
                    break
        return float(score)

    def best_span(self, query: Sequence[str], positions: set[int], name: tuple[str, ...],
                  code: tuple[str, ...], item: Named) -> NameMatch | None:
        best: NameMatch | None = None
        longest = max(len(name), len(code)) + 1
        full, code_text = " ".join(name), " ".join(code)
        seen: set[tuple[int, int]] = set()
        for pos in positions:
            for start in range(max(0, pos - longest + 1), pos + 1):
                for end in range(pos + 1, min(len(query), start + longest) + 1):
                    if (start, end) in seen:
                        continue  # the same span from another anchor: the same score
                    seen.add((start, end))
                    span = query[start:end]
                    score = self.score(span, span[0] if end - start == 1 else " ".join(span),
                                       name, full, code, code_text)
                    if score < MIN_SCORE:
                        continue
                    if best is None or (score, end - start) > (best.score,
                                                               best.end - best.start):
                        best = NameMatch(item, start, end, score)
        return best


class NameIndexCache:
    """One index per process, rebuilt when the network version changes."""

    def __init__(self) -> None:
        self._index: NameIndex | None = None
        self._version: object = None
        self._lock = asyncio.Lock()

    async def get(self, version: object,
                  load: Callable[[], Awaitable[list[Named]]]) -> NameIndex:
        if self._index is not None and self._version == version:
            return self._index
        async with self._lock:
            if self._index is None or self._version != version:
                items = await load()
                self._index = await asyncio.to_thread(NameIndex.build, items)
                self._version = version
        assert self._index is not None
        return self._index
