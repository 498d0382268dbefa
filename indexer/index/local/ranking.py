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
from .postings import Postings
from .queries import FUZZY_BIGRAM_WEIGHT, GROUP_BIGRAM_WEIGHT, scoring_query
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

    def _ranker(self, plan: QueryPlan, allowed: np.ndarray, tiebreak: np.ndarray) -> Ranker:
        with self._lock:  # prefix clauses read the term dictionary
            q = scoring_query(plan, self.postings.reader)
        return Ranker(self.postings, q, allowed, tiebreak)

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
        ranker = self._ranker(plan, allowed, pids)
        fuzzy = self._near_match_bonus(plan, allowed)
        limit = max(50, need * 6)
        while True:
            top = ranker.top(limit)
            scored = top
            if fuzzy:
                total_score = dict(scored)
                for docnum, extra in fuzzy.items():
                    total_score[docnum] = total_score.get(docnum, 0.0) + extra
                scored = sorted(total_score.items(), key=lambda x: (-x[1], pids[x[0]]))
            if preferred is not None:
                scored = sorted(((dn, sc * (FILTER_PASSAGE_BOOST if preferred[pids[dn]] else 1.0)) for dn, sc in scored),
                                key=lambda x: (-x[1], pids[x[0]]))
            order: list[int] = []
            seen: set[int] = set()
            for docnum, _score in scored:
                d = int(self.docnum_row[docnum])
                if d >= 0 and mask[d] and d not in seen:
                    seen.add(d)
                    order.append(d)
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
        ranker = self._ranker(plan, allowed, self.pids)
        return self._best_of_rows(ranker, rows, allowed, self._near_match_bonus(plan, allowed), preferred,
                                  per_document)

    def _best_of_rows(self, ranker: Ranker, rows: list[int], allowed: np.ndarray, bonus: dict[int, float],
                      preferred: np.ndarray | None, per_document: int) -> dict[int, list[tuple[int, float]]]:
        """Each document's best (pid, score)s among all its passages, those meeting the filters
        first: so a document shows the same excerpts whether it is listed by relevance or by date."""
        page = np.zeros(self.matcher.n_docs, dtype=bool)
        page[rows] = True
        docnums = np.nonzero(self._allowed(page) & allowed)[0]
        scores = ranker.scores(docnums)
        for k, docnum in enumerate(docnums.tolist()):
            scores[k] += bonus.get(docnum, 0.0)
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

    def _near_match_bonus(self, plan: QueryPlan, allowed: np.ndarray) -> dict[int, float]:
        """Extra score for passages holding most bigrams of a long clause (damaged text, low weight)
        or of a Chinese string typed as a whole (the passage that reads as typed, or nearly);
        `allowed` is by docnum."""
        specs = [(bigrams, need, FUZZY_BIGRAM_WEIGHT) for c in plan.positive for bigrams, need in c.fuzzy_bigrams()]
        specs += [(near[0], near[1], GROUP_BIGRAM_WEIGHT) for g in plan.groups if (near := g.near_bigrams())]
        bonus: dict[int, float] = {}
        for bigrams, need, weight in specs:
            docnums = self.matcher.bigram_docnums(bigrams, need)
            subset = docnums[allowed[docnums]] if len(docnums) else docnums
            if not len(subset):
                continue
            total = np.zeros(len(subset))
            for b in bigrams:
                d, s = self.postings.term_scores("bigrams", b)
                if not len(d):
                    continue
                i = np.searchsorted(d, subset)
                i[i >= len(d)] = 0
                hit = d[i] == subset
                total[hit] += s[i[hit]]
            for docnum, score in zip(subset.tolist(), (total * weight).tolist()):
                if score > 0:
                    bonus[docnum] = bonus.get(docnum, 0.0) + score
        return bonus
