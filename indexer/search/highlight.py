"""Finding what to mark in passage text, and cutting the window shown around it (as data, not HTML)."""
from __future__ import annotations

from dataclasses import dataclass, field

from indexer.analysis.textnorm import fold, is_han
from indexer.analysis.tokens import bigram_spans, word_tokens

from .plan import QueryPlan
from .results import Snippet


@dataclass
class Highlighter:
    """What to mark for one query: single words, word sequences, Chinese strings, bigrams."""

    terms: set[str] = field(default_factory=set)
    phrases: list[tuple[str, ...]] = field(default_factory=list)
    strings: list[str] = field(default_factory=list)
    bigrams: set[str] = field(default_factory=set)

    @classmethod
    def for_plan(cls, plan: QueryPlan) -> "Highlighter":
        """From a query plan: a multi-word alternative (Shanghai Cooperation Organisation) is marked
        only where its words stand together, never word by word."""
        h = cls()
        for g in plan.groups:
            if g.bigrams:
                h.bigrams.update(g.bigrams)
                h.strings.append(g.bigrams[0] + "".join(b[-1] for b in g.bigrams[1:]))
        for c in plan.positive:
            if c.prefix:
                h.strings.append(fold(c.raw.rstrip("*? ")).lower())
                continue
            for alt in c.alternatives:
                if len(alt.words) == 1:
                    h.terms.add(alt.words[0])
                elif alt.words:
                    h.phrases.append(tuple(alt.words))
                surface = fold(alt.surface)
                if any(is_han(ch) for ch in surface):
                    h.strings.append(surface.replace(" ", ""))
                    if len(alt.bigrams) >= 2:
                        h.bigrams.update(alt.bigrams)
        h.strings = sorted(set(h.strings), key=len, reverse=True)
        return h

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Character spans of `text` to mark."""
        spans: list[tuple[int, int]] = []
        if self.bigrams:
            # query bigrams found in damaged text, only where two of them touch
            hits = bigram_spans(text, self.bigrams)
            for (s1, e1), (s2, e2) in zip(hits, hits[1:]):
                if s2 <= e1:
                    spans += [(s1, e1), (s2, e2)]
        if self.terms or self.phrases:
            # only the query's own terms are looked for (positions still count every token)
            toks = word_tokens(text, "index", only=self.terms | {w for p in self.phrases for w in p})
            spans += [(s, e) for term, _p, s, e in toks if term in self.terms]
            if self.phrases:
                at: dict[int, dict[str, tuple[int, int]]] = {}
                for term, pos, s, e in toks:
                    at.setdefault(pos, {}).setdefault(term, (s, e))
                for phrase in self.phrases:
                    for pos, first in at.items():
                        if phrase[0] in first and all(w in at.get(pos + k, {}) for k, w in enumerate(phrase)):
                            spans.append((first[phrase[0]][0], at[pos + len(phrase) - 1][phrase[-1]][1]))
        if self.strings:
            folded = fold(text).lower()
            for needle in self.strings:
                start = folded.find(needle) if needle else -1
                while start != -1:
                    spans.append((start, start + len(needle)))
                    start = folded.find(needle, start + len(needle))
        return merge(spans)


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
