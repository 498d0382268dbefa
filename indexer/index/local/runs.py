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

from indexer.analysis.tokens import bigram_tokens, word_tokens

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
        n = len(tokens)
        self.per_doc.append(n)
        if n:
            # one C-level pass: a new term gets the index of its first token as its id
            self.ids.extend(map(self.vocab.setdefault, map(_term, tokens), counter(len(self.ids))))
            self.pos.extend(map(_pos, tokens))
        return n

    def add_one(self, term: str) -> None:
        self.per_doc.append(1)
        self.ids.append(self.vocab.setdefault(term, len(self.ids)))


class Run:
    """Postings of consecutive passages sorted by term, per field: `terms` (UTF-8, ascending, as one
    bytes object and offsets), `tstart` (each term's first posting), `tpos` (its first position),
    and per posting `doc` and `count`, then the positions."""

    def __init__(self, fields: dict[str, dict]):
        self.fields = fields

    def nterms(self, field: str) -> int:
        """Terms of a field."""
        f = self.fields.get(field)
        return 0 if f is None else len(f["toff"]) - 1

    def terms(self, field: str, a: int, b: int) -> list[str]:
        """Terms a..b-1 of a field."""
        f = self.fields[field]
        off = f["toff"][a : b + 1]
        blob = f["blob"][int(off[0]) : int(off[-1])]
        text = bytes(blob) if not isinstance(blob, bytes) else blob
        cuts = (off - off[0]).tolist()
        return [text[x:y].decode("utf-8") for x, y in zip(cuts, cuts[1:])]

    def term(self, field: str, i: int) -> str:
        """Term i of a field."""
        return self.terms(field, i, i + 1)[0]

    def postings(self, field: str, a: int, b: int) -> tuple:
        """(postings per term, doc, count, positions or None) of terms a..b-1."""
        f = self.fields[field]
        ts, tp = f["tstart"], f["tpos"]
        p0, p1 = int(ts[a]), int(ts[b])
        df = np.diff(np.asarray(ts[a : b + 1], dtype=np.int64))
        pos = _slice(f["pos"], int(tp[a]), int(tp[b])) if POSITIONS[field] else None
        return df, _slice(f["doc"], p0, p1), _slice(f["count"], p0, p1), pos

    def spill(self, folder: Path) -> "Run":
        """The same run with its postings in files (read a slice at a time while merging)."""
        folder.mkdir(parents=True, exist_ok=True)
        out = {}
        for name, f in self.fields.items():
            g = dict(f)
            for key in ("doc", "count", "pos"):
                if f.get(key) is not None:
                    path = folder / f"{name}.{key}"
                    np.asarray(f[key]).tofile(path)
                    g[key] = _OnDisk(path, np.asarray(f[key]).dtype, len(f[key]))
            out[name] = g
        return Run(out)


class _OnDisk:
    """An array in a file, read a slice at a time."""

    def __init__(self, path: Path, dtype, n: int):
        self.path, self.dtype, self.n = path, np.dtype(dtype), n

    def __len__(self) -> int:
        return self.n

    def read(self, a: int, b: int) -> np.ndarray:
        with open(self.path, "rb") as f:
            return np.fromfile(f, dtype=self.dtype, count=b - a, offset=a * self.dtype.itemsize)


def _slice(a, x: int, y: int) -> np.ndarray:
    return a.read(x, y) if isinstance(a, _OnDisk) else a[x:y]


def _sorted_field(t: _Tokens, first_doc: int, positions: bool) -> dict | None:
    """One field's tokens sorted into postings (stable by term: passages and positions stay ascending)."""
    if not t.vocab:
        return None
    items = sorted(t.vocab.items())
    terms = [k for k, _v in items]
    ids = np.fromiter((v for _k, v in items), dtype=np.int64, count=len(items))
    tids = np.frombuffer(t.ids, dtype=np.int32)
    rank = np.empty(len(tids), dtype=np.int32)
    rank[ids] = np.arange(len(ids), dtype=np.int32)
    r = rank[tids]
    docs = np.repeat(np.arange(first_doc, first_doc + len(t.per_doc), dtype=np.int32),
                     np.frombuffer(t.per_doc, dtype=np.int32))
    order = np.argsort(r, kind="stable")
    r, docs = r[order], docs[order]
    pos = np.frombuffer(t.pos, dtype=np.int32)[order] if positions else None
    new = np.ones(len(r), dtype=bool)
    new[1:] = (r[1:] != r[:-1]) | (docs[1:] != docs[:-1])
    starts = np.flatnonzero(new)
    count = np.diff(np.append(starts, len(r))).astype(np.int32)
    tstart = np.searchsorted(r[starts], np.arange(len(terms) + 1)).astype(np.int64)
    encoded = [s.encode("utf-8") for s in terms]
    toff = np.zeros(len(terms) + 1, dtype=np.int64)
    np.cumsum([len(e) for e in encoded], out=toff[1:])
    tpos = np.zeros(len(terms) + 1, dtype=np.int64)
    tpos[1:] = np.searchsorted(r, np.arange(1, len(terms) + 1))
    return {"blob": b"".join(encoded), "toff": toff, "tstart": tstart, "tpos": tpos,
            "doc": docs[starts], "count": count, "pos": pos}


class Collector:
    """Analyses passages into token arrays; a sorted run every `run_tokens` tokens (spilled to `run_dir`)."""

    def __init__(self, run_dir: Path, run_tokens: int):
        self.run_dir = run_dir
        self.run_tokens = run_tokens
        self.tokens = {f: _Tokens() for f in FIELDS}
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
        k = t["bigrams"].add(bigram_tokens(title + "\n" + text if title else text))
        self.lengths["bigrams"].append(k)
        self.held += n + m + k + 1
        if self.held >= self.run_tokens:
            self.flush(spill=True)

    def flush(self, spill: bool = False) -> None:
        """Sort the tokens held into a run (written to files with `spill`)."""
        if self.ndocs == self.first_doc:
            return
        fields = {}
        for name in FIELDS:
            f = _sorted_field(self.tokens[name], self.first_doc, POSITIONS[name])
            if f is not None:
                fields[name] = f
        run = Run(fields)
        if spill:
            run = run.spill(self.run_dir / f"run-{os.getpid()}-{len(self.runs)}")
        self.runs.append(run)
        self.tokens = {f: _Tokens() for f in FIELDS}
        self.held = 0
        self.first_doc = self.ndocs


def merged(runs: list[Run], field: str, limit: int):
    """A field's postings over all runs in term order, as (terms, postings per term, doc, count,
    positions) for slices of about `limit` postings; runs hold ascending, disjoint passages."""
    cur = [0] * len(runs)
    ends = [r.nterms(field) for r in runs]
    while True:
        active = [i for i in range(len(runs)) if cur[i] < ends[i]]
        if not active:
            return
        share = max(1, limit // len(active))
        bound, stops = None, {}
        for i in active:
            ts = runs[i].fields[field]["tstart"]
            j = int(np.searchsorted(ts, ts[cur[i]] + share, side="right")) - 1
            stops[i] = j = min(max(j, cur[i] + 1), ends[i])
            if len(active) > 1:
                last = runs[i].term(field, j - 1)
                bound = last if bound is None or last < bound else bound
        parts = []
        for i in active:
            if len(active) == 1:
                stop = stops[i]
            else:  # every run up to the same term, so that a term's postings come in one slice
                stop = bisect_right(_TermView(runs[i], field), bound, lo=cur[i], hi=ends[i])
            if stop > cur[i]:
                parts.append((runs[i].terms(field, cur[i], stop), *runs[i].postings(field, cur[i], stop)))
            cur[i] = stop
        yield _combine(parts)


class _TermView:
    """A run's terms as a sequence, for bisect."""

    def __init__(self, run: Run, field: str):
        self.run, self.field = run, field

    def __getitem__(self, i: int) -> str:
        return self.run.term(self.field, i)

    def __len__(self) -> int:
        return self.run.nterms(self.field)


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
