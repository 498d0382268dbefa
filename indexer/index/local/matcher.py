"""Which documents match a query plan: a document mask per clause, combined.

Matching is decided per document: every positive clause must match some passage of the
document (on the word, title or bigram fields, or, for a long Chinese clause, through most of
its bigrams: OCR-damaged text), no negated clause may match any. With no document matching
every clause, a relaxed match keeps those matching two thirds of them.
"""
from __future__ import annotations

import math
import threading
from collections import OrderedDict

import numpy as np

from indexer.search.plan import Clause, QueryPlan

from .matching import matching
from .postings import Postings, unique
from .queries import clause_query

RELAXED_SHARE = 2 / 3  # with no exact match, documents matching this share of the words
CACHE_SIZE = 256


class Matcher:
    """Document masks of clauses over one opened generation (cached, thread-safe)."""

    def __init__(self, postings: Postings, docnum_row: np.ndarray, n_docs: int, lock: threading.Lock):
        self.postings = postings
        self.reader = postings.reader
        self.docnum_row = docnum_row  # engine docnum → document row, -1 for deleted or unknown
        self.n_docs = n_docs
        self._lock = lock
        self._cache: OrderedDict = OrderedDict()

    def clear_cache(self) -> None:
        """Forget cached masks (tests force fresh reads with it)."""
        with self._lock:
            self._cache.clear()

    def _cached(self, key, compute):
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        value = compute()
        with self._lock:
            self._cache[key] = value
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return value

    def _rows(self, docnums: np.ndarray, mask: np.ndarray) -> None:
        if len(docnums):
            d = self.docnum_row[docnums]
            mask[d[d >= 0]] = True

    def bigram_docnums(self, bigrams: tuple[str, ...], need: int) -> np.ndarray:
        """Passages (engine docnums) holding at least `need` of these bigrams: damaged text."""

        def compute():
            arrays = [self.postings.docnums("bigrams", b) for b in bigrams]
            counts = np.bincount(np.concatenate(arrays), minlength=len(self.docnum_row)) if arrays else np.zeros(0)
            return np.nonzero(counts >= need)[0]

        return self._cached(("bigrams", bigrams, need), compute)

    def clause_mask(self, c: Clause) -> np.ndarray:
        """Documents with a passage matching one clause (word, title or bigram fields, or damaged text)."""

        def compute():
            with self._lock:  # a prefix clause reads the term dictionary (one file handle, not thread-safe)
                q = clause_query(c, self.reader)
            mask = np.zeros(self.n_docs, dtype=bool)
            self._rows(matching(self.postings, q, group=self.docnum_row), mask)
            found = [self.bigram_docnums(bigrams, need) for bigrams, need in c.fuzzy_bigrams()]
            if found:
                self._rows(unique(*found), mask)
            return mask

        return self._cached(("clause",) + c.key, compute)

    def query_mask(self, plan: QueryPlan, relaxed: bool = False) -> np.ndarray:
        """Documents that match every positive clause (or, relaxed, most of them) and no negated one."""
        mask = np.ones(self.n_docs, dtype=bool)
        positive = [self.clause_mask(c) for c in plan.positive]
        if relaxed and positive:
            need = max(1, math.ceil(len(positive) * RELAXED_SHARE))
            mask &= np.sum(positive, axis=0) >= need
        else:
            for m in positive:
                mask &= m
        for c in plan.negated:
            mask &= ~self.clause_mask(c)
        return mask
