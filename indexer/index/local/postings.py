"""Posting lists as numpy arrays, read straight from Whoosh's segment files.

Whoosh's matchers walk a posting list one document at a time in Python; at archive scale a common
word's list is most of the index, and a query touches several. Here a term's postings are read in
one go per segment and decoded for all its blocks at once with numpy (blocks.decode_arrays; blocks
of the layouts written before, a block at a time), and kept per index generation in a size-bounded
cache; its positions are decoded the same way the first time a phrase check asks, and cached too.
`matching.py` decides which passages match a query on these arrays and `ranker.py` scores them as
Whoosh's BM25F would.

This module reads Whoosh's on-disk postings through a few internals of whoosh-reloaded 2.7.5 (a
frozen release): the term table's term info, the framing of blocks in the postings file (length,
pickled info tuple, then data in indexer.index.local.blocks' layouts or Whoosh's), the length columns.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, WHOOSH3_HEADER_MAGIC, _lenfield
from whoosh.util.numeric import byte_to_length

from . import blocks
from .codec import column_values

CACHE_BYTES = 32 * 1024 * 1024  # decoded postings
POSITIONS_CACHE_BYTES = 24 * 1024 * 1024  # decoded positions of the terms phrases were checked on
_LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.float32)
_EMPTY = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))
# columns of _Term.blocks
LEAF, EXT_START, EXT_LEN, DATA_AT, DATA_LEN, COUNT, COMP = range(7)


@dataclass
class _Term:
    """One term's decoded postings, and where its blocks are (to read positions on demand)."""

    field: str
    docnums: np.ndarray
    weights: np.ndarray
    raw: np.ndarray  # index of each posting in the undeleted list (block lookup)
    blocks: np.ndarray  # per block: leaf, its extent's start and length, data offset and length in it, n, comp
    starts: np.ndarray  # first raw index of each block

    @property
    def nbytes(self) -> int:
        return self.docnums.nbytes + self.weights.nbytes + self.raw.nbytes + self.blocks.nbytes + self.starts.nbytes


# np.unique (and union1d, which uses it) hashes in numpy 2.4: ten to fifty times slower than sorting
# integers, and it was a quarter of the time of a phrase over common words
def sorted_unique(a: np.ndarray) -> np.ndarray:
    """np.unique of an ascending array."""
    if len(a) < 2:
        return a
    return a[np.concatenate(([True], a[1:] != a[:-1]))]


def unique(*arrays: np.ndarray) -> np.ndarray:
    """np.unique of the arrays' values together, by sorting."""
    a = np.sort(np.concatenate(arrays)) if len(arrays) > 1 else np.sort(arrays[0])
    return sorted_unique(a)


def unique_inverse(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """np.unique(values, return_inverse=True), by sorting."""
    order = np.argsort(values, kind="stable")
    v = values[order]
    new = np.ones(len(v), dtype=bool)
    np.not_equal(v[1:], v[:-1], out=new[1:])
    inverse = np.empty(len(v), dtype=np.intp)
    inverse[order] = np.cumsum(new) - 1
    return v[new], inverse


def first_of_each(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """np.unique(values, return_index=True): each value once, ascending, and where it first occurs."""
    order = np.argsort(values, kind="stable")
    v = values[order]
    keep = np.concatenate(([True], v[1:] != v[:-1])) if len(v) else np.zeros(0, dtype=bool)
    return v[keep], order[keep]


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
        self._positions: OrderedDict = OrderedDict()
        self._positions_bytes = 0
        self._virtual: dict = {}

    def add_virtual_field(self, field: str, lookup) -> None:
        """A field the engine files do not hold: `lookup(term)` gives its sorted docnums (weight 1)."""
        self._virtual[field] = lookup

    def clear_cache(self) -> None:
        """Forget decoded postings and blocks (the next searches read the files again)."""
        with self._lock:
            self._cache.clear()
            self._cache_bytes = 0
            self._positions.clear()
            self._positions_bytes = 0

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
        if field in self._virtual:
            d = np.asarray(self._virtual[field](term), dtype=np.int64)
            return _Term(field, d, np.ones(len(d), dtype=np.float32), np.zeros(len(d), dtype=np.int32),
                         np.zeros((0, 7), dtype=np.int64), np.zeros(1, dtype=np.int64))
        return self._read_engine(field, term)

    def _read_engine(self, field: str, term: str) -> "_Term":
        # One read of the term's whole extent per segment, its blocks decoded together: Whoosh's
        # matcher reads each block header in a dozen small reads and decodes positions with ids.
        ids: list[np.ndarray] = []
        weights: list[np.ndarray] = []
        where: list[np.ndarray] = []
        tbytes = term.encode("utf-8")
        boost = self.reader.schema[field].format.field_boost
        for leaf_no, (leaf, offset) in enumerate(self.leaves):
            if (field, term) not in leaf:
                continue
            info = leaf._terms.term_info(field, tbytes)
            if info.is_inlined():  # Whoosh never inlines (see codec.py), but a segment could
                raise ValueError(f"inlined postings not supported: {field}:{term}")
            start, length = info.extent()
            if isinstance(length, tuple):  # W3TermInfo.from_bytes leaves the unpacked tuple
                length = length[0]
            buf = leaf._terms._postfile.get(start, length)
            if buf[:4] != WHOOSH3_HEADER_MAGIC:
                raise ValueError(f"not a posting list: {field}:{term}")
            rows = blocks.walk(buf)
            if (rows[:, 3] & blocks.ARRAYS).all():
                d, counts, _s, _f = blocks.decode_arrays(np.frombuffer(buf, dtype=np.uint8), rows[:, 0], rows[:, 2],
                                                         False)
                ids.append(d + offset)
                weights.append((counts * boost).astype(np.float32))
            else:
                view = memoryview(buf)
                for data_at, data_len, n, comp in rows.tolist():
                    d, w = blocks.ids_weights(view[data_at:data_at + data_len], n, comp, boost)
                    ids.append(d + offset)
                    weights.append(w)
            where.append(np.column_stack([np.full(len(rows), leaf_no), np.full(len(rows), start),
                                          np.full(len(rows), length), rows]))
        if not ids:
            return _Term(field, *_EMPTY, np.zeros(0, dtype=np.int32), np.zeros((0, 7), dtype=np.int64),
                         np.zeros(1, dtype=np.int64))
        table = np.concatenate(where)
        starts = np.concatenate([[0], np.cumsum(table[:, COUNT])])
        d = np.concatenate(ids)
        w = np.concatenate(weights)
        raw = np.arange(len(d), dtype=np.int32)
        live = ~self.deleted[d]
        if not live.all():
            d, w, raw = d[live], w[live], raw[live]
        return _Term(field, d, w, raw, table, starts)

    def positions(self, field: str, term: str, docnums: np.ndarray) -> list[list[int]]:
        """The term's positions in each of `docnums` (which must all contain it)."""
        owner, flat = self.flat_positions(field, term, docnums)
        starts = np.searchsorted(owner, np.arange(len(docnums) + 1))
        return blocks.split_lists(starts, flat)

    def flat_positions(self, field: str, term: str, docnums: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The term's positions in `docnums` (which must all contain it, in any order), as one array,
        with the index in `docnums` of each."""
        if not len(docnums):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        e = self._entry(field, term)
        raw = e.raw[np.searchsorted(e.docnums, docnums)]
        first, flat = self._term_positions(field, term, e)
        c = first[raw + 1] - first[raw]
        owner = np.repeat(np.arange(len(docnums)), c)
        return owner, flat[np.repeat(first[raw] - (np.cumsum(c) - c), c) + np.arange(int(c.sum()))]

    def _term_positions(self, field: str, term: str, e: "_Term") -> tuple[np.ndarray, np.ndarray]:
        """Every posting's first index in the term's flat positions (one more at the end), and the flat
        positions: all blocks decoded together per segment, once, then cached by size (phrases over
        common words ask for positions again and again, batch after batch of candidates)."""
        key = (field, term)
        with self._lock:
            hit = self._positions.get(key)
            if hit is not None:
                self._positions.move_to_end(key)
                return hit
            counts, flats = [], []
            decode = self.reader.schema[field].format.decode_positions
            for leaf_no in sorted_unique(e.blocks[:, LEAF]).tolist():
                rows = e.blocks[e.blocks[:, LEAF] == leaf_no]
                buf = self.leaves[leaf_no][0]._terms._postfile.get(int(rows[0, EXT_START]), int(rows[0, EXT_LEN]))
                if (rows[:, COMP] & blocks.ARRAYS).all():
                    _i, _c, s, f = blocks.decode_arrays(np.frombuffer(buf, dtype=np.uint8), rows[:, DATA_AT],
                                                        rows[:, COUNT], True)
                    counts.append(np.diff(s))
                    flats.append(f)
                    continue
                for data_at, data_len, n, comp in rows[:, DATA_AT:].tolist():
                    s, f = blocks.positions(buf[data_at:data_at + data_len], n, comp, decode)
                    counts.append(np.diff(s))
                    flats.append(f)
            first = np.zeros(sum(map(len, counts)) + 1, dtype=np.int32)
            np.cumsum(np.concatenate(counts), out=first[1:])
            flat = np.concatenate(flats).astype(np.int32)
            self._positions[key] = found = (first, flat)
            self._positions_bytes += first.nbytes + flat.nbytes
            while self._positions_bytes > POSITIONS_CACHE_BYTES and len(self._positions) > 1:
                _k, (a, b) = self._positions.popitem(last=False)
                self._positions_bytes -= a.nbytes + b.nbytes
        return found

    def lengths(self, field: str) -> np.ndarray:
        """Every passage's length in a field, as Whoosh's scorer sees it (byte-encoded)."""
        with self._lock:
            got = self._lengths.get(field)
            if got is None:
                parts = []
                for leaf, _offset in self.leaves:
                    col = leaf._perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
                    raw = column_values(col, leaf.doc_count_all(), np.uint8) if col is not None else \
                        np.zeros(leaf.doc_count_all(), dtype=np.uint8)
                    parts.append(_LENGTHS[raw])
                got = np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)
                self._lengths[field] = got
        return got

    # -- scoring ---------------------------------------------------------------------------
    def one_occurrence(self, field: str, text: str) -> float:
        """The score of a term found once in a passage of average length: its idf (0 when no
        passage holds it). The caller holds the lock (the term dictionary is read)."""
        if field in self._virtual:
            hit = self._cache.get((field, text))
            n = len(hit.docnums) if hit is not None else len(self._virtual[field](text))
            return float(np.log(self.n / (n + 1)) + 1.0) if n else 0.0
        if not self.searcher.doc_frequency(field, text):
            return 0.0
        return float(self.searcher.idf(field, text))

    def term_scores(self, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(docnums, Whoosh's BM25F score of the term in each): the same formula and inputs as
        whoosh.scoring.BM25FScorer (global idf and average length, byte-encoded field lengths)."""
        d, w = self.get(field, text)
        if not len(d):
            return d, np.zeros(0)
        if field in self._virtual:  # a tag: as a term found once in a passage of average length
            return d, np.full(len(d), np.log(self.n / (len(d) + 1)) + 1.0)
        weighting = self.searcher.weighting
        with self._lock:
            idf = self.searcher.idf(field, text)
            avgfl = self.searcher.avg_field_length(field) or 1
        fl = self.lengths(field)[d].astype(np.float64)
        k1, b = weighting.K1, weighting._field_B.get(field, weighting.B)
        w = w.astype(np.float64)
        return d, idf * ((w * (k1 + 1)) / (w + k1 * ((1 - b) + b * fl / avgfl)))


