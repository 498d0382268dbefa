"""Searching one index generation: matching, drill-sideways facets, grouping, excerpts.

Matching is decided per document: every clause of the query must match some passage of the
document, and the filters (years, partners, topics, language) apply to the document's tags.
Facet counts count documents, each facet counted with its own selection left out, so that
ticking one partner still shows the others. Ranking is per passage (BM25F over title, text
and bigrams); documents are ordered by their best passage and show their best passages as
excerpts, so one long document cannot flood the page.
"""
from __future__ import annotations

import json
import math
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

import numpy as np

from indexer.analysis.expand import get_expander
from indexer.analysis.taxonomy import load_taxonomy
from indexer.analysis.textnorm import fold, is_han
from indexer.index.local import publish
from indexer.index.local.engine import EngineReader
from indexer.index.local.postings import Postings
from indexer.index.local.store import Store, loads

from . import highlight
from .plan import (
    FUZZY_BIGRAM_WEIGHT,
    GROUP_BIGRAM_WEIGHT,
    ParsedQuery,
    clause_query,
    fuzzy_bigrams,
    group_bigrams,
    parse,
    scoring_query,
)
from .request import SearchRequest

EXCERPTS_PER_HIT = 3
FILTER_PASSAGE_BOOST = 1.5  # a passage that itself meets the filters beats one that only shares its document
FEW_HITS = 3  # below this many documents, a respelled query is tried
SUGGEST_MAX_CLAUSES = 6
SUGGEST_MAX_WORDS = 3
SUGGEST_MAX_LEN = 16
RELAXED_SHARE = 2 / 3  # with no exact match, documents matching this share of the words
CACHE_SIZE = 256


class IndexUnavailable(Exception):
    """No published index can be opened."""


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

    def counts(self, mask: np.ndarray) -> np.ndarray:
        """Matching documents per value."""
        return np.bincount(self.pair_val[mask[self.pair_doc]], minlength=len(self.values))

    def docs_with_any(self, selected: list[str], n_docs: int) -> np.ndarray:
        """Documents having at least one of the selected values."""
        idx = [i for i, v in enumerate(self.values) if v in set(selected)]
        out = np.zeros(n_docs, dtype=bool)
        if idx:
            out[self.pair_doc[np.isin(self.pair_val, idx)]] = True
        return out


class SearchIndex:
    """An opened generation: engine searcher, document store, in-memory facet tables."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.generation = folder.name
        self.engine = EngineReader(folder)
        self.store = Store(folder, readonly=True)
        self._lock = threading.Lock()
        self._cache: OrderedDict = OrderedDict()
        rows = self.store.documents()
        self.docs = [self._doc_dict(r) for r in rows]
        self.doc_index = {d["doc_id"]: i for i, d in enumerate(self.docs)}
        ord_to_idx = {r["ord"]: i for i, r in enumerate(rows)}
        self.n_docs = len(self.docs)
        max_pid = int(self.store.get_meta("next_pid", "1"))
        self.pid_doc = np.full(max_pid + 1, -1, dtype=np.int32)
        self.pid_n = np.zeros(max_pid + 1, dtype=np.int32)
        rows = self.store.db.execute("SELECT pid, doc_ord, n, years, partners, topics FROM passages").fetchall()
        cols = list(zip(*rows)) if rows else [(), (), (), (), (), ()]
        pid_arr = np.array(cols[0], dtype=np.int64)
        ord_arr = np.array([ord_to_idx.get(o, -1) for o in cols[1]], dtype=np.int32)
        self.pid_doc[pid_arr] = ord_arr
        self.pid_n[pid_arr] = np.array(cols[2], dtype=np.int32)
        # passage-level tags, to prefer passages that meet the filters and for the knowledge pages
        # (each column's JSON lists parsed in one call: a call per passage costs seconds at scale)
        self.passage_tags = {}
        for name, raw in (("year", cols[3]), ("partner", cols[4]), ("topic", cols[5])):
            lists = json.loads("[" + ",".join(r or "[]" for r in raw) + "]")
            counts = np.fromiter((len(v) for v in lists), dtype=np.int64, count=len(lists))
            vals = list(chain.from_iterable(lists))
            if name != "year":  # one string object per distinct tag, not one per occurrence
                canonical: dict[str, str] = {}
                vals = [canonical.setdefault(v, v) for v in vals]
            self.passage_tags[name] = (np.repeat(pid_arr, counts),
                                       np.array(vals, dtype=object if name != "year" else np.int32))
        pids = self.engine.pid_of_docnum
        self.docnum_doc = np.where((pids >= 0) & (pids <= max_pid), self.pid_doc[np.clip(pids, 0, max_pid)], -1)
        self.docnum_doc[self.engine.deleted] = -1
        self.postings = Postings(self.engine.searcher, self.engine.deleted, self._lock)
        for name in ("text", "title", "bigrams"):  # paid at start-up, not by the first queries
            self.postings.lengths(name)
        get_expander()
        self.facets = {
            "year": FacetTable.build([[str(y) for y in d["years"]] for d in self.docs]),
            "partner": FacetTable.build([d["partners"] for d in self.docs]),
            "topic": FacetTable.build([d["topics"] for d in self.docs]),
            "lang": FacetTable.build([[d["lang"]] for d in self.docs]),
        }
        # newest first; undated documents last
        keys = [(d["date"] or "", d["title"] or "") for d in self.docs]
        order = sorted(range(self.n_docs), key=lambda i: keys[i], reverse=True)
        self.date_rank = np.empty(self.n_docs, dtype=np.int64)
        self.date_rank[order] = np.arange(self.n_docs)
        self.vocabulary_size = None

    @staticmethod
    def _doc_dict(r) -> dict:
        return {
            "ord": r["ord"], "doc_id": r["doc_id"], "title": r["title"], "date": r["date"], "year": r["year"],
            "lang": r["lang"], "kind": r["kind"], "partners": loads(r["partners"], []),
            "topics": loads(r["topics"], []), "years": loads(r["years"], []),
            "catalog": loads(r["catalog"], {}), "extracted": loads(r["extracted"], {}),
            "size": r["size"], "n_passages": r["n_passages"],
        }

    def close(self) -> None:
        """Release the engine and the store."""
        self.engine.close()
        self.store.close()

    # -- matching --------------------------------------------------------------------------
    def _docs_matching(self, q) -> np.ndarray:
        mask = np.zeros(self.n_docs, dtype=bool)
        docnums = self.postings.matching(q, group=self.docnum_doc)
        if len(docnums):
            d = self.docnum_doc[docnums]
            mask[d[d >= 0]] = True
        return mask

    def bigram_docnums(self, bigrams: tuple[str, ...], need: int) -> np.ndarray:
        """Passages (engine docnums) holding at least `need` of these bigrams: damaged text."""
        key = ("bigrams", bigrams, need)
        cached = self._cache_get(key)
        if cached is not None:
            return cached
        arrays = [self.postings.docnums("bigrams", b) for b in bigrams]
        counts = np.bincount(np.concatenate(arrays), minlength=len(self.docnum_doc)) if arrays else np.zeros(0)
        out = np.nonzero(counts >= need)[0]
        self._cache_put(key, out)
        return out

    def fuzzy_docnums(self, c) -> np.ndarray:
        """Passages holding most bigrams of a long Chinese clause."""
        found = [self.bigram_docnums(bigrams, need) for bigrams, need in fuzzy_bigrams(c)]
        return np.unique(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)

    def clause_mask(self, c) -> np.ndarray:
        """Documents with a passage matching one clause (word, title or bigram fields, or damaged text)."""
        key = ("clause", c.raw, c.phrase, c.prefix, tuple(a.surface for a in c.alternatives))
        cached = self._cache_get(key)
        if cached is not None:
            return cached
        with self._lock:  # a prefix clause reads the term dictionary (one file handle, not thread-safe)
            q = clause_query(c, self.engine.searcher.reader())
        m = self._docs_matching(q)
        fuzzy = self.fuzzy_docnums(c)
        if len(fuzzy):
            d = self.docnum_doc[fuzzy]
            m[d[d >= 0]] = True
        self._cache_put(key, m)
        return m

    def query_mask(self, parsed: ParsedQuery, relaxed: bool = False) -> np.ndarray:
        """Documents that match every positive clause (or, relaxed, most of them) and no negated one."""
        mask = np.ones(self.n_docs, dtype=bool)
        positive = [self.clause_mask(c) for c in parsed.positive]
        if relaxed and positive:
            need = max(1, math.ceil(len(positive) * RELAXED_SHARE))
            mask &= np.sum(positive, axis=0) >= need
        else:
            for m in positive:
                mask &= m
        for c in parsed.clauses:
            if c.negated and c.alternatives:
                mask &= ~self.clause_mask(c)
        return mask

    @staticmethod
    def _clauses_key(parsed: ParsedQuery) -> tuple:
        return tuple((c.raw, c.phrase, c.prefix, c.negated, tuple(a.surface for a in c.alternatives))
                     for c in parsed.clauses)

    def _cache_get(self, key):
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        return None

    def _cache_put(self, key, value) -> None:
        with self._lock:
            self._cache[key] = value
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)

    def filter_masks(self, req: SearchRequest) -> dict[str, np.ndarray]:
        """One mask per facet with a selection (the year facet includes the year range)."""
        masks: dict[str, np.ndarray] = {}
        if req.years or req.year_from is not None or req.year_to is not None:
            table = self.facets["year"]
            chosen = {str(y) for y in req.years}
            lo = req.year_from if req.year_from is not None else -1
            hi = req.year_to if req.year_to is not None else 10**6
            in_range = [v for v in table.values if lo <= int(v) <= hi]
            if req.years:
                values = [v for v in table.values if v in chosen and (lo <= int(v) <= hi)]
            else:
                values = in_range
            masks["year"] = table.docs_with_any(values, self.n_docs)
        if req.partners:
            masks["partner"] = self.facets["partner"].docs_with_any(req.partners, self.n_docs)
        if req.topics:
            masks["topic"] = self.facets["topic"].docs_with_any(req.topics, self.n_docs)
        if req.lang:
            masks["lang"] = self.facets["lang"].docs_with_any([req.lang], self.n_docs)
        return masks

    # -- the search ------------------------------------------------------------------------
    def search(self, req: SearchRequest, ui_lang: str | None = None) -> dict:
        """Run a search; the result is the JSON object of API.md (plus a few extra fields)."""
        expander = get_expander()
        text = expander.quote_known_phrases(req.q) if req.expand else req.q
        parsed = parse(text, expander.expand if req.expand else None)
        masks = self.filter_masks(req)
        relaxed = False
        qmask = self.query_mask(parsed)
        result_mask = qmask.copy()
        for m in masks.values():
            result_mask &= m
        if not result_mask.any() and len(parsed.positive) >= 3:
            # no document has every word: show those with most of them, and say so
            relaxed = True
            qmask = self.query_mask(parsed, relaxed=True)
            result_mask = qmask.copy()
            for m in masks.values():
                result_mask &= m
        total = int(result_mask.sum())
        facets = self._facets(req, qmask, masks, ui_lang)

        start = (req.page - 1) * req.per_page
        if parsed.empty or req.sort == "date":
            ranked = self._by_date(result_mask)
            page_docs = ranked[start : start + req.per_page]
            scores = {}
            best_passages = {}
            if not parsed.empty:
                best_passages, scores = self._passages_for_docs(parsed, page_docs)
        else:
            page_docs, best_passages, scores = self._by_relevance(parsed, result_mask, start, req.per_page,
                                                                 self.passages_meeting(req))
        hits = self._hits(page_docs, best_passages, scores, parsed, req)
        suggestion = self._did_you_mean(parsed, req, masks, total) if total < FEW_HITS and not parsed.empty else None
        return {
            "query": req.q, "total": total, "page": req.page, "per_page": req.per_page,
            "sort": req.sort, "hits": hits, "facets": facets,
            "expansions": parsed.expansions, "suggestion": suggestion, "relaxed": relaxed,
            "filters": req.filters(), "generation": self.generation,
        }

    def _frequency(self, reader, term: str) -> int:
        with self._lock:
            return reader.frequency("text", term)

    def _did_you_mean(self, parsed: ParsedQuery, req: SearchRequest, masks: dict, total: int) -> dict | None:
        """A respelling of the query from the index's own vocabulary, offered only if it finds more."""
        if len(parsed.positive) > SUGGEST_MAX_CLAUSES:
            return None  # a pasted paragraph, not a misspelt query
        reader = self.engine.searcher.reader()
        corrector = self.engine.searcher.corrector("text")
        replacements: dict[str, str] = {}
        tried = 0
        for c in parsed.positive:
            if c.prefix or c.phrase:
                continue
            raw = fold(c.raw).lower()
            if any(is_han(ch) for ch in raw):
                candidates = [raw] if 3 <= len(raw) <= SUGGEST_MAX_LEN and not self._frequency(reader, raw) else []
                maxdist, prefix = 1, 0
            else:
                candidates = [w for w in c.words if 4 <= len(w) <= SUGGEST_MAX_LEN and not self._frequency(reader, w)]
                maxdist, prefix = 2, 1
            for word in candidates:
                tried += 1
                if tried > SUGGEST_MAX_WORDS:  # each look-up walks the term dictionary
                    break
                with self._lock:
                    found = corrector.suggest(word, limit=1, maxdist=maxdist, prefix=prefix)
                if found:
                    replacements[c.raw if any(is_han(ch) for ch in raw) else word] = found[0]
        if not replacements:
            return None
        text = req.q
        for old, new in replacements.items():
            text = re.sub(re.escape(old), new, text, flags=re.I) if old.lower() in text.lower() else text
        if text == req.q:
            words = [replacements.get(w, w) for c in parsed.positive for w in ([c.raw] if c.raw in replacements else c.words)]
            text = " ".join(words)
        expander = get_expander()
        alt = parse(expander.quote_known_phrases(text), expander.expand if req.expand else None)
        mask = self.query_mask(alt)
        for m in masks.values():
            mask = mask & m
        n = int(mask.sum())
        return {"q": text, "total": n} if n > total else None

    def _by_date(self, mask: np.ndarray) -> list[int]:
        idx = np.nonzero(mask)[0]
        return [int(i) for i in idx[np.argsort(self.date_rank[idx], kind="stable")]]

    def _by_relevance(self, parsed: ParsedQuery, mask: np.ndarray, start: int, count: int,
                      preferred: np.ndarray | None = None):
        """Documents of one page in order of their best passage, with their best passages;
        passages that themselves meet the filters (`preferred`, by pid) count for more."""
        need = start + count
        if need == 0 or not mask.any():
            return [], {}, {}
        with self._lock:
            q = scoring_query(parsed, self.engine.searcher.reader())
        allowed = self.docnum_doc >= 0
        allowed[allowed] = mask[self.docnum_doc[allowed]]
        pids = self.engine.pid_of_docnum
        ranker = self.postings.ranker(q, allowed, pids)
        fuzzy = self._fuzzy_scored(parsed, allowed)
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
            best: dict[int, list[tuple[int, float]]] = {}
            for docnum, score in scored:
                d = int(self.docnum_doc[docnum])
                if d < 0 or not mask[d]:
                    continue
                if d not in best:
                    best[d] = []
                    order.append(d)
                if len(best[d]) < EXCERPTS_PER_HIT:
                    best[d].append((int(pids[docnum]), score))
            if len(order) >= need or len(top) < limit:
                break
            limit *= 4
        # documents that match only through clauses spread over passages may not have
        # a scored passage; they follow, newest first
        if len(order) < need:
            rest = [d for d in self._by_date(mask) if d not in best]
            order.extend(rest[: need - len(order)])
        page = order[start : start + count]
        scores = {d: best[d][0][1] for d in page if d in best}
        return page, {d: best.get(d, []) for d in page}, scores

    def passages_meeting(self, req: SearchRequest) -> np.ndarray | None:
        """Per pid: does the passage itself carry the selected years, partners and topics? None without filters."""
        conditions = []
        if req.years or req.year_from is not None or req.year_to is not None:
            pids, years = self.passage_tags["year"]
            ok = np.ones(len(years), dtype=bool)
            if req.years:
                ok &= np.isin(years, req.years)
            if req.year_from is not None:
                ok &= years >= req.year_from
            if req.year_to is not None:
                ok &= years <= req.year_to
            conditions.append(pids[ok])
        for name, selected in (("partner", req.partners), ("topic", req.topics)):
            if selected:
                pids, values = self.passage_tags[name]
                conditions.append(pids[np.isin(values, selected)])
        if not conditions:
            return None
        out = np.ones(len(self.pid_doc), dtype=bool)
        for pids in conditions:
            m = np.zeros(len(self.pid_doc), dtype=bool)
            m[pids] = True
            out &= m
        return out

    def _fuzzy_scored(self, parsed: ParsedQuery, allowed: np.ndarray) -> dict[int, float]:
        """Extra score for passages holding most bigrams of a long clause (damaged text, low weight)
        or of a Chinese string typed as a whole (the passage that reads as typed, or nearly);
        `allowed` is by docnum."""
        specs = [(bigrams, need, FUZZY_BIGRAM_WEIGHT) for c in parsed.positive for bigrams, need in fuzzy_bigrams(c)]
        specs += [(bigrams, need, GROUP_BIGRAM_WEIGHT) for bigrams, need in group_bigrams(parsed)]
        bonus: dict[int, float] = {}
        for bigrams, need, weight in specs:
            docnums = self.bigram_docnums(bigrams, need)
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

    def _passages_for_docs(self, parsed: ParsedQuery, docs: list[int]):
        """Best passages of given documents (used when sorting by date)."""
        with self._lock:
            q = scoring_query(parsed, self.engine.searcher.reader())
        best: dict[int, list[tuple[int, float]]] = {d: [] for d in docs}
        if not docs:
            return best, {}
        page = np.zeros(self.n_docs, dtype=bool)
        page[docs] = True
        # one engine search over the page's passages, not one per document: a page of 100 would
        # cost 100 index-wide searches
        allowed = set(np.nonzero((self.docnum_doc >= 0) & page[np.clip(self.docnum_doc, 0, None)])[0].tolist())
        with self._lock:
            results = self.engine.searcher.search(q, limit=None, filter=allowed)
            scored = [(h.docnum, h.score) for h in results]
        for docnum, score in scored:  # best first
            found = best[int(self.docnum_doc[docnum])]
            if len(found) < EXCERPTS_PER_HIT:
                found.append((int(self.engine.pid_of_docnum[docnum]), score))
        return best, {d: found[0][1] for d, found in best.items() if found}

    def _default_passages(self, d: int, req: SearchRequest, limit: int) -> list[int]:
        """Passages to show when nothing was scored: those that meet the filters, else the first."""
        rows = self.store.passages_of(self.docs[d]["ord"])
        wanted_years = set(req.years)
        chosen = []
        for r in rows:
            ok = True
            if wanted_years or req.year_from is not None or req.year_to is not None:
                ys = loads(r["years"], [])
                lo = req.year_from or -1
                hi = req.year_to or 10**6
                ok &= any((not wanted_years or y in wanted_years) and lo <= y <= hi for y in ys)
            if req.partners:
                ok &= bool(set(loads(r["partners"], [])) & set(req.partners))
            if req.topics:
                ok &= bool(set(loads(r["topics"], [])) & set(req.topics))
            if ok:
                chosen.append(r["pid"])
            if len(chosen) >= limit:
                break
        if chosen:
            return chosen
        return [rows[0]["pid"]] if rows else []

    def _hits(self, page_docs, best_passages, scores, parsed: ParsedQuery, req: SearchRequest) -> list[dict]:
        marker = highlight.Highlighter.for_query(parsed)
        want: dict[int, list[int]] = {}
        for d in page_docs:
            pids = [pid for pid, _s in best_passages.get(d, [])]
            want[d] = pids or self._default_passages(d, req, 2)
        rows = self.store.passages_by_pid([p for ps in want.values() for p in ps])
        hits = []
        for d in page_docs:
            doc = self.docs[d]
            excerpts = []
            for pid in want[d]:
                r = rows.get(pid)
                if r is None:
                    continue
                spans = marker.spans(r["text"])
                excerpts.append({"n": r["n"], "page": r["page"], "years": loads(r["years"], []),
                                 "html": highlight.snippet(r["text"], spans)})
            url_anchor = f"#p-{excerpts[0]['n']}" if excerpts else ""
            hits.append({
                "doc_id": doc["doc_id"], "title": doc["title"], "date": doc["date"], "year": doc["year"],
                "lang": doc["lang"], "partners": doc["partners"], "topics": doc["topics"],
                "score": round(float(scores.get(d, 0.0)), 4), "excerpts": excerpts,
                "url": f"/doc/{quote_doc_id(doc['doc_id'])}{url_anchor}",
            })
        return hits

    def _facets(self, req: SearchRequest, qmask: np.ndarray, masks: dict[str, np.ndarray], ui_lang) -> dict:
        tax = load_taxonomy()
        selected = {
            "year": {str(y) for y in req.years}, "partner": set(req.partners),
            "topic": set(req.topics), "lang": {req.lang} if req.lang else set(),
        }
        out: dict[str, list[dict]] = {}
        for name, table in self.facets.items():
            base = qmask.copy()
            for other, m in masks.items():
                if other != name:
                    base &= m
            counts = table.counts(base)
            items = []
            for i, v in enumerate(table.values):
                c = int(counts[i])
                if c == 0 and v not in selected[name]:
                    continue
                item = {"value": v, "count": c, "selected": v in selected[name]}
                if name in ("partner", "topic"):
                    e = tax.entry(v)
                    item["label"] = e.label(ui_lang) if e else v
                items.append(item)
            for v in selected[name] - set(table.values):  # a selected value absent from the index
                item = {"value": v, "count": 0, "selected": True}
                if name in ("partner", "topic"):
                    e = tax.entry(v)
                    item["label"] = e.label(ui_lang) if e else v
                items.append(item)
            if name == "year":
                items.sort(key=lambda it: it["value"])
            else:
                items.sort(key=lambda it: (-it["count"], it["value"]))
            out[name] = items
        return out

    # -- documents -------------------------------------------------------------------------
    def document(self, doc_id: str) -> dict | None:
        """A document with its passages, as `GET /api/doc/<doc_id>` returns it."""
        i = self.doc_index.get(doc_id)
        if i is None:
            return None
        doc = self.docs[i]
        rows = self.store.passages_of(doc["ord"])
        passages = [{"n": r["n"], "text": r["text"], "page": r["page"], "years": loads(r["years"], []),
                     "partners": loads(r["partners"], []), "topics": loads(r["topics"], [])} for r in rows]
        return {
            "doc_id": doc["doc_id"], "title": doc["title"], "date": doc["date"], "year": doc["year"],
            "lang": doc["lang"], "partners": doc["partners"], "topics": doc["topics"],
            "source": {"path": doc["doc_id"], "kind": doc["kind"], "size": doc["size"],
                       "url": doc["catalog"].get("source_url") or doc["extracted"].get("source_url")},
            "catalog": doc["catalog"], "extracted": doc["extracted"], "years": doc["years"],
            "passages": passages,
        }

    def stats(self) -> dict:
        """Counts for `indexer stats` and the health check."""
        tax = load_taxonomy()
        all_docs = np.ones(self.n_docs, dtype=bool)
        top = {}
        for name in ("partner", "topic"):
            t = self.facets[name]
            counts = t.counts(all_docs)
            order = np.argsort(-counts)[:10]
            top[name] = [{"value": t.values[i], "label": tax.entry(t.values[i]).label() if tax.entry(t.values[i]) else t.values[i],
                          "count": int(counts[i])} for i in order if counts[i] > 0]
        langs = dict(zip(self.facets["lang"].values, self.facets["lang"].counts(all_docs).tolist()))
        size = sum(f.stat().st_size for f in self.folder.iterdir() if f.is_file())
        return {
            "generation": self.generation, "documents": self.n_docs, "passages": self.engine.doc_count(),
            "languages": langs, "index_bytes": size, "built_at": self.store.get_meta("built_at"),
            "corpus": self.store.get_meta("corpus"), "top_partners": top["partner"], "top_topics": top["topic"],
            "years": [int(v) for v in self.facets["year"].values],
        }


def quote_doc_id(doc_id: str) -> str:
    """A doc_id percent-encoded for a URL path (slashes kept)."""
    from urllib.parse import quote

    return quote(doc_id, safe="/")


class IndexHandle:
    """The process's view of INDEX_DIR: reopens when a new generation is published."""

    def __init__(self, index_dir: Path):
        self.index_dir = index_dir
        self._current: SearchIndex | None = None
        self._old: list[SearchIndex] = []
        self._lock = threading.Lock()

    def get(self) -> SearchIndex:
        """The newest published generation, opened (IndexUnavailable when there is none)."""
        folder = publish.current_generation(self.index_dir)
        cur = self._current
        if cur is not None and folder is not None and cur.folder == folder:
            return cur
        with self._lock:
            cur = self._current
            if folder is None:
                if cur is not None:
                    return cur  # keep serving what we have
                raise IndexUnavailable("no index has been built yet: run `python -m indexer build`")
            if cur is None or cur.folder != folder:
                try:
                    new = SearchIndex(folder)
                except Exception as e:
                    if cur is not None:
                        return cur
                    raise IndexUnavailable(f"index cannot be opened: {type(e).__name__}") from None
                if cur is not None:
                    self._old.append(cur)
                    # searches in flight may still use the old one: close it a little later
                    while len(self._old) > 2:
                        self._old.pop(0).close()
                self._current = new
            return self._current
