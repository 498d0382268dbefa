"""The cluster backend, read side: one published generation (a collection) opened for searching.

Everything the web app needs is in the cluster: document metadata is read once per generation
(it is what hits and pages show), passages and facets are asked for per search. Several app
processes on several machines can serve one cluster this way; only /file/ reads the corpus.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from types import SimpleNamespace

from indexer.search.facets import FACETS, PASSAGE_FACETS, Filters
from indexer.search.plan import QueryPlan

from ..backend import RankedDocument
from ..records import DocumentRecord, IndexStats, PassageRecord
from . import schema
from .cluster import Cluster
from .filters import conj, eq, facet_filters, none_of, one_of
from .matcher import Matcher, doc_expression
from .ranking import Ranking
from .vocabulary import similar_terms

FACET_VALUES = 10_000
PAGE = 250
TOP_TAGS = 10
SEARCHES_PER_CALL = 40  # searches sent in one multi_search request
DATE_ORDER = "date_key:desc,title:desc,ord:asc"  # newest first, undated last, as the local backend


@dataclass
class ClusterMatch:
    """Matching documents as filter expressions: the query alone and each facet's selection."""

    query: str
    facets: dict[str, str]
    filters: Filters
    total: int

    @property
    def everything(self) -> str:
        """The query under every filter."""
        return doc_expression(self.query, self.facets)


class TypesenseBackend:
    """A generation's collection on the cluster."""

    name = "typesense"

    def __init__(self, cluster: Cluster, collection: str, generation: str, meta: dict):
        self.cluster = cluster
        self.collection = collection
        self.generation = generation
        self.meta = meta
        self.matcher = Matcher(cluster, collection)
        self.ranking = Ranking(cluster, collection)
        records = sorted(cluster.export(collection, "kind:=doc", schema.DOC_FIELDS), key=lambda r: r.get("ord", 0))
        self.docs = [schema.document_from(r) for r in records]
        self.by_id = {d.doc_id: d for d in self.docs}

    def close(self) -> None:
        """Nothing to release: every request is its own."""

    # -- searching -------------------------------------------------------------------------
    def match(self, plan: QueryPlan, filters: Filters, relaxed: bool = False) -> ClusterMatch:
        """Documents matching the plan under the filters."""
        m = ClusterMatch(self.matcher.query_expression(plan, relaxed), facet_filters(filters), filters, 0)
        m.total = self._count(m.everything)
        return m

    def match_some(self, plan: QueryPlan, least: int, exclude: list[str]) -> ClusterMatch:
        """Documents (but those excluded) where at least `least` positive clauses match."""
        expr = self.matcher.some_expression(plan, least)
        m = ClusterMatch(conj([expr, none_of("doc_id", exclude)]), {}, Filters(), 0)
        m.total = self._count(m.everything)
        return m

    def _count(self, filter_by: str) -> int:
        return self.cluster.search(self.collection, {"q": "*", "filter_by": filter_by, "per_page": 0})["found"]

    def matched_clauses(self, plan: QueryPlan, doc_ids: list[str]) -> dict[str, set[int]]:
        """For each document, which positive clauses it matches (one search per clause, one round trip)."""
        if not doc_ids or not plan.positive:
            return {d: set() for d in doc_ids}
        searches = [{"q": "*", "filter_by": conj(["kind:=doc", self.matcher.clause(c).expression(), one_of("doc_id", doc_ids)]),
                     "per_page": len(doc_ids), "include_fields": "doc_id"} for c in plan.positive]
        out: dict[str, set[int]] = {d: set() for d in doc_ids}
        for k, r in enumerate(self.cluster.multi_search(self.collection, searches)):
            for h in r["hits"]:
                out[h["document"]["doc_id"]].add(k)
        return out

    def facet_counts(self, match: ClusterMatch) -> dict[str, dict[str, int]]:
        """Per facet, matching documents per value with that facet's own filter left out."""
        searches = [{"q": "*", "filter_by": doc_expression(match.query, match.facets, f.name), "per_page": 0,
                     "facet_by": f.field, "max_facet_values": FACET_VALUES} for f in FACETS]
        out = {}
        for f, r in zip(FACETS, self.cluster.multi_search(self.collection, searches)):
            counts = next((fc["counts"] for fc in r.get("facet_counts", []) if fc["field_name"] == f.field), [])
            out[f.name] = {c["value"]: c["count"] for c in counts}
        return out

    def rank(self, match: ClusterMatch, plan: QueryPlan, start: int, count: int,
             per_document: int) -> list[RankedDocument]:
        """Matching documents by their best passage; passages meeting the filters count for more."""
        order = self.ranking.ordered_documents(plan, start + count, lambda ids: self._matching(match, ids))
        best = self.best_passages(match, plan, order[start:], per_document)
        return [RankedDocument(d, (best[d][0][1] if best.get(d) else None), best.get(d, [])) for d in order]

    def _matching(self, match: ClusterMatch, ids: list[str]) -> set[str]:
        out: set[str] = set()
        for i in range(0, len(ids), PAGE):
            chunk = ids[i : i + PAGE]
            r = self.cluster.search(self.collection, {"q": "*", "filter_by": conj([match.everything, one_of("doc_id", chunk)]),
                                                      "per_page": PAGE, "include_fields": "doc_id"})
            out.update(h["document"]["doc_id"] for h in r["hits"])
        return out

    def by_date(self, match: ClusterMatch, start: int, count: int) -> list[str]:
        """Matching documents, newest first."""
        out: list[str] = []
        page = start // PAGE + 1
        skip = start % PAGE
        while len(out) < count:
            r = self.cluster.search(self.collection, {"q": "*", "filter_by": match.everything, "sort_by": DATE_ORDER,
                                                      "per_page": PAGE, "page": page, "include_fields": "doc_id"})
            ids = [h["document"]["doc_id"] for h in r["hits"]][skip:]
            out += ids[: count - len(out)]
            if len(r["hits"]) < PAGE:
                break
            page, skip = page + 1, 0
        return out

    def best_passages(self, match: ClusterMatch, plan: QueryPlan, doc_ids: list[str],
                      per_document: int) -> dict[str, list[tuple[int, float]]]:
        """Each document's best passages, ranked within the document."""
        f = match.filters
        prefer = None
        if any(facet.active(f) for facet in PASSAGE_FACETS):
            def prefer(hit: dict) -> bool:
                tags = SimpleNamespace(**{k: hit.get(k, []) for k in ("facet_years", "partners", "topics")})
                return all(facet.meets(f, tags, passage=True) for facet in PASSAGE_FACETS)
        return self.ranking.best_passages(plan, doc_ids, per_document, prefer)

    # -- documents and passages -------------------------------------------------------------
    def document(self, doc_id: str) -> DocumentRecord | None:
        """One document's metadata."""
        return self.by_id.get(doc_id)

    def documents(self) -> list[DocumentRecord]:
        """Every document, in the order they were indexed."""
        return self.docs

    def passages_of(self, doc_id: str) -> list[PassageRecord]:
        """A document's passages in order."""
        if doc_id not in self.by_id:
            return []
        records = self.cluster.export(self.collection, conj(["kind:=passage", eq("doc_id", doc_id)]), schema.PASSAGE_FIELDS)
        return sorted((schema.passage_from(r) for r in records), key=lambda p: p.n)

    def passages(self, pids: list[int]) -> dict[int, PassageRecord]:
        """Passages by id."""
        out: dict[int, PassageRecord] = {}
        for i in range(0, len(pids), PAGE):
            chunk = pids[i : i + PAGE]
            r = self.cluster.search(self.collection, {"q": "*", "filter_by": conj(["kind:=passage", f"pid:=[{','.join(map(str, chunk))}]"]),
                                                      "per_page": PAGE, "include_fields": schema.PASSAGE_FIELDS})
            out.update((h["document"]["pid"], schema.passage_from(h["document"])) for h in r["hits"])
        return out

    def passage_tags(self):
        """Every passage's tags, without text."""
        return (schema.passage_from(r) for r in self.cluster.export(self.collection, "kind:=passage", schema.TAG_FIELDS))

    def events(self):
        """Every event, in document and passage order."""
        order = {d.doc_id: i for i, d in enumerate(self.docs)}
        records = sorted(self.cluster.export(self.collection, "kind:=event", schema.EVENT_FIELDS),
                         key=lambda r: (order.get(r["doc_id"], len(order)), r["seq"]))
        return [schema.event_from(r) for r in records]

    # -- statistics and vocabulary --------------------------------------------------------
    def doc_count(self) -> int:
        """Passages in the collection; raises when the cluster cannot answer."""
        return self._count("kind:=passage")

    def stats(self) -> IndexStats:
        """Counts of this generation."""
        everything = ClusterMatch("kind:=doc", {}, Filters(), len(self.docs))
        counts = self.facet_counts(everything)
        top = {name: sorted(((v, c) for v, c in counts[name].items() if c), key=lambda vc: (-vc[1], vc[0]))[:TOP_TAGS]
               for name in ("partner", "topic")}
        return IndexStats(
            generation=self.generation, documents=len(self.docs), passages=self.doc_count(),
            languages=dict(sorted(counts["lang"].items())), index_bytes=self.cluster.memory_bytes(), built_at=self.meta.get("built_at"),
            corpus=self.meta.get("corpus"), top_partners=top["partner"], top_topics=top["topic"],
            years=sorted(int(y) for y in counts["year"]),
        )

    def term_frequency(self, term: str) -> int:
        """Passages holding the word term."""
        return self._count(conj(["kind:=passage", eq("wordset", term)]))

    def similar_terms(self, term: str, max_distance: int, prefix: int) -> list[str]:
        """Index words within `max_distance` edits sharing the first `prefix` characters, commonest first."""
        return similar_terms(self.cluster, self.collection, term, max_distance, prefix)

    def passage_frequencies(self, terms: list[str]) -> dict[str, int]:
        """Passages holding each word term (in their text, or the title on a first passage)."""
        terms = list(dict.fromkeys(terms))
        usable = [t for t in terms if "`" not in t]  # a backtick cannot be quoted in a filter (never indexed)
        out = dict.fromkeys(terms, 0)
        for i in range(0, len(usable), SEARCHES_PER_CALL):
            chunk = usable[i : i + SEARCHES_PER_CALL]
            found = self.cluster.multi_search(self.collection, [
                {"q": "*", "filter_by": conj(["kind:=passage", eq("wordset", t)]), "per_page": 0} for t in chunk])
            out.update((t, r["found"]) for t, r in zip(chunk, found))
        return out



def read_meta(cluster: Cluster, collection: str) -> dict:
    """The meta record of a collection ({} when it has none)."""
    r = cluster.document(collection, schema.META_ID)
    return json.loads(r["value"]) if r else {}
