"""Posting lists as numpy arrays, read straight from Whoosh's segment files.

Whoosh's matchers walk a posting list one document at a time in Python; at archive scale a common
word's list is most of the index, and a query touches several. Here a term's postings are decoded
a block (128 postings) at a time — ids are delta-encoded, so a cumulative sum — and kept per
index generation in a size-bounded cache; positions are decoded only for the passages a phrase
check asks about. `matching.py` decides which passages match a query on these arrays and
`ranker.py` scores them as Whoosh's BM25F would.

This module reads Whoosh's on-disk postings through a few internals of whoosh-reloaded 2.7.5 (a
frozen release): the term table's term info, the framing of blocks in the postings file (length,
pickled info tuple, then data in indexer.index.local.blocks' layout or Whoosh's), the length columns.
"""
from __future__ import annotations

import io
import pickle
import threading
from array import array
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, WHOOSH3_HEADER_MAGIC, _lenfield
from whoosh.util.numeric import byte_to_length

from . import blocks
from .codec import column_values

CACHE_BYTES = 32 * 1024 * 1024
BLOCK_CACHE_BYTES = 16 * 1024 * 1024  # decoded positions of recently read blocks
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
        self._blocks: OrderedDict = OrderedDict()  # decoded positions of recently read blocks
        self._block_bytes = 0

    def clear_cache(self) -> None:
        """Forget decoded postings and blocks (the next searches read the files again)."""
        with self._lock:
            self._cache.clear()
            self._cache_bytes = 0
            self._blocks.clear()
            self._block_bytes = 0

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
        where = array("q")  # per block: leaf number, data offset, data length, compression
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
            view, stream, pos = memoryview(buf), io.BytesIO(buf), 4
            while True:
                size = int.from_bytes(buf[pos:pos + 4], "big", signed=True)
                stream.seek(pos + 4)
                n, _maxid, _maxweight, comp = pickle.load(stream)[:4]
                data_at, end = stream.tell(), pos + 4 + abs(size)
                d, w = blocks.ids_weights(view[data_at:end], n, comp, boost)
                ids.append(d + offset)
                weights.append(w)
                counts.append(n)
                where.extend((leaf_no, start + data_at, end - data_at, comp))
                if size < 0:  # the last block
                    break
                pos = end
        if not counts:
            return _Term(field, *_EMPTY, np.zeros(0, dtype=np.int32), np.zeros((0, 4), dtype=np.int64),
                         np.zeros(1, dtype=np.int64))
        starts = np.concatenate([[0], np.cumsum(np.array(counts, dtype=np.int64))])
        d = np.concatenate(ids)
        w = np.concatenate(weights)
        raw = np.arange(len(d), dtype=np.int32)
        live = ~self.deleted[d]
        if not live.all():
            d, w, raw = d[live], w[live], raw[live]
        blocks_arr = np.frombuffer(where, dtype=np.int64).reshape(-1, 4).copy()
        return _Term(field, d, w, raw, blocks_arr, starts)

    def positions(self, field: str, term: str, docnums: np.ndarray) -> list[list[int]]:
        """The term's positions in each of `docnums` (which must all contain it)."""
        owner, flat = self.flat_positions(field, term, docnums)
        starts = np.searchsorted(owner, np.arange(len(docnums) + 1))
        return blocks.split_lists(starts, flat)

    def flat_positions(self, field: str, term: str, docnums: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The term's positions in `docnums` (which must all contain it), as one array, with the index in
        `docnums` of each: decoded a block at a time (cached), gathered with numpy."""
        if not len(docnums):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        e = self._entry(field, term)
        raw = e.raw[np.searchsorted(e.docnums, docnums)]
        blk = np.searchsorted(e.starts, raw, side="right") - 1
        wanted = np.unique(blk)
        with self._lock:
            decoded = [self._block_positions(field, term, e, b) for b in wanted.tolist()]
        sizes = np.array([len(f) for _s, f in decoded], dtype=np.int64)
        flat = np.concatenate([f for _s, f in decoded]) if decoded else np.zeros(0, dtype=np.int64)
        # every decoded posting's start in `flat`, and its count
        first = np.concatenate([s[:-1] + base for (s, _f), base in zip(decoded, np.cumsum(sizes) - sizes)])
        count = np.concatenate([np.diff(s) for s, _f in decoded])
        before = np.cumsum([len(s) - 1 for s, _f in decoded]) - np.array([len(s) - 1 for s, _f in decoded])
        k = before[np.searchsorted(wanted, blk)] + raw - e.starts[blk]
        c = count[k]
        owner = np.repeat(np.arange(len(docnums)), c)
        return owner, flat[np.repeat(first[k] - (np.cumsum(c) - c), c) + np.arange(int(c.sum()))]

    def _block_positions(self, field: str, term: str, e: "_Term", b: int) -> tuple[np.ndarray, np.ndarray]:
        """One block's positions: each posting's first index in them, and the flat positions (cached by
        size; call with the lock held)."""
        key = (field, term, b)
        found = self._blocks.get(key)
        if found is None:
            leaf_no, offset, length, comp = e.blocks[b].tolist()
            data = self.leaves[leaf_no][0]._terms._postfile.get(offset, length)
            n = int(e.starts[b + 1] - e.starts[b])
            found = blocks.positions(data, n, comp, self.reader.schema[field].format.decode_positions)
            self._blocks[key] = found
            self._block_bytes += found[0].nbytes + found[1].nbytes
            while self._block_bytes > BLOCK_CACHE_BYTES and len(self._blocks) > 1:
                _k, (s, f) = self._blocks.popitem(last=False)
                self._block_bytes -= s.nbytes + f.nbytes
        else:
            self._blocks.move_to_end(key)
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


