"""Ranking documents by their best passages: BM25F on posting arrays, plus near-match bonuses.

Ranking is per passage (Whoosh's BM25F over title, text and bigrams, computed by `Ranker`);
documents are ordered by their best passage and keep their best passages as excerpts, so one
long document cannot flood the page. Passages holding most bigrams of a long Chinese clause
(damaged text) or of a Chinese string typed as a whole get a small extra score; passages that
themselves meet the filters count for more.
"""
from __future__ import annotations

import threading

import numpy as np

from indexer.search.plan import QueryPlan

from .matcher import Matcher
from .postings import Postings, first_of_each, unique
from .queries import FUZZY_BIGRAM_WEIGHT, GROUP_BIGRAM_WEIGHT, ranking_query
from .ranker import Ranker

FILTER_PASSAGE_BOOST = 1.5  # a passage that itself meets the filters beats one that only shares its document


class Ranking:
    """Best passages and documents of a plan over one opened generation."""

    def __init__(self, postings: Postings, matcher: Matcher, docnum_row: np.ndarray, pid_of_docnum: np.ndarray,
                 lock: threading.Lock):
        self.postings = postings
        self.matcher = matcher
        self.docnum_row = docnum_row
        self.pids = pid_of_docnum
        self._lock = lock

    def _ranker(self, plan: QueryPlan, allowed: np.ndarray, tiebreak: np.ndarray) -> tuple[Ranker, tuple]:
        """The ranker of a plan over the allowed passages, and the near-match bonus that joins its scores."""
        with self._lock:  # prefix clauses and the equivalents' caps read the term dictionary
            q, scales = ranking_query(plan, self.postings.reader, self.postings.one_occurrence)
        return Ranker(self.postings, q, allowed, tiebreak), self._near_match_bonus(plan, scales, allowed)

    def _allowed(self, rows: np.ndarray) -> np.ndarray:
        """Docnums of the live passages of the documents in a row mask."""
        allowed = self.docnum_row >= 0
        allowed[allowed] = rows[self.docnum_row[allowed]]
        return allowed

    def top_documents(self, plan: QueryPlan, mask: np.ndarray, start: int, count: int, per_document: int,
                      preferred: np.ndarray | None) -> list[tuple[int, list[tuple[int, float]]]]:
        """Up to `start + count` document rows in order of their best passage, those from `start` on
        with their best (pid, score)s; passages meeting the filters (`preferred`, by pid) count for more."""
        need = start + count
        if need == 0 or not mask.any():
            return []
        allowed = self._allowed(mask)
        pids = self.pids
        ranker, fuzzy = self._ranker(plan, allowed, pids)
        limit = max(50, need * 6)
        while True:  # arrays, not a dict and a sort of Python tuples: the bonus can reach every passage
            top = ranker.top(limit)
            d = np.array([x for x, _s in top], dtype=np.int64)
            sc = np.array([x for _d, x in top], dtype=np.float64)
            if len(fuzzy[0]):
                d, sc = _plus(d, sc, *fuzzy)
                by = np.lexsort((pids[d], -sc))
                d, sc = d[by], sc[by]
            if preferred is not None:
                sc = sc * np.where(preferred[pids[d]], FILTER_PASSAGE_BOOST, 1.0)
                by = np.lexsort((pids[d], -sc))
                d, sc = d[by], sc[by]
            rows = self.docnum_row[d]
            keep = rows >= 0
            keep[keep] = mask[rows[keep]]
            rows = rows[keep]
            _u, first = first_of_each(rows)
            order = rows[np.sort(first)].tolist()  # documents in order of their best passage
            if len(order) >= need or len(top) < limit:
                break
            limit *= 4
        rows = order[:need]
        best = self._best_of_rows(ranker, rows[start:], allowed, fuzzy, preferred, per_document)
        return [(d, best.get(d, [])) for d in rows]

    def best_passages(self, plan: QueryPlan, rows: list[int], per_document: int,
                      preferred: np.ndarray | None) -> dict[int, list[tuple[int, float]]]:
        """The best passages of given documents, scored exactly as `top_documents` scores them
        (one ranking for the page, not one per document)."""
        if not rows:
            return {}
        page = np.zeros(self.matcher.n_docs, dtype=bool)
        page[rows] = True
        allowed = self._allowed(page)
        ranker, bonus = self._ranker(plan, allowed, self.pids)
        return self._best_of_rows(ranker, rows, allowed, bonus, preferred, per_document)

    def _best_of_rows(self, ranker: Ranker, rows: list[int], allowed: np.ndarray, bonus: tuple,
                      preferred: np.ndarray | None, per_document: int) -> dict[int, list[tuple[int, float]]]:
        """Each document's best (pid, score)s among all its passages, those meeting the filters
        first: so a document shows the same excerpts whether it is listed by relevance or by date."""
        page = np.zeros(self.matcher.n_docs, dtype=bool)
        page[rows] = True
        docnums = np.nonzero(self._allowed(page) & allowed)[0]
        scores = ranker.scores(docnums)
        if len(bonus[0]):
            i = np.searchsorted(bonus[0], docnums)
            i[i >= len(bonus[0])] = 0
            hit = bonus[0][i] == docnums
            scores[hit] += bonus[1][i[hit]]
        pids = self.pids[docnums]
        first = preferred[pids] if preferred is not None else np.zeros(len(pids), dtype=bool)
        scores = np.where(first, scores * FILTER_PASSAGE_BOOST, scores)
        keep = scores > 0
        docnums, pids, scores, first = docnums[keep], pids[keep], scores[keep], first[keep]
        best: dict[int, list[tuple[int, float]]] = {d: [] for d in rows}
        # passages that meet the filters first (the Kazakhstan passage of 2005, when those are
        # ticked, before a better-scoring paragraph on something else), then by score
        for k in np.lexsort((pids, -scores, ~first)).tolist():
            found = best[int(self.docnum_row[docnums[k]])]
            if len(found) < per_document:
                found.append((int(pids[k]), float(scores[k])))
        return best

    def _near_match_bonus(self, plan: QueryPlan, scales: list[list[float]],
                          allowed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Extra score for passages holding most bigrams of a long clause (damaged text, low weight;
        a clause's best alternative, weighted and scaled by `scales` as in scoring) or of a Chinese
        string typed as a whole (the passage that reads as typed, or nearly), as (docnums, bonus);
        `allowed` is by docnum."""
        clauses = [(c, alternatives, factors) for c, factors in zip(plan.positive, scales)
                   if (alternatives := c.fuzzy_alternatives())]
        nears = [near for g in plan.groups if (near := g.near_bigrams())]
        if not clauses and not nears:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        bonus = np.zeros(len(allowed))
        for c, alternatives, factors in clauses:
            best = np.zeros(len(allowed))  # a clause's ways count once, at their best, as in scoring
            for i, (bigrams, need) in alternatives:
                weight = FUZZY_BIGRAM_WEIGHT * c.alternatives[i].weight * factors[i]
                self._add_near(best, bigrams, need, weight, allowed, np.maximum)
            bonus += best
        for bigrams, need in nears:
            self._add_near(bonus, bigrams, need, GROUP_BIGRAM_WEIGHT, allowed, np.add)
        docnums = np.flatnonzero(bonus)
        return docnums, bonus[docnums]

    def _add_near(self, into: np.ndarray, bigrams, need: int, weight: float, allowed: np.ndarray, combine) -> None:
        """Combine into `into` (by docnum) the weighted bigram scores of the allowed passages holding
        at least `need` of the bigrams."""
        docnums = self.matcher.bigram_docnums(bigrams, need)
        subset = docnums[allowed[docnums]] if len(docnums) else docnums
        if not len(subset):
            return
        total = np.zeros(len(subset))
        for b in bigrams:
            d, s = self.postings.term_scores("bigrams", b)
            if not len(d):
                continue
            i = np.searchsorted(d, subset)
            i[i >= len(d)] = 0
            hit = d[i] == subset
            total[hit] += s[i[hit]]
        into[subset] = combine(into[subset], total * weight)


def _plus(d: np.ndarray, score: np.ndarray, bonus_d: np.ndarray, bonus: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Passages scored (d, score) with a bonus (sorted docnums, amounts) added: passages with only a
    bonus score it alone."""
    u = unique(d, bonus_d)
    total = np.zeros(len(u))
    total[np.searchsorted(u, d)] = score
    total[np.searchsorted(u, bonus_d)] += bonus
    return u, total
