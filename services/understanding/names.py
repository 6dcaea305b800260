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
MANY = 40  # organization candidates from which a question is scored the other way round
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
               limit: int = 50, many: int = MANY) -> list[NameMatch]:
        candidates = self.candidates(query, anchors)
        scorer = _Scorer()
        orgs = {n: positions for n, positions in candidates.items() if not self.codes[n]}
        best: dict[int, NameMatch] = {}
        at_once = bool(orgs) and len(orgs) >= many
        if at_once:  # the question's spans against all these names at once
            best.update(_Spans(query, orgs, self.tokens).best(self.items))
        for n, positions in candidates.items():
            if at_once and n in orgs:
                continue
            found = scorer.best_span(query, positions, self.tokens[n], self.codes[n],
                                     self.items[n])
            if found is not None:
                best[n] = found
        results = [best[n] for n in candidates if n in best]
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


class _Spans:
    """The best span of each of many organization candidates (no SKU), scored the other
    way round: each span of the question against all the candidates' names (and parts
    of names) in one rapidfuzz call, so that only the pairs that score are looked at in
    Python. The rules and the results are _Scorer's: the highest (score, width) of the
    spans a candidate's anchors reach, the first of them in _Scorer's order on a tie."""

    def __init__(self, query: Sequence[str], candidates: dict[int, set[int]],
                 tokens: list[tuple[str, ...]]) -> None:
        self.query = query
        self.order = list(candidates)
        self.positions = [candidates[n] for n in self.order]
        self.names = [tokens[n] for n in self.order]
        self.longest = [len(name) + 1 for name in self.names]
        reach = set().union(*self.positions)
        widest = max(self.longest)
        self.spans = [(start, end) for start in range(len(query))
                      for end in range(start + 1, min(len(query), start + widest) + 1)
                      if any(start <= p < end for p in reach)]

    def _hits(self) -> dict[tuple[int, int], float]:
        """(span number, candidate number) -> score, for the pairs scoring MIN_SCORE+."""
        fulls = [" ".join(name) for name in self.names]
        parts: dict[int, dict[str, list[tuple[int, int]]]] = {}  # width -> part -> (c, k)
        heads: dict[tuple[int, str], list[int]] = {}  # (words, first 3 letters) -> c
        words = parts.setdefault(1, {})
        for c, name in enumerate(self.names):
            if len(name) > 1:
                for k, word in enumerate(name):
                    words.setdefault(word, []).append((c, k))
            for width in range(2, len(name)):
                of_width = parts.setdefault(width, {})
                for k in range(len(name) - width + 1):
                    of_width.setdefault(" ".join(name[k:k + width]), []).append((c, k))
            if len(name) > 1:
                heads.setdefault((len(name), name[0][:3]), []).append(c)
        hits: dict[tuple[int, int], float] = {}

        def hit(u: int, c: int, score: float) -> None:
            if score > hits.get((u, c), 0.0):
                hits[(u, c)] = score

        for u, (start, end) in enumerate(self.spans):
            span = self.query[start:end]
            text, width = " ".join(span), end - start
            for _choice, score, c in process.extract(text, fulls, scorer=fuzz.ratio,
                                                     score_cutoff=MIN_SCORE, limit=None):
                hit(u, c, float(score))
            if width > 1 and len(span[0]) >= 3:  # "coresuite pro": word prefixes
                for c in heads.get((width, span[0][:3]), ()):
                    if all(len(a) >= 3 and b.startswith(a)
                           for a, b in zip(span, self.names[c], strict=True)):
                        hit(u, c, 88.0)
            same_width = parts.get(width)
            if len(text) < 4 or not same_width:
                continue
            choices = list(same_width)
            close = {part for part, _s, _i in process.extract(
                text, choices, scorer=fuzz.ratio, score_cutoff=88, limit=None)}
            close.update(part for part, _d, _i in process.extract(
                text, choices, scorer=DamerauLevenshtein.distance, score_cutoff=1,
                limit=None) if len(part) >= 6)
            for part in close:
                for c, k in same_width[part]:
                    hit(u, c, 86.0 if k == 0 else 82.0)
        return hits

    def best(self, items: list[Named]) -> dict[int, NameMatch]:
        chosen: dict[int, tuple[float, int, list[int]]] = {}  # c -> score, width, spans
        for (u, c), score in self._hits().items():
            start, end = self.spans[u]
            width = end - start
            if width > self.longest[c] or not any(start <= p < end
                                                  for p in self.positions[c]):
                continue  # no anchor of this candidate reaches the span
            held = chosen.get(c)
            if held is None or (score, width) > (held[0], held[1]):
                chosen[c] = (score, width, [u])
            elif (score, width) == (held[0], held[1]):
                held[2].append(u)
        out: dict[int, NameMatch] = {}
        for c, (score, _width, tied) in chosen.items():
            start, end = self._first(c, {self.spans[u] for u in tied})
            out[self.order[c]] = NameMatch(items[self.order[c]], start, end, score)
        return out

    def _first(self, c: int, tied: set[tuple[int, int]]) -> tuple[int, int]:
        """The tied span _Scorer.best_span meets first (its anchors, in their order)."""
        if len(tied) == 1:
            return next(iter(tied))
        longest = self.longest[c]
        for pos in self.positions[c]:
            for start in range(max(0, pos - longest + 1), pos + 1):
                for end in range(pos + 1, min(len(self.query), start + longest) + 1):
                    if (start, end) in tied:
                        return start, end
        raise AssertionError("a tied span no anchor reaches")


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
