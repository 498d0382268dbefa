"""Which passages match an engine query, decided on posting arrays.

Terms, AND and OR exactly; a phrase by intersecting its words' postings, then checking positions
only for the passages still in question (with `group`, one passage per document at a time).
"""
from __future__ import annotations

from bisect import bisect_left

import numpy as np
from whoosh import query as wq
from whoosh.query.spans import Span

from .postings import Postings, first_of_each, sorted_unique, unique


def matching(postings: Postings, q, skip: np.ndarray | None = None, group: np.ndarray | None = None) -> np.ndarray:
    """Sorted docnums matching a query built by indexer.search.plan (Term, And, Or, Phrase, NullQuery).

    Passages marked in `skip` may be left out of a phrase check (their answer is not needed);
    with `group` (docnum → document, -1 for none), once a document has a matching passage its
    other passages are skipped too: enough to know which documents match."""
    if isinstance(q, wq.Term):
        return postings.docnums(q.fieldname, q.text)
    if isinstance(q, wq.Or):
        cheap = [s for s in q.subqueries if not isinstance(s, wq.Phrase)]
        found = [matching(postings, s, skip, group) for s in cheap]
        out = unique(*found) if found else np.zeros(0, dtype=np.int64)
        for phrase in (s for s in q.subqueries if isinstance(s, wq.Phrase)):
            known = np.zeros(postings.n, dtype=bool) if skip is None else skip.copy()
            if group is not None:
                seen = np.zeros(int(group.max(initial=-1)) + 2, dtype=bool)
                seen[group[out] + 1] = True
                seen[0] = False
                known |= seen[group + 1]
            else:
                known[out] = True
            out = unique(out, matching(postings, phrase, known, group))
        return out
    if isinstance(q, wq.And):
        out = None
        for s in q.subqueries:
            d = matching(postings, s, skip, group)
            out = d if out is None else np.intersect1d(out, d, assume_unique=True)
            if not len(out):
                break
        return out if out is not None else np.zeros(0, dtype=np.int64)
    if isinstance(q, wq.Phrase):
        out = None
        for w in q.words:
            d = postings.docnums(q.fieldname, w)
            out = d if out is None else np.intersect1d(out, d, assume_unique=True)
            if not len(out):
                return out
        if out is None:
            return np.zeros(0, dtype=np.int64)
        if skip is not None:
            out = out[~skip[out]]
        if group is None:
            return verify(postings, q, out)
        # one passage per document at a time: a document's other passages need no check
        # once one of them holds the phrase
        found = []
        while len(out):
            _values, first = first_of_each(group[out])
            ok = verify(postings, q, out[first])
            found.append(ok)
            rest = np.ones(len(out), dtype=bool)
            rest[first] = False
            if len(ok):
                rest &= ~np.isin(group[out], group[ok])
            out = out[rest]
        return unique(*found) if found else np.zeros(0, dtype=np.int64)
    if q is wq.NullQuery:
        return np.zeros(0, dtype=np.int64)
    with postings._lock:  # anything else: Whoosh's own matcher
        return np.fromiter(postings.searcher.docs_for_query(q), dtype=np.int64)

def verify(postings: Postings, q, candidates: np.ndarray) -> np.ndarray:
    """The candidates (each holding every word of the phrase `q`) where the phrase occurs."""
    if not len(candidates):
        return candidates
    if q.slop == 1:
        return _exact(postings, q, candidates)
    lists = [postings.positions(q.fieldname, w, candidates) for w in q.words]
    keep = [i for i in range(len(candidates)) if _phrase_at([ps[i] for ps in lists], q.slop)]
    return candidates[keep]


def _exact(postings: Postings, q, candidates: np.ndarray) -> np.ndarray:
    """Candidates where the words of `q` stand at consecutive positions, for all candidates at once:
    (candidate, position of word i - i) pairs present for every word i."""
    common = None
    n = len(q.words)
    for i, w in enumerate(q.words):
        owner, pos = postings.flat_positions(q.fieldname, w, candidates)
        # ascending (owners ascending, positions ascending in each); a phrase cannot start before 0
        keys = sorted_unique((owner << 32) | (pos - i + n))
        common = keys if common is None else np.intersect1d(common, keys, assume_unique=True)
        if not len(common):
            return candidates[:0]
    return candidates[sorted_unique(common >> 32)]


def _phrase_at(positions: list[list[int]], slop: int) -> bool:
    """Whoosh's ordered SpanNear2 test (mindist 1) on the words' position lists: each word within
    `slop` after the span of the words before it (with slop 1: at consecutive positions)."""
    if slop == 1:
        starts = set(positions[0])
        for i, plist in enumerate(positions[1:], start=1):
            here = set(plist)
            starts = {p for p in starts if p + i in here}
            if not starts:
                return False
        return True
    aspans = [Span(p) for p in positions[0]]
    for plist in positions[1:]:
        if not aspans:
            return False
        bspans = [Span(p) for p in plist]
        starts = [b.start for b in bspans]
        spans = set()
        for a in aspans:
            j = bisect_left(starts, a.start)
            while j < len(bspans):
                b = bspans[j]
                j += 1
                if b.end < a.start - slop or a.start > b.start:
                    continue
                if b.start > a.end + slop:
                    break
                if 1 <= a.distance_to(b) <= slop:
                    spans.add(a.to(b))
        aspans = sorted(spans)
    return bool(aspans)
