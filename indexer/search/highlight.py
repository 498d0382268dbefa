"""Finding what to mark in passage text, and cutting the window shown around it (as data, not HTML)."""
from __future__ import annotations

from dataclasses import dataclass, field

from indexer.analysis.taxonomy import load_taxonomy
from indexer.analysis.textnorm import fold
from indexer.analysis.tokens import bigram_spans, word_tokens

from .plan import QueryPlan
from .results import Snippet


@dataclass
class Highlighter:
    """What to mark for one query, in whole units only: whole tokens of the analysis (words, words in
    sequence, words a prefix begins) and runs of a Chinese string's bigrams that spell (nearly) all
    of it, so the query never marks the tail of a longer name (克斯坦 in 乌兹别克斯坦)."""

    terms: set[str] = field(default_factory=set)
    phrases: list[tuple[str, ...]] = field(default_factory=list)
    prefixes: list[str] = field(default_factory=list)
    runs: list[tuple[frozenset[str], int]] = field(default_factory=list)  # (bigrams, how many in a row)
    tags: set[tuple[str, str]] = field(default_factory=set)  # (kind, id): its names as tagging finds them

    @classmethod
    def for_plan(cls, plan: QueryPlan) -> "Highlighter":
        """From a query plan: a multi-word alternative (Shanghai Cooperation Organisation) is marked
        only where its words stand together, never word by word."""
        h = cls()
        for g in plan.groups:
            h._run(g.bigrams)
        for c in plan.positive:
            h.tags.update(tuple(t.split(":", 1)) for t in c.tags)
            if c.prefix:
                h.prefixes.append(fold(c.raw.rstrip("*? ")).lower())
            for alt in c.alternatives if not c.prefix else c.alternatives[1:]:
                if len(alt.words) == 1:
                    h.terms.add(alt.words[0])
                elif alt.words:
                    h.phrases.append(tuple(alt.words))
                if alt.has_han:
                    h._run(alt.bigrams)
        h.runs = list(dict.fromkeys(h.runs))
        return h

    def _run(self, bigrams: list[str]) -> None:
        """A Chinese string's bigrams: marked where enough of them stand in a row (a quarter may be
        damaged, as near-matching allows, in strings of four bigrams or more)."""
        distinct = list(dict.fromkeys(bigrams))
        if distinct:
            need = len(distinct) if len(distinct) < 4 else len(distinct) - max(1, len(distinct) // 4)
            self.runs.append((frozenset(distinct), need))

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Character spans of `text` to mark."""
        spans: list[tuple[int, int]] = []
        for bigrams, need in self.runs:
            spans += _runs(bigram_spans(text, set(bigrams)), need)
        if self.tags:  # a name in a spelling of its own (Luxemburg for Luxembourg), whole
            spans += [(s, e) for s, e, kind, ident in load_taxonomy().find(text) if (kind, ident) in self.tags]
        if self.terms or self.phrases or self.prefixes:
            # only the query's own terms are looked for (positions still count every token)
            only = None if self.prefixes else self.terms | {w for p in self.phrases for w in p}
            toks = word_tokens(text, "index", only=only)
            spans += [(s, e) for term, _p, s, e in toks
                      if term in self.terms or any(term.startswith(p) for p in self.prefixes)]
            if self.phrases:
                at: dict[int, dict[str, tuple[int, int]]] = {}
                for term, pos, s, e in toks:
                    at.setdefault(pos, {}).setdefault(term, (s, e))
                for phrase in self.phrases:
                    for pos, first in at.items():
                        if phrase[0] in first and all(w in at.get(pos + k, {}) for k, w in enumerate(phrase)):
                            spans.append((first[phrase[0]][0], at[pos + len(phrase) - 1][phrase[-1]][1]))
        return merge(spans)


def _runs(hits: list[tuple[int, int]], need: int) -> list[tuple[int, int]]:
    """Spans covering runs of at least `need` bigram hits that overlap or touch (consecutive bigrams
    overlap; touching ones step over one damaged character, which spoils the two bigrams it is in)."""
    out = []
    start = 0
    for k in range(1, len(hits) + 1):
        if k == len(hits) or hits[k][0] > hits[k - 1][1]:
            if k - start >= need:
                out.append((hits[start][0], hits[k - 1][1]))
            start = k
    return out


def merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping or touching spans joined, in order."""
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def marked(text: str, spans: list[tuple[int, int]], start: int = 0, end: int | None = None) -> tuple[tuple[str, bool], ...]:
    """`text[start:end]` as plain and marked parts, the spans inside it marked."""
    end = len(text) if end is None else end
    parts: list[tuple[str, bool]] = []
    pos = start
    for s, e in spans:
        s, e = max(s, start), min(e, end)
        if s >= e:
            continue
        parts.append((text[pos:s], False))
        parts.append((text[s:e], True))
        pos = e
    parts.append((text[pos:end], False))
    return tuple(parts)


def snippet(text: str, spans: list[tuple[int, int]], width: int = 240) -> Snippet:
    """A window of about `width` characters around the densest group of matches."""
    if len(text) <= width:
        return Snippet(marked(text, spans))
    start = 0
    if spans:
        # the window with the most distinct marked text, long matches counting more than their
        # length: one whole phrase (or a damaged name found through its bigrams) beats the same
        # short word marked three times
        best, best_weight = spans[0][0], -1
        for i, (s, _e) in enumerate(spans):
            seen = {fold(text[s2:e2]).lower() for s2, e2 in spans[i:] if s2 < s + width * 0.8}
            weight = sum(len(m) ** 2 for m in seen)
            if weight > best_weight:
                best, best_weight = s, weight
        start = max(0, min(best - width // 4, len(text) - width))
    start = _word_start(text, start)
    end = _word_end(text, min(len(text), start + width))
    return Snippet(marked(text, spans, start, end), start > 0, end < len(text))


def _word_start(text: str, i: int) -> int:
    """Move back to the start of an English word, so a window does not begin mid-word."""
    limit = max(0, i - 20)
    while i > limit and text[i - 1].isascii() and text[i - 1].isalnum():
        i -= 1
    return i


def _word_end(text: str, i: int) -> int:
    limit = min(len(text), i + 20)
    while i < limit and text[i].isascii() and text[i].isalnum():
        i += 1
    return i
