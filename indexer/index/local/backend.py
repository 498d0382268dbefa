"""The embedded backend, read side: one published generation folder opened for searching."""
from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from indexer.search.facets import FACETS, Filters
from indexer.search.plan import QueryPlan

from ..backend import RankedDocument
from ..records import DocumentRecord, EventRecord, IndexStats, PassageRecord
from .catalog import Catalog
from .matcher import Matcher
from .postings import Postings, unique
from .ranking import Ranking
from .reader import EngineReader
from .store import Store, loads

TOP_TAGS = 10


@dataclass
class LocalMatch:
    """Matching documents as row masks: the query alone, each filter, and all together."""

    query: np.ndarray
    filters: dict[str, np.ndarray]
    rows: np.ndarray
    total: int
    prefer: np.ndarray | None  # by pid: passages meeting every filter


class LocalBackend:
    """A generation folder: Whoosh segments read as posting arrays, the SQLite store, the catalogue."""

    name = "local"

    def __init__(self, folder: Path):
        self.folder = folder
        self.generation = folder.name
        self.engine = EngineReader(folder)
        self.store = Store(folder, readonly=True)
        self.catalog = Catalog(self.store)
        self._lock = threading.Lock()
        cat = self.catalog
        pids = self.engine.pid_of_docnum
        inside = (pids >= 0) & (pids <= cat.max_pid)
        self.docnum_row = np.where(inside, cat.pid_row[np.clip(pids, 0, cat.max_pid)], -1)
        self.docnum_row[self.engine.deleted] = -1
        self.postings = Postings(self.engine.searcher, self.engine.deleted, self._lock)
        self.postings.add_virtual_field("tags", self._tagged)
        for name in ("text", "title", "bigrams"):  # paid at start-up, not by the first queries
            self.postings.lengths(name)
        self.matcher = Matcher(self.postings, self.docnum_row, cat.n_docs, self._lock)
        self.ranking = Ranking(self.postings, self.matcher, self.docnum_row, pids, self._lock)
        self._corrector = self.engine.searcher.corrector("text")

    def _tagged(self, tag: str) -> np.ndarray:
        """Docnums of the passages tagged "partner:ID" or "topic:ID" (their text names it, in any spelling)."""
        kind, _, ident = tag.partition(":")
        if kind not in ("partner", "topic"):
            return np.zeros(0, dtype=np.int64)
        pids, values = self.catalog.passage_pairs[kind]
        tagged = np.zeros(self.catalog.max_pid + 1, dtype=bool)
        tagged[pids[values == ident]] = True
        pid_of = self.engine.pid_of_docnum
        live = (pid_of >= 0) & (pid_of <= self.catalog.max_pid) & ~self.engine.deleted
        return np.nonzero(live & tagged[np.clip(pid_of, 0, self.catalog.max_pid)])[0]

    def clear_caches(self) -> None:
        """Forget cached postings and clause masks: the next searches read the engine files again."""
        self.matcher.clear_cache()
        self.postings.clear_cache()

    def close(self) -> None:
        """Release the engine and the store."""
        self.engine.close()
        self.store.close()

    # -- searching -------------------------------------------------------------------------
    def match(self, plan: QueryPlan, filters: Filters, relaxed: bool = False) -> LocalMatch:
        """Documents matching the plan under the filters."""
        query = self.matcher.query_mask(plan, relaxed)
        masks = self.catalog.filter_masks(filters)
        rows = query.copy()
        for m in masks.values():
            rows &= m
        return LocalMatch(query, masks, rows, int(rows.sum()), self.catalog.passages_meeting(filters))

    def matched_clauses(self, plan: QueryPlan, doc_ids: list[str]) -> dict[str, set[int]]:
        """For each document, which positive clauses it matches."""
        masks = [self.matcher.clause_mask(c) for c in plan.positive]
        rows = {d: self.catalog.row_of[d] for d in doc_ids if d in self.catalog.row_of}
        return {d: {k for k, m in enumerate(masks) if m[row]} for d, row in rows.items()}
    def match_some(self, plan: QueryPlan, least: int, exclude: list[str]) -> LocalMatch:
        """Documents (but those excluded) where at least `least` positive clauses match."""
        masks = [self.matcher.clause_mask(c) for c in plan.positive]
        rows = np.sum(masks, axis=0) >= max(1, least) if masks else np.zeros(self.catalog.n_docs, dtype=bool)
        for doc_id in exclude:
            row = self.catalog.row_of.get(doc_id)
            if row is not None:
                rows[row] = False
        return LocalMatch(rows.copy(), {}, rows, int(rows.sum()), None)

    def facet_counts(self, match: LocalMatch) -> dict[str, dict[str, int]]:
        """Per facet, matching documents per value with that facet's own filter left out."""
        out = {}
        for facet in FACETS:
            base = match.query.copy()
            for other, m in match.filters.items():
                if other != facet.name:
                    base &= m
            out[facet.name] = self.catalog.tables[facet.name].counts(base)
        return out

    def rank(self, match: LocalMatch, plan: QueryPlan, start: int, count: int,
             per_document: int) -> list[RankedDocument]:
        """Matching documents by their best passage (passages meeting the filters count for more)."""
        top = self.ranking.top_documents(plan, match.rows, start, count, per_document, match.prefer)
        return [RankedDocument(self.catalog.docs[d].doc_id, best[0][1] if best else None, best) for d, best in top]

    def by_date(self, match: LocalMatch, start: int, count: int) -> list[str]:
        """Matching documents, newest first."""
        rows = self.catalog.by_date(match.rows)[start : start + count]
        return [self.catalog.docs[d].doc_id for d in rows]

    def best_passages(self, match: LocalMatch, plan: QueryPlan, doc_ids: list[str],
                      per_document: int) -> dict[str, list[tuple[int, float]]]:
        """Each document's best passages, as `rank` scores them."""
        rows = [self.catalog.row_of[d] for d in doc_ids]
        best = self.ranking.best_passages(plan, rows, per_document, match.prefer)
        return {self.catalog.docs[d].doc_id: found for d, found in best.items()}

    # -- documents and passages -------------------------------------------------------------
    def document(self, doc_id: str) -> DocumentRecord | None:
        """One document's metadata."""
        row = self.catalog.row_of.get(doc_id)
        return None if row is None else self.catalog.docs[row]

    def documents(self) -> list[DocumentRecord]:
        """Every document, in the order they were indexed."""
        return self.catalog.docs

    def passages_of(self, doc_id: str) -> list[PassageRecord]:
        """A document's passages in order."""
        row = self.catalog.row_of.get(doc_id)
        if row is None:
            return []
        return [_passage(r, doc_id) for r in self.store.passages_of(self.catalog.ord_of[row])]

    def passages(self, pids: list[int]) -> dict[int, PassageRecord]:
        """Passages by id."""
        rows = self.catalog.pid_row
        return {pid: _passage(r, self.catalog.docs[rows[pid]].doc_id) for pid, r in self.store.passages_by_pid(pids).items()}

    def passage_tags(self):
        """Every passage's tags, without text."""
        return self.catalog.passage_tags()

    def events(self):
        """Every event, in document and passage order."""
        docs = {o: self.catalog.docs[row].doc_id for row, o in enumerate(self.catalog.ord_of)}
        for ord_, fields in self.store.events():
            if ord_ in docs:
                yield EventRecord(doc_id=docs[ord_], **fields)

    # -- statistics and vocabulary --------------------------------------------------------
    def doc_count(self) -> int:
        """Live passages in the engine."""
        return self.engine.doc_count()

    def stats(self) -> IndexStats:
        """Counts of this generation."""
        cat = self.catalog
        everything = np.ones(cat.n_docs, dtype=bool)
        top = {}
        for name in ("partner", "topic"):
            table = cat.tables[name]
            counts = np.array(list(table.counts(everything).values()), dtype=np.int64)
            top[name] = [(table.values[i], int(counts[i])) for i in np.argsort(-counts)[:TOP_TAGS] if counts[i] > 0]
        size = sum(f.stat().st_size for f in self.folder.iterdir() if f.is_file())
        return IndexStats(
            generation=self.generation, documents=cat.n_docs, passages=self.engine.doc_count(),
            languages=cat.tables["lang"].counts(everything), index_bytes=size,
            built_at=self.store.get_meta("built_at"), corpus=self.store.get_meta("corpus"),
            top_partners=top["partner"], top_topics=top["topic"], years=[int(v) for v in cat.tables["year"].values],
        )

    def term_frequency(self, term: str) -> int:
        """How often the index holds the word term (0: unknown)."""
        with self._lock:
            return self.engine.searcher.reader().frequency("text", term)

    def similar_terms(self, term: str, max_distance: int, prefix: int) -> list[str]:
        """The nearest index word term, by Whoosh's corrector."""
        with self._lock:
            return list(self._corrector.suggest(term, limit=1, maxdist=max_distance, prefix=prefix))

    def passage_frequencies(self, terms: list[str]) -> dict[str, int]:
        """Live passages holding each word term in their text or title."""
        out = {}
        for term in dict.fromkeys(terms):
            found = unique(self.postings.docnums("text", term), self.postings.docnums("title", term))
            out[term] = int(np.count_nonzero(self.docnum_row[found] >= 0)) if len(found) else 0
        return out


def _passage(r, doc_id: str) -> PassageRecord:
    return PassageRecord(r["pid"], doc_id, r["n"], r["page"], r["text"], loads(r["years"], []),
                         loads(r["partners"], []), loads(r["topics"], []), r["lang"],
                         loads(r["facet_years"], []), r["dated_by"], r["article"])
