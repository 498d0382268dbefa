"""Passages analysed into token arrays, sorted by term into runs, and runs merged term by term.

A segment's postings are gathered as arrays, not one Python object per posting: per field, each
token's term (an id from a dictionary) and position; once enough tokens are held, they are sorted
by term and passage with numpy into a *run* (the sorted term strings, and per term its postings:
passage, count, positions), kept in memory or spilled to files. At the end the runs are merged in
term order, a slice of terms at a time, so memory stays bounded whatever the segment's size.
"""
from __future__ import annotations

import os
from array import array
from bisect import bisect_right
from itertools import count as counter
from operator import itemgetter
from pathlib import Path

import numpy as np

from indexer.analysis.tokens import bigram_runs, word_tokens

FIELDS = ("bigrams", "doc_id", "text", "title")  # in Whoosh's order: by name
POSITIONS = {"bigrams": True, "doc_id": False, "text": True, "title": True}
SCORED = ("bigrams", "text", "title")  # fields with a length per passage
_term, _pos = itemgetter(0), itemgetter(1)


class _Tokens:
    """One field's tokens since the last run: term ids (the index of the term's first token), positions,
    and tokens per passage."""

    __slots__ = ("vocab", "ids", "pos", "per_doc")

    def __init__(self):
        self.vocab: dict[str, int] = {}
        self.ids = array("i")
        self.pos = array("i")
        self.per_doc = array("i")

    def add(self, tokens: list) -> int:
        """Hold one passage's (term, position, ...) tokens; returns how many."""
        n = len(tokens)
        self.per_doc.append(n)
        if n:
            # one C-level pass: a new term gets the index of its first token as its id
            self.ids.extend(map(self.vocab.setdefault, map(_term, tokens), counter(len(self.ids))))
            self.pos.extend(map(_pos, tokens))
        return n

    def add_one(self, term: str) -> None:
        """Hold one passage's only token (no position)."""
        self.per_doc.append(1)
        self.ids.append(self.vocab.setdefault(term, len(self.ids)))

    def sorted(self, first_doc: int, positions: bool) -> dict | None:
        """The tokens sorted into postings (stable by term: passages and positions stay ascending)."""
        if not self.vocab:
            return None
        items = sorted(self.vocab.items())
        terms = [k for k, _v in items]
        ids = np.fromiter((v for _k, v in items), dtype=np.int64, count=len(items))
        del items
        tids = np.frombuffer(self.ids, dtype=np.int32)
        rank = np.empty(len(tids), dtype=np.int32)
        rank[ids] = np.arange(len(ids), dtype=np.int32)
        r = rank[tids]
        del rank, tids
        encoded = [s.encode("utf-8") for s in terms]
        toff = np.zeros(len(terms) + 1, dtype=np.int64)
        np.cumsum([len(e) for e in encoded], out=toff[1:])
        return _postings(r, self.per_doc, self.pos, first_doc, positions, b"".join(encoded), toff)


class _Bigrams:
    """The bigram field's tokens, held as the runs of Han characters they are cut from (a run of n
    characters gives its n-1 bigrams, a lone character itself) and coded when sorted as integers,
    first << 21 | second (0 for none), which order as the strings do: no Python object and no
    dictionary lookup per token (those were a fifth of a builder's time)."""

    __slots__ = ("runs", "run_len", "run_pos", "per_doc")

    def __init__(self):
        self.runs: list[str] = []
        self.run_len = array("i")
        self.run_pos = array("i")  # each run's first position
        self.per_doc = array("i")

    def add_runs(self, runs: list[tuple[str, int, int]]) -> int:
        """Hold one passage's (run, first position, ...) runs; returns how many tokens they make."""
        n = 0
        for run, pos, *_rest in runs:
            self.runs.append(run)
            self.run_len.append(len(run))
            self.run_pos.append(pos)
            n += len(run) - 1 or 1
        self.per_doc.append(n)
        return n

    def sorted(self, first_doc: int, positions: bool) -> dict | None:
        """The tokens sorted into postings, as _Tokens.sorted gives them."""
        if not self.runs:
            return None
        chars = np.frombuffer("".join(self.runs).encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
        lens = np.frombuffer(self.run_len, dtype=np.int32).astype(np.int64)
        per_run = np.maximum(lens - 1, 1)  # tokens of each run
        run_of = np.repeat(np.arange(len(lens)), per_run)  # each token's run
        k = np.arange(len(run_of)) - np.repeat(np.cumsum(per_run) - per_run, per_run)  # its place in the run
        at = (np.cumsum(lens) - lens)[run_of] + k  # its first character
        second = np.where(lens[run_of] > 1, chars[np.minimum(at + 1, len(chars) - 1)], 0)
        codes = (chars[at] << 21) | second
        pos = (np.frombuffer(self.run_pos, dtype=np.int32)[run_of] + k).astype(np.int32)
        del chars, second, at, lens, per_run, run_of, k
        terms = sorted_unique(np.sort(codes))
        r = np.searchsorted(terms, codes).astype(np.int32)  # each token's term number
        del codes
        pair = np.stack([terms >> 21, terms & 0x1FFFFF], axis=1)
        keep = pair > 0
        cs = pair[keep]  # every term's characters, one after another
        width = np.where(cs < 0x80, 1, np.where(cs < 0x800, 2, np.where(cs < 0x10000, 3, 4)))
        per_term = np.zeros(pair.shape, dtype=np.int64)
        per_term[keep] = width
        toff = np.zeros(len(terms) + 1, dtype=np.int64)
        np.cumsum(per_term.sum(axis=1), out=toff[1:])
        blob = cs.astype("<u4").tobytes().decode("utf-32-le").encode("utf-8")
        return _postings(r, self.per_doc, pos, first_doc, positions, blob, toff)


def sorted_unique(a: np.ndarray) -> np.ndarray:
    """The distinct values of an ascending array."""
    if len(a) < 2:
        return a
    return a[np.concatenate(([True], a[1:] != a[:-1]))]


def _postings(r: np.ndarray, per_doc, token_pos, first_doc: int, positions: bool, blob: bytes,
              toff: np.ndarray) -> dict:
    """A run's field from each token's term number `r` (terms ascending: `blob`, `toff`), the
    tokens per passage and the tokens' positions; stable by term, so passages and positions stay
    ascending."""
    nterms = len(toff) - 1
    order = np.argsort(r, kind="stable")
    r = r[order]
    docs = np.repeat(np.arange(first_doc, first_doc + len(per_doc), dtype=np.int32),
                     np.frombuffer(per_doc, dtype=np.int32))[order]
    pos = np.frombuffer(token_pos, dtype=np.int32)[order] if positions else None
    del order
    new = np.ones(len(r), dtype=bool)
    new[1:] = (r[1:] != r[:-1]) | (docs[1:] != docs[:-1])
    starts = np.flatnonzero(new)
    count = np.diff(np.append(starts, len(r))).astype(np.int32)
    tstart = np.searchsorted(r[starts], np.arange(nterms + 1)).astype(np.int64)
    tpos = np.zeros(nterms + 1, dtype=np.int64)
    tpos[1:] = np.searchsorted(r, np.arange(1, nterms + 1))
    return {"blob": blob, "toff": toff, "tstart": tstart, "tpos": tpos, "doc": docs[starts], "count": count,
            "pos": pos}


class Run:
    """Postings of consecutive passages sorted by term, per field: the terms (UTF-8, ascending: `blob`
    and offsets `toff`), each term's first posting (`tstart`) and first position (`tpos`), and per
    posting `doc` and `count`, then the positions (`pos`); arrays in memory or in files."""

    def __init__(self, fields: dict[str, dict]):
        self.fields = fields

    def nterms(self, field: str) -> int:
        """Terms of a field."""
        f = self.fields.get(field)
        return 0 if f is None else len(f["toff"]) - 1

    def window(self, field: str, a: int, b: int) -> tuple[list[str], np.ndarray, np.ndarray]:
        """Terms a..b-1 of a field, with their first postings and first positions (b+1 of each)."""
        f = self.fields[field]
        off = _slice(f["toff"], a, b + 1)
        blob = _slice(f["blob"], int(off[0]), int(off[-1]))
        text = blob if isinstance(blob, bytes) else blob.tobytes()
        cuts = (off - off[0]).tolist()
        terms = [text[x:y].decode("utf-8") for x, y in zip(cuts, cuts[1:])]
        return terms, _slice(f["tstart"], a, b + 1), _slice(f["tpos"], a, b + 1)

    def postings(self, field: str, p0: int, p1: int, q0: int, q1: int) -> tuple:
        """(doc, count, positions or None) of postings p0..p1-1, whose positions are q0..q1-1."""
        f = self.fields[field]
        pos = _slice(f["pos"], q0, q1) if POSITIONS[field] else None
        return _slice(f["doc"], p0, p1), _slice(f["count"], p0, p1), pos


def _spill(name: str, f: dict, folder: Path) -> dict:
    """One field of a run moved to files (read a window at a time while merging)."""
    folder.mkdir(parents=True, exist_ok=True)
    g = {}
    for key, value in f.items():
        if value is None:
            g[key] = None
            continue
        a = np.frombuffer(value, dtype=np.uint8) if isinstance(value, bytes) else value
        path = folder / f"{name}.{key}"
        a.tofile(path)
        g[key] = _OnDisk(path, a.dtype, len(a))
    return g


class _OnDisk:
    """An array in a file, read a slice at a time."""

    def __init__(self, path: Path, dtype, n: int):
        self.path, self.dtype, self.n = path, np.dtype(dtype), n

    def __len__(self) -> int:
        return self.n

    def read(self, a: int, b: int) -> np.ndarray:
        """Elements a..b-1."""
        with open(self.path, "rb") as f:
            return np.fromfile(f, dtype=self.dtype, count=b - a, offset=a * self.dtype.itemsize)


def _slice(a, x: int, y: int):
    return a.read(x, y) if isinstance(a, _OnDisk) else a[x:y]


def _new(field: str):
    return _Bigrams() if field == "bigrams" else _Tokens()


class Collector:
    """Analyses passages into token arrays; a sorted run every `run_tokens` tokens (spilled to `run_dir`)."""

    def __init__(self, run_dir: Path, run_tokens: int):
        self.run_dir = run_dir
        self.run_tokens = run_tokens
        self.tokens = {f: _new(f) for f in FIELDS}
        self.held = 0
        self.first_doc = 0  # first passage of the run being gathered
        self.pids = array("q")
        self.lengths = {f: array("i") for f in SCORED}
        self.runs: list[Run] = []

    @property
    def ndocs(self) -> int:
        """Passages added so far (the next one's number in the segment)."""
        return len(self.pids)

    def add(self, pid: int, doc_id: str, text: str, title: str | None) -> None:
        """Analyse one passage (the title only on a document's first passage)."""
        t = self.tokens
        self.pids.append(pid)
        t["doc_id"].add_one(doc_id)
        n = t["text"].add(word_tokens(text, "index"))
        self.lengths["text"].append(n)
        m = t["title"].add(word_tokens(title, "index") if title else [])
        self.lengths["title"].append(m)
        k = t["bigrams"].add_runs(bigram_runs(title + "\n" + text if title else text))
        self.lengths["bigrams"].append(k)
        self.held += n + m + k + 1
        if self.held >= self.run_tokens:
            self.flush(spill=True)

    def flush(self, spill: bool = False) -> None:
        """Sort the tokens held into a run (written to files with `spill`)."""
        if self.ndocs == self.first_doc:
            return
        fields = {}
        folder = self.run_dir / f"run-{os.getpid()}-{len(self.runs)}"
        for name in FIELDS:  # a field at a time, its tokens released once sorted: a bounded peak
            tokens, self.tokens[name] = self.tokens[name], _new(name)
            f = tokens.sorted(self.first_doc, POSITIONS[name])
            del tokens
            if f is not None:
                fields[name] = _spill(name, f, folder) if spill else f
        self.runs.append(Run(fields))
        self.held = 0
        self.first_doc = self.ndocs


class _Cursor:
    """One run's terms of a field, read a window at a time."""

    def __init__(self, run: Run, field: str, window: int):
        self.run, self.field, self.window = run, field, window
        self.n = run.nterms(field)
        self.at = 0  # index of the first term of the window
        self.k = 0  # terms of the window already taken
        self.terms: list[str] = []

    def ready(self) -> bool:
        """True while terms remain (the window refilled when used up)."""
        if self.k == len(self.terms) and self.at + self.k < self.n:
            self.at += self.k
            self.terms, self.ts, self.tp = self.run.window(self.field, self.at, min(self.n, self.at + self.window))
            self.k = 0
        return self.k < len(self.terms)

    def take(self, stop: int) -> tuple:
        """(terms, postings per term, doc, count, positions) of the window's terms up to `stop`."""
        k, ts, tp = self.k, self.ts, self.tp
        out = (self.terms[k:stop], np.diff(ts[k : stop + 1]).astype(np.int64),
               *self.run.postings(self.field, int(ts[k]), int(ts[stop]), int(tp[k]), int(tp[stop])))
        self.k = stop
        return out


def merged(runs: list[Run], field: str, limit: int, window: int = 1 << 16):
    """A field's postings over all runs in term order, as (terms, postings per term, doc, count,
    positions) for slices of about `limit` postings; runs hold ascending, disjoint passages. Each
    run's terms are read a window at a time (at most `window` terms held per run)."""
    cursors = [_Cursor(r, field, max(256, window // max(1, len(runs)))) for r in runs]
    while True:
        active = [c for c in cursors if c.ready()]
        if not active:
            return
        share = max(1, limit // len(active))
        bound, stops = None, []
        for c in active:
            j = int(np.searchsorted(c.ts, c.ts[c.k] + share, side="right")) - 1
            j = min(max(j, c.k + 1), len(c.terms))
            stops.append(j)
            if bound is None or c.terms[j - 1] < bound:
                bound = c.terms[j - 1]
        parts = []
        for c, j in zip(active, stops):
            # every run up to the same term, so that a term's postings come in one slice
            stop = j if len(active) == 1 else bisect_right(c.terms, bound, lo=c.k)
            if stop > c.k:
                parts.append(c.take(stop))
        yield _combine(parts)


def _combine(parts: list[tuple]) -> tuple:
    """One slice of terms from several runs: terms united, postings grouped by term (run order kept)."""
    if len(parts) == 1:
        return parts[0]
    terms = sorted({t for p in parts for t in p[0]})
    index = {t: i for i, t in enumerate(terms)}
    tid = np.concatenate([np.repeat(np.array([index[t] for t in p[0]], dtype=np.int64), p[1]) for p in parts])
    doc = np.concatenate([p[2] for p in parts])
    cnt = np.concatenate([p[3] for p in parts]).astype(np.int64)
    order = np.argsort(tid, kind="stable")
    df = np.bincount(tid, minlength=len(terms))
    pos = None
    if parts[0][4] is not None:
        flat = np.concatenate([p[4] for p in parts])
        start = np.cumsum(cnt) - cnt
        c = cnt[order]
        out_start = np.cumsum(c) - c
        pos = flat[np.repeat(start[order] - out_start, c) + np.arange(int(c.sum()))]
    return terms, df, doc[order], cnt[order], pos
