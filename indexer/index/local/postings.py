"""Posting lists as numpy arrays, and engine queries evaluated on them.

Whoosh's matchers walk a posting list one document at a time in Python; at archive scale a common
word's list is most of the index, and a query touches several. Here a term's postings are decoded
a block (128 postings) at a time — ids are delta-encoded, so a cumulative sum — and kept per
index generation in a size-bounded cache. On these arrays:
- which passages match a query (terms, AND, OR exactly; phrases by intersecting their terms, then
  checking positions only for the passages still in question);
- Whoosh's own BM25F scores of a scoring query (`Ranker`): terms and ANDs summed on the arrays,
  phrase bonuses added where a phrase is verified, for the top passages only.

This module reads Whoosh's on-disk postings through a few internals of whoosh-reloaded 2.7.5 (a
frozen release): the term table's term info, the framing of blocks in the postings file (length,
pickled info tuple, then data in indexer.index.local.blocks' layout or Whoosh's), the length columns.
"""
from __future__ import annotations

import io
import pickle
import threading
import zlib
from array import array
from bisect import bisect_left
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, WHOOSH3_HEADER_MAGIC, _lenfield
from whoosh.query.spans import Span
from whoosh.util.numeric import byte_to_length

from . import blocks

CACHE_BYTES = 32 * 1024 * 1024
BLOCK_CACHE = 1024  # blocks of positions (128 postings each) kept decoded
_LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.float32)
_EMPTY = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))


@dataclass
class _Term:
    """One term's decoded postings, and where its blocks are (to read positions on demand)."""

    field: str
    docnums: np.ndarray
    weights: np.ndarray
    raw: np.ndarray  # index of each posting in the undeleted list (block lookup)
    blocks: np.ndarray  # per block: leaf number, data offset, data length, compression
    starts: np.ndarray  # first raw index of each block

    @property
    def nbytes(self) -> int:
        return self.docnums.nbytes + self.weights.nbytes + self.raw.nbytes + self.blocks.nbytes + self.starts.nbytes


class Postings:
    """Decoded posting lists of one opened index (global engine docnums, deleted ones dropped)."""

    def __init__(self, searcher, deleted: np.ndarray, lock: threading.Lock):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.leaves = list(self.reader.leaf_readers())
        self.n = self.reader.doc_count_all()
        self.deleted = deleted
        self._lock = lock
        self._cache: OrderedDict = OrderedDict()
        self._cache_bytes = 0
        self._lengths: dict[str, np.ndarray] = {}
        self._blocks: OrderedDict = OrderedDict()  # decoded posting values of recently read blocks

    # -- reading ---------------------------------------------------------------------------
    def get(self, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        """(docnums, weights) of a term, sorted by docnum."""
        e = self._entry(field, term)
        return e.docnums, e.weights

    def docnums(self, field: str, term: str) -> np.ndarray:
        """Docnums of a term."""
        return self._entry(field, term).docnums

    def _entry(self, field: str, term: str) -> "_Term":
        key = (field, term)
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return hit
            value = self._read(field, term)
            self._cache[key] = value
            self._cache_bytes += value.nbytes
            while self._cache_bytes > CACHE_BYTES and len(self._cache) > 1:
                _k, old = self._cache.popitem(last=False)
                self._cache_bytes -= old.nbytes
        return value

    def _read(self, field: str, term: str) -> "_Term":
        # One read of the term's whole extent per segment, its blocks parsed here: Whoosh's
        # matcher reads each block header in a dozen small reads and decodes positions with ids.
        ids: list[np.ndarray] = []
        weights: list[np.ndarray] = []
        counts: list[int] = []
        bases: list[int] = []
        where = array("q")  # per block: leaf number, data offset, data length, compression
        tbytes = term.encode("utf-8")
        for leaf_no, (leaf, offset) in enumerate(self.leaves):
            if (field, term) not in leaf:
                continue
            info = leaf._terms.term_info(field, tbytes)
            if info.is_inlined():  # Whoosh never inlines (see engine.py), but a segment could
                raise ValueError(f"inlined postings not supported: {field}:{term}")
            start, length = info.extent()
            if isinstance(length, tuple):  # W3TermInfo.from_bytes leaves the unpacked tuple
                length = length[0]
            buf = leaf._terms._postfile.get(start, length)
            if buf[:4] != WHOOSH3_HEADER_MAGIC:
                raise ValueError(f"not a posting list: {field}:{term}")
            view, stream, pos = memoryview(buf), io.BytesIO(buf), 4
            while True:
                size = int.from_bytes(buf[pos:pos + 4], "big", signed=True)
                stream.seek(pos + 4)
                n, _maxid, _maxweight, comp = pickle.load(stream)[:4]
                data_at, end = stream.tell(), pos + 4 + abs(size)
                d, w = _ids_weights(view[data_at:end], n, comp)
                ids.append(d)
                weights.append(w if isinstance(w, np.ndarray) else np.full(n, w, dtype=np.float32))
                counts.append(n)
                bases.append(offset)
                where.extend((leaf_no, start + data_at, end - data_at, comp))
                if size < 0:  # the last block
                    break
                pos = end
        if not counts:
            return _Term(field, *_EMPTY, np.zeros(0, dtype=np.int32), np.zeros((0, 4), dtype=np.int64),
                         np.zeros(1, dtype=np.int64))
        counts_arr = np.array(counts, dtype=np.int64)
        starts = np.concatenate([[0], np.cumsum(counts_arr)])
        running = np.cumsum(np.concatenate(ids))
        # ids are delta-coded within each block, from 0: undo the running sum across blocks
        before = np.concatenate([[0], running[starts[1:-1] - 1]])
        d = running - np.repeat(before, counts_arr) + np.repeat(np.array(bases, dtype=np.int64), counts_arr)
        w = np.concatenate(weights).astype(np.float32, copy=False)
        raw = np.arange(len(d), dtype=np.int32)
        live = ~self.deleted[d]
        if not live.all():
            d, w, raw = d[live], w[live], raw[live]
        blocks_arr = np.frombuffer(where, dtype=np.int64).reshape(-1, 4).copy()
        return _Term(field, d, w, raw, blocks_arr, starts)

    def positions(self, field: str, term: str, docnums: np.ndarray) -> list[list[int]]:
        """The term's positions in each of `docnums` (which must all contain it)."""
        e = self._entry(field, term)
        raw = e.raw[np.searchsorted(e.docnums, docnums)]
        blk = np.searchsorted(e.starts, raw, side="right") - 1
        decode = self.reader.schema[field].format.decode_positions
        out: list = [None] * len(raw)
        order = np.argsort(blk, kind="stable")
        bounds = np.flatnonzero(np.diff(blk[order])) + 1
        with self._lock:
            for group in np.split(order, bounds):
                if not len(group):
                    continue
                b = int(blk[group[0]])
                values = self._block_values(field, term, e, b)
                first = int(e.starts[b])
                for i, r in zip(group.tolist(), raw[group].tolist()):
                    out[i] = decode(values[r - first])
        return out

    def _block_values(self, field: str, term: str, e: "_Term", b: int) -> tuple:
        """The decoded posting values of one block (cached; call with the lock held)."""
        key = (field, term, b)
        values = self._blocks.get(key)
        if values is None:
            leaf_no, offset, length, comp = e.blocks[b].tolist()
            data = self.leaves[leaf_no][0]._terms._postfile.get(offset, length)
            n = int(e.starts[b + 1] - e.starts[b])
            if comp & blocks.SPLIT:
                values = blocks.values(data, n, comp)
            else:
                values = _whoosh_block(data, comp)[2]
            self._blocks[key] = values
            if len(self._blocks) > BLOCK_CACHE:
                self._blocks.popitem(last=False)
        else:
            self._blocks.move_to_end(key)
        return values

    def lengths(self, field: str) -> np.ndarray:
        """Every passage's length in a field, as Whoosh's scorer sees it (byte-encoded)."""
        with self._lock:
            got = self._lengths.get(field)
            if got is None:
                parts = []
                for leaf, _offset in self.leaves:
                    col = leaf._perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
                    raw = np.frombuffer(bytes(col.load()), dtype=np.uint8) if col is not None else \
                        np.zeros(leaf.doc_count_all(), dtype=np.uint8)
                    parts.append(_LENGTHS[raw])
                got = np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)
                self._lengths[field] = got
        return got

    # -- matching --------------------------------------------------------------------------
    def matching(self, q, skip: np.ndarray | None = None, group: np.ndarray | None = None) -> np.ndarray:
        """Sorted docnums matching a query built by indexer.search.plan (Term, And, Or, Phrase, NullQuery).

        Passages marked in `skip` may be left out of a phrase check (their answer is not needed);
        with `group` (docnum → document, -1 for none), once a document has a matching passage its
        other passages are skipped too: enough to know which documents match."""
        if isinstance(q, wq.Term):
            return self.docnums(q.fieldname, q.text)
        if isinstance(q, wq.Or):
            cheap = [s for s in q.subqueries if not isinstance(s, wq.Phrase)]
            found = [self.matching(s, skip, group) for s in cheap]
            out = np.unique(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)
            for phrase in (s for s in q.subqueries if isinstance(s, wq.Phrase)):
                known = np.zeros(self.n, dtype=bool) if skip is None else skip.copy()
                if group is not None:
                    seen = np.zeros(int(group.max(initial=-1)) + 2, dtype=bool)
                    seen[group[out] + 1] = True
                    seen[0] = False
                    known |= seen[group + 1]
                else:
                    known[out] = True
                out = np.union1d(out, self.matching(phrase, known, group))
            return out
        if isinstance(q, wq.And):
            out = None
            for s in q.subqueries:
                d = self.matching(s, skip, group)
                out = d if out is None else np.intersect1d(out, d, assume_unique=True)
                if not len(out):
                    break
            return out if out is not None else np.zeros(0, dtype=np.int64)
        if isinstance(q, wq.Phrase):
            out = None
            for w in q.words:
                d = self.docnums(q.fieldname, w)
                out = d if out is None else np.intersect1d(out, d, assume_unique=True)
                if not len(out):
                    return out
            if out is None:
                return np.zeros(0, dtype=np.int64)
            if skip is not None:
                out = out[~skip[out]]
            if group is None:
                return self.verify(q, out)
            # one passage per document at a time: a document's other passages need no check
            # once one of them holds the phrase
            found = []
            while len(out):
                _values, first = np.unique(group[out], return_index=True)
                ok = self.verify(q, out[first])
                found.append(ok)
                rest = np.ones(len(out), dtype=bool)
                rest[first] = False
                if len(ok):
                    rest &= ~np.isin(group[out], group[ok])
                out = out[rest]
            return np.unique(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)
        if q is wq.NullQuery:
            return np.zeros(0, dtype=np.int64)
        with self._lock:  # anything else: Whoosh's own matcher
            return np.fromiter(self.searcher.docs_for_query(q), dtype=np.int64)

    def verify(self, q, candidates: np.ndarray) -> np.ndarray:
        """The candidates (each holding every word of the phrase `q`) where the phrase occurs."""
        if not len(candidates):
            return candidates
        lists = [self.positions(q.fieldname, w, candidates) for w in q.words]
        keep = [i for i in range(len(candidates)) if _phrase_at([ps[i] for ps in lists], q.slop)]
        return candidates[keep]

    # -- scoring ---------------------------------------------------------------------------
    def term_scores(self, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(docnums, Whoosh's BM25F score of the term in each): the same formula and inputs as
        whoosh.scoring.BM25FScorer (global idf and average length, byte-encoded field lengths)."""
        d, w = self.get(field, text)
        if not len(d):
            return d, np.zeros(0)
        weighting = self.searcher.weighting
        with self._lock:
            idf = self.searcher.idf(field, text)
            avgfl = self.searcher.avg_field_length(field) or 1
        fl = self.lengths(field)[d].astype(np.float64)
        k1, b = weighting.K1, weighting._field_B.get(field, weighting.B)
        w = w.astype(np.float64)
        return d, idf * ((w * (k1 + 1)) / (w + k1 * ((1 - b) + b * fl / avgfl)))

    def ranker(self, q, allowed: np.ndarray, tiebreak: np.ndarray) -> "Ranker":
        """Exact top passages of a scoring query among the `allowed` docnums."""
        return Ranker(self, q, allowed, tiebreak)


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

    def _visit(self, docnums: np.ndarray) -> None:
        score = self.base[docnums].copy()
        for q, cands, bonus in self.phrases:
            i = np.searchsorted(cands, docnums)
            i[i >= len(cands)] = 0
            inside = cands[i] == docnums
            if inside.any():
                found = self.p.verify(q, docnums[inside])
                if len(found):  # docnums are sorted
                    score[np.searchsorted(docnums, found)] += bonus[np.searchsorted(cands, found)]
        for d, sc in zip(docnums.tolist(), score.tolist()):
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


def _whoosh_block(data, comp: int) -> tuple:
    """(ids, weights, values) of a block in Whoosh's own layout (one pickled tuple)."""
    return pickle.loads(zlib.decompress(data) if comp else bytes(data))


def _ids_weights(data, n: int, comp: int) -> tuple[np.ndarray, np.ndarray | float]:
    """A block's id deltas and weights (an array, or one float for all), in either layout."""
    if comp & blocks.SPLIT:
        return blocks.ids_weights(data, n)
    ids, weights, _values = _whoosh_block(data, comp)
    if weights is None:
        weights = 1.0
    return np.array(ids, dtype=np.int64), weights if isinstance(weights, float) else np.array(weights, dtype=np.float32)


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
