"""One generation's documents and passage tags in memory, as arrays: filters, facet counts, date order.

Loaded once per opened generation from the document store: every document's metadata, and for
every passage its document, number, page and the years, partners and topics its text names (as
(pid, value) pairs per tag, one column each: a Python list per passage would cost hundreds of
MB at a million passages). Documents are numbered by their row here; rows never leave the backend.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from itertools import chain

import numpy as np

from indexer.search.facets import FACETS, PASSAGE_FACETS, Facet, Filters

from ..records import DocumentRecord, PassageRecord
from .store import Store, loads


@dataclass
class FacetTable:
    """Document ↔ value pairs of one facet, for vectorised counting and filtering."""

    values: list[str]
    pair_doc: np.ndarray
    pair_val: np.ndarray

    @classmethod
    def build(cls, per_doc: list[list[str]]) -> "FacetTable":
        """From each document's list of values."""
        values = sorted({v for vs in per_doc for v in vs})
        index = {v: i for i, v in enumerate(values)}
        docs, vals = [], []
        for d, vs in enumerate(per_doc):
            for v in vs:
                docs.append(d)
                vals.append(index[v])
        return cls(values, np.array(docs, dtype=np.int32), np.array(vals, dtype=np.int32))

    def counts(self, mask: np.ndarray) -> dict[str, int]:
        """Matching documents per value."""
        counts = np.bincount(self.pair_val[mask[self.pair_doc]], minlength=len(self.values))
        return dict(zip(self.values, counts.tolist()))

    def docs_meeting(self, facet: Facet, filters: Filters, n_docs: int) -> np.ndarray:
        """Documents having at least one value the facet's selection accepts."""
        ok = np.nonzero(facet.accepts_array(filters, np.array(self.values, dtype=object)))[0] if self.values else []
        out = np.zeros(n_docs, dtype=bool)
        if len(ok):
            out[self.pair_doc[np.isin(self.pair_val, ok)]] = True
        return out


class Catalog:
    """Documents by row, passages by pid, and the facet tables of one generation."""

    def __init__(self, store: Store):
        rows = store.documents()
        self.docs = [_record(r) for r in rows]
        self.row_of = {d.doc_id: i for i, d in enumerate(self.docs)}
        self.ord_of = [r["ord"] for r in rows]  # the store's key of each row
        row_of_ord = {o: i for i, o in enumerate(self.ord_of)}
        self.n_docs = len(self.docs)
        self.max_pid = int(store.get_meta("next_pid", "1"))
        self.pid_row = np.full(self.max_pid + 1, -1, dtype=np.int32)
        self.pid_n = np.zeros(self.max_pid + 1, dtype=np.int32)
        self.pid_page = np.zeros(self.max_pid + 1, dtype=np.int32)  # 0: no page
        rows = store.db.execute("SELECT pid, doc_ord, n, page, facet_years, partners, topics, dated_by"
                                " FROM passages").fetchall()
        cols = list(zip(*rows)) if rows else [()] * 8
        self.pids = np.array(cols[0], dtype=np.int64)  # in pid order (the store's rowid)
        self.pid_row[self.pids] = np.array([row_of_ord.get(o, -1) for o in cols[1]], dtype=np.int32)
        self.pid_n[self.pids] = np.array(cols[2], dtype=np.int32)
        self.pid_page[self.pids] = np.array([p or 0 for p in cols[3]], dtype=np.int32)
        self.pid_dated = np.zeros(self.max_pid + 1, dtype=np.int8)  # 1: by its own years, 2: by its document's
        self.pid_dated[self.pids] = np.array([DATED.get(d, 0) for d in cols[7]], dtype=np.int8)
        # each column's JSON lists parsed in one call: a call per passage costs seconds at scale
        self.passage_pairs: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for facet, raw in zip(PASSAGE_FACETS, cols[4:7]):
            lists = json.loads("[" + ",".join(r or "[]" for r in raw) + "]")
            counts = np.fromiter((len(v) for v in lists), dtype=np.int64, count=len(lists))
            vals = list(chain.from_iterable(lists))
            if facet.name != "year":  # one string object per distinct tag, not one per occurrence
                canonical: dict[str, str] = {}
                vals = [canonical.setdefault(v, v) for v in vals]
            self.passage_pairs[facet.name] = (np.repeat(self.pids, counts),
                                              np.array(vals, dtype=np.int32 if facet.name == "year" else object))
        self.tables = {f.name: FacetTable.build([_strings(getattr(d, f.field)) for d in self.docs]) for f in FACETS}
        # newest first; undated documents last
        keys = [(d.date or "", d.title or "") for d in self.docs]
        order = sorted(range(self.n_docs), key=lambda i: keys[i], reverse=True)
        self.date_rank = np.empty(self.n_docs, dtype=np.int64)
        self.date_rank[order] = np.arange(self.n_docs)

    def filter_masks(self, filters: Filters) -> dict[str, np.ndarray]:
        """One document mask per facet with a selection."""
        return {f.name: self.tables[f.name].docs_meeting(f, filters, self.n_docs) for f in FACETS if f.active(filters)}

    def passages_meeting(self, filters: Filters) -> np.ndarray | None:
        """Per pid: does the passage itself carry the selected years, partners and topics? None without filters."""
        out = None
        for facet in PASSAGE_FACETS:
            if not facet.active(filters):
                continue
            pids, values = self.passage_pairs[facet.name]
            m = np.zeros(self.max_pid + 1, dtype=bool)
            m[pids[facet.accepts_array(filters, values)]] = True
            out = m if out is None else out & m
        return out

    def by_date(self, mask: np.ndarray) -> list[int]:
        """Rows of the mask, newest first."""
        idx = np.nonzero(mask)[0]
        return [int(i) for i in idx[np.argsort(self.date_rank[idx], kind="stable")]]

    def passage_tags(self):
        """Every passage's tags (no text), as records, in pid order."""
        columns = {}
        for name, (pids, values) in self.passage_pairs.items():
            bounds = np.searchsorted(pids, self.pids, side="right")
            columns[name] = np.split(values, bounds[:-1]) if len(self.pids) else []
        for i, pid in enumerate(self.pids.tolist()):
            row = int(self.pid_row[pid])
            if row < 0:
                continue
            doc = self.docs[row]
            filed = columns["year"][i].tolist()
            dated = int(self.pid_dated[pid])
            yield PassageRecord(pid, doc.doc_id, int(self.pid_n[pid]), int(self.pid_page[pid]) or None, "",
                                filed if dated == 1 else [], columns["partner"][i].tolist(),
                                columns["topic"][i].tolist(), doc.lang, filed, DATED_BY[dated])


DATED = {"passage": 1, "document": 2}
DATED_BY = {0: None, 1: "passage", 2: "document"}


def _strings(values) -> list[str]:
    return [values] if isinstance(values, str) else [str(v) for v in values]


def _record(r) -> DocumentRecord:
    return DocumentRecord(
        doc_id=r["doc_id"], title=r["title"], date=r["date"], year=r["year"], lang=r["lang"], kind=r["kind"],
        partners=loads(r["partners"], []), topics=loads(r["topics"], []), years=loads(r["years"], []),
        catalog=loads(r["catalog"], {}), extracted=loads(r["extracted"], {}), size=r["size"],
        n_passages=r["n_passages"], author=r["author"], source_url=r["source_url"], title_lang=r["title_lang"],
    )
