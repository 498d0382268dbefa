"""Whoosh's BM25F scores of a query, computed on posting arrays, for the exact top passages."""
from __future__ import annotations

import numpy as np
from whoosh import query as wq

from .matching import verify
from .postings import Postings


class Ranker:
    """Whoosh's scores of a query, computed on posting arrays; phrases checked by Whoosh lazily.

    A query from indexer.search.plan is a sum (OR adds the scores of the parts that match, AND of terms
    adds its terms' scores, boosts multiply) of terms and of phrases, and a phrase scores the sum
    of its words' scores where it matches. So every passage's score is `base` (its terms and ANDs)
    plus the bonus of each phrase it really contains. Passages are visited in order of an upper
    bound (every phrase whose words all occur counted as present) and their phrases verified
    until no unvisited passage can beat the top ones: the exact top, checking few phrases."""

    BATCH = 64

    def __init__(self, postings: Postings, q, allowed: np.ndarray, tiebreak: np.ndarray):
        self.p = postings
        self.tiebreak = tiebreak
        n = postings.n
        self.base = np.zeros(n)
        self.phrases: list[tuple] = []  # (query, candidate docnums, bonus per candidate)
        self._add(q, 1.0)
        self.bound = self.base.copy()
        for _q, cands, bonus in self.phrases:
            self.bound[cands] += bonus
        self.pool = np.nonzero(allowed & (self.bound > 0))[0]
        order = np.lexsort((tiebreak[self.pool], -self.bound[self.pool]))
        self.pool = self.pool[order]
        self.exact: dict[int, float] = {}
        self.visited = 0

    def _add(self, q, boost: float) -> None:
        boost *= getattr(q, "boost", 1.0)
        if isinstance(q, wq.Term):
            d, s = self.p.term_scores(q.fieldname, q.text)
            self.base[d] += boost * s
        elif isinstance(q, wq.Phrase) and len(q.words) > 1:
            parts = [self.p.term_scores(q.fieldname, w) for w in q.words]
            cands = parts[0][0]
            for d, _s in parts[1:]:
                cands = np.intersect1d(cands, d, assume_unique=True)
            if len(cands):
                bonus = np.zeros(len(cands))
                for d, s in parts:
                    bonus += s[np.searchsorted(d, cands)]
                self.phrases.append((q, cands, boost * bonus))
        elif isinstance(q, wq.Phrase):
            for w in q.words:
                self._add(wq.Term(q.fieldname, w), boost)
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
                self.base[cands] += boost * s[np.searchsorted(d, cands)]
        elif isinstance(q, wq.Or):
            for sub in q.subqueries:
                self._add(sub, boost)
        elif q is not wq.NullQuery:
            raise TypeError(f"unsupported query: {q!r}")

    def scores(self, docnums: np.ndarray) -> np.ndarray:
        """The exact score of each of these passages (sorted docnums), their phrases verified."""
        score = self.base[docnums].copy()
        for q, cands, bonus in self.phrases:
            if not len(cands) or not len(docnums):
                continue
            i = np.searchsorted(cands, docnums)
            i[i >= len(cands)] = 0
            inside = cands[i] == docnums
            if inside.any():
                found = verify(self.p, q, docnums[inside])
                if len(found):  # docnums are sorted
                    score[np.searchsorted(docnums, found)] += bonus[np.searchsorted(cands, found)]
        return score

    def _visit(self, docnums: np.ndarray) -> None:
        for d, sc in zip(docnums.tolist(), self.scores(docnums).tolist()):
            if sc > 0:
                self.exact[d] = sc

    def top(self, count: int) -> list[tuple[int, float]]:
        """The `count` best matching passages as (docnum, score), best first (ties: lower tiebreak)."""
        if not self.phrases:
            pool = self.pool[: count]
            return [(d, s) for d, s in zip(pool.tolist(), self.base[pool].tolist()) if s > 0]
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
