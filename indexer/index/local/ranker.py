"""Whoosh's BM25F scores of a query, computed on posting arrays, for the exact top passages."""
from __future__ import annotations

import numpy as np
from whoosh import query as wq

from .matching import verify
from .postings import Postings, unique, unique_inverse


class _Sum:
    """Scores that add up: terms (and ANDs of terms) now, phrases where they are verified; and
    disjunction-max nodes, each the largest of its parts (themselves sums)."""

    def __init__(self, n: int | None):
        self.n = n  # dense when the whole index is scored; sparse (pairs) for a part of a max
        self.base = np.zeros(n) if n is not None else None
        self._pairs: list[tuple[np.ndarray, np.ndarray]] = []
        self.phrases: list[tuple] = []  # (query, candidate docnums, bonus per candidate)
        self.maxes: list[list["_Sum"]] = []

    def add(self, docnums: np.ndarray, scores: np.ndarray) -> None:
        """Add scores to passages."""
        if self.base is not None:
            self.base[docnums] += scores  # each passage once: a term's postings, an AND's candidates
        elif len(docnums):
            self._pairs.append((docnums, scores))

    def finish(self) -> None:
        """A sparse sum's pairs, added up per passage and sorted."""
        if self.base is None:
            d = np.concatenate([p[0] for p in self._pairs]) if self._pairs else np.zeros(0, dtype=np.int64)
            s = np.concatenate([p[1] for p in self._pairs]) if self._pairs else np.zeros(0)
            self.docs, idx = unique_inverse(d)
            self.scores = np.bincount(idx, weights=s, minlength=len(self.docs)) if len(d) else np.zeros(0)

    @property
    def verified(self) -> bool:
        """True when no phrase needs checking: the bound is the score."""
        return not self.phrases and all(part.verified for parts in self.maxes for part in parts)

    def _base_of(self, docnums: np.ndarray) -> np.ndarray:
        if self.base is not None:
            return self.base[docnums].copy()
        out = np.zeros(len(docnums))
        if len(self.docs):
            i = np.searchsorted(self.docs, docnums)
            i[i >= len(self.docs)] = 0
            hit = self.docs[i] == docnums
            out[hit] = self.scores[i[hit]]
        return out

    def bound_of(self, docnums: np.ndarray) -> np.ndarray:
        """An upper bound of each passage's score (every phrase whose words all occur counted in)."""
        out = self._base_of(docnums)
        for _q, cands, bonus in self.phrases:
            i = np.searchsorted(cands, docnums)
            i[i >= len(cands)] = 0
            hit = cands[i] == docnums if len(cands) else np.zeros(len(docnums), dtype=bool)
            out[hit] += bonus[i[hit]]
        for parts in self.maxes:
            out += np.max([p.bound_of(docnums) for p in parts], axis=0)
        return out

    def candidates(self) -> np.ndarray:
        """Passages that may score (sorted)."""
        found = [self.docs] if self.base is None else [np.nonzero(self.base)[0]]
        found += [cands for _q, cands, _b in self.phrases]
        found += [p.candidates() for parts in self.maxes for p in parts]
        return unique(*found) if found else np.zeros(0, dtype=np.int64)

    def exact(self, p: Postings, docnums: np.ndarray) -> np.ndarray:
        """Each passage's score (sorted docnums), its phrases verified."""
        score = self._base_of(docnums)
        for q, cands, bonus in self.phrases:
            if not len(cands) or not len(docnums):
                continue
            i = np.searchsorted(cands, docnums)
            i[i >= len(cands)] = 0
            inside = cands[i] == docnums
            if inside.any():
                found = verify(p, q, docnums[inside])
                if len(found):  # docnums are sorted
                    score[np.searchsorted(docnums, found)] += bonus[np.searchsorted(cands, found)]
        for parts in self.maxes:
            score += np.max([part.exact(p, docnums) for part in parts], axis=0)
        return score


class Ranker:
    """Whoosh's scores of a query, computed on posting arrays; phrases checked lazily.

    A query from indexer.index.local.queries is a sum (OR adds the scores of the parts that match,
    AND of terms adds its terms' scores, boosts multiply) of terms, phrases and disjunction-max
    nodes (the best of their parts: a clause scores its best way of matching), and a phrase
    scores the sum of its words' scores where it matches. Passages are visited in order of an
    upper bound (every phrase whose words all occur counted as present) and their phrases
    verified until no unvisited passage can beat the top ones: the exact top, checking few phrases."""

    BATCH = 64

    def __init__(self, postings: Postings, q, allowed: np.ndarray, tiebreak: np.ndarray):
        self.p = postings
        self.tiebreak = tiebreak
        self.sum = _Sum(postings.n)
        self._add(q, 1.0, self.sum)
        self.bound = self.sum.base.copy()
        for _q, cands, bonus in self.sum.phrases:
            self.bound[cands] += bonus
        if self.sum.maxes:
            cands = unique(*[p.candidates() for parts in self.sum.maxes for p in parts])
            for parts in self.sum.maxes:
                self.bound[cands] += np.max([p.bound_of(cands) for p in parts], axis=0)
        self.pool = np.nonzero(allowed & (self.bound > 0))[0]
        order = np.lexsort((tiebreak[self.pool], -self.bound[self.pool]))
        self.pool = self.pool[order]
        self.exact: dict[int, float] = {}
        self.visited = 0

    def _add(self, q, boost: float, acc: _Sum) -> None:
        boost *= getattr(q, "boost", 1.0)
        if isinstance(q, wq.Term):
            d, s = self.p.term_scores(q.fieldname, q.text)
            acc.add(d, boost * s)
        elif isinstance(q, wq.Phrase) and len(q.words) > 1:
            parts = [self.p.term_scores(q.fieldname, w) for w in q.words]
            cands = parts[0][0]
            for d, _s in parts[1:]:
                cands = np.intersect1d(cands, d, assume_unique=True)
            if len(cands):
                bonus = np.zeros(len(cands))
                for d, s in parts:
                    bonus += s[np.searchsorted(d, cands)]
                acc.phrases.append((q, cands, boost * bonus))
        elif isinstance(q, wq.Phrase):
            for w in q.words:
                self._add(wq.Term(q.fieldname, w), boost, acc)
        elif isinstance(q, wq.And):
            parts = []
            for sub in q.subqueries:
                if not isinstance(sub, wq.Term):
                    raise TypeError(f"unsupported AND part: {sub!r}")
                parts.append(self.p.term_scores(sub.fieldname, sub.text))
            cands = parts[0][0] if parts else np.zeros(0, dtype=np.int64)
            for d, _s in parts[1:]:
                cands = np.intersect1d(cands, d, assume_unique=True)
            for d, s in parts:
                acc.add(cands, boost * s[np.searchsorted(d, cands)])
        elif isinstance(q, wq.DisjunctionMax):
            if q.tiebreak:
                raise TypeError(f"unsupported tie-break: {q!r}")
            parts = []
            for sub in q.subqueries:
                part = _Sum(None)
                self._add(sub, boost, part)
                part.finish()
                parts.append(part)
            if parts:
                acc.maxes.append(parts)
        elif isinstance(q, wq.Or):
            for sub in q.subqueries:
                self._add(sub, boost, acc)
        elif q is not wq.NullQuery:
            raise TypeError(f"unsupported query: {q!r}")

    def scores(self, docnums: np.ndarray) -> np.ndarray:
        """The exact score of each of these passages (sorted docnums), their phrases verified."""
        return self.sum.exact(self.p, docnums)

    def _visit(self, docnums: np.ndarray) -> None:
        for d, sc in zip(docnums.tolist(), self.scores(docnums).tolist()):
            if sc > 0:
                self.exact[d] = sc

    def top(self, count: int) -> list[tuple[int, float]]:
        """The `count` best matching passages as (docnum, score), best first (ties: lower tiebreak)."""
        if self.sum.verified:
            pool = self.pool[: count]
            return [(d, s) for d, s in zip(pool.tolist(), self.bound[pool].tolist()) if s > 0]
        while self.visited < len(self.pool):
            if len(self.exact) >= count:
                best = sorted(self.exact.values(), reverse=True)[count - 1]
                if self.bound[self.pool[self.visited]] < best:
                    break
            batch = self.pool[self.visited : self.visited + max(self.BATCH, self.visited)]
            self.visited += len(batch)
            self._visit(np.sort(batch))
        ranked = sorted(self.exact.items(), key=lambda x: (-x[1], self.tiebreak[x[0]]))
        return ranked[:count]
