"""The search service: a request planned once, run on a backend, and returned as typed results.

Whatever the backend, the service decides what a search means: the query plan (parsed and
expanded once), the relaxed retry when no document has every word, the facets listed, the
documents that only match across passages placed after the ranked ones, excerpts cut and
marked from the stored passage text (passages meeting the filters when nothing was scored), and
did-you-mean. The backend matches, counts, ranks and fetches.
"""
from __future__ import annotations

from functools import lru_cache

from indexer.index.backend import SearchBackend

from .facets import FACETS, PASSAGE_FACETS, Filters
from .highlight import Highlighter, snippet
from .plan import QueryPlan, plan_query
from .request import SearchRequest
from .results import DocumentView, Excerpt, Hit, SearchResult
from .similar import SimilarResult, similar_query
from .suggest import FEW_HITS, did_you_mean

KNOWN_TERMS = 4096  # vocabulary look-ups remembered per generation
EXCERPTS_PER_HIT = 3
DEFAULT_EXCERPTS = 2  # passages shown when none was scored (browsing)
RELAX_MIN_CLAUSES = 3  # a query of fewer words is not relaxed
SIMILAR_EXCERPTS = 2  # passages shown per document under "more like this"


class SearchService:
    """Searches and document views over one opened backend generation."""

    def __init__(self, backend: SearchBackend):
        self.backend = backend
        self.generation = backend.generation
        self._known = lru_cache(maxsize=KNOWN_TERMS)(lambda term: backend.term_frequency(term) > 0)

    def plan(self, q: str, expand: bool = True) -> QueryPlan:
        """The plan of a query over this generation (translations only into words it holds)."""
        return plan_query(q, expand, self._known)

    def close(self) -> None:
        """Release the backend."""
        self.backend.close()

    def search(self, req: SearchRequest) -> SearchResult:
        """Run a search."""
        be = self.backend
        plan = self.plan(req.q, req.expand)
        filters = req.filters
        relaxed = False
        match = be.match(plan, filters)
        if not match.total and len(plan.positive) >= RELAX_MIN_CLAUSES:
            # no document has every word: show those with most of them, and say so
            relaxed = True
            match = be.match(plan, filters, relaxed=True)
        counts = be.facet_counts(match)
        facets = {f.name: f.values(counts.get(f.name, {}), filters) for f in FACETS}
        start = (req.page - 1) * req.per_page
        if plan.empty or req.sort == "date":
            page = be.by_date(match, start, req.per_page)
            best = be.best_passages(match, plan, page, EXCERPTS_PER_HIT) if not plan.empty else {}
        else:
            page, best = self._by_relevance(match, plan, start, req.per_page)
        suggestion = None
        if match.total < FEW_HITS and not plan.empty:
            suggestion = did_you_mean(be, plan, req.q, filters, lambda text: self.plan(text, req.expand), match.total)
        hits = self._hits(page, best, plan, filters)
        if relaxed:
            matched = be.matched_clauses(plan, page)
            for h in hits:
                h.missing.extend(c.raw for k, c in enumerate(plan.positive) if k not in matched.get(h.doc.doc_id, ()))
        return SearchResult(req, match.total, hits, facets, plan.expansions, suggestion, relaxed, self.generation)

    def _by_relevance(self, match, plan: QueryPlan, start: int, count: int):
        need = start + count
        ranked = self.backend.rank(match, plan, start, count, EXCERPTS_PER_HIT)
        order = [r.doc_id for r in ranked]
        if len(order) < need:
            # documents that match only through clauses spread over passages have no scored
            # passage: they follow, newest first
            seen = set(order)
            dated = self.backend.by_date(match, 0, need + len(order))
            order += [d for d in dated if d not in seen][: need - len(order)]
        best = {r.doc_id: r.passages for r in ranked}
        page = order[start : start + count]
        return page, {d: best.get(d, []) for d in page}

    def _hits(self, page: list[str], best: dict[str, list[tuple[int, float]]], plan: QueryPlan,
              filters: Filters) -> list[Hit]:
        be = self.backend
        marker = Highlighter.for_plan(plan)
        # the partners and topics ticked are marked too, so a passage's window shows why it was chosen
        marker.tags |= {("partner", x) for x in filters.partners} | {("topic", x) for x in filters.topics}
        scored = be.passages([pid for d in page for pid, _s in best.get(d, [])])
        hits = []
        for doc_id in page:
            doc = be.document(doc_id)
            found = best.get(doc_id, [])
            shown = [scored[pid] for pid, _s in found if pid in scored] if found else \
                self._default_passages(doc_id, filters)
            excerpts = [Excerpt(p.n, p.page, p.years, snippet(p.text, marker.spans(p.text))) for p in shown]
            hits.append(Hit(doc, found[0][1] if found else 0.0, excerpts))
        return hits

    def _default_passages(self, doc_id: str, filters: Filters):
        """Passages to show when nothing was scored: those that meet the filters, else the first."""
        passages = self.backend.passages_of(doc_id)
        chosen = [p for p in passages if all(f.meets(filters, p, passage=True) for f in PASSAGE_FACETS)][:DEFAULT_EXCERPTS]
        return chosen or passages[:1]

    def similar(self, doc_id: str, n: int, count: int = 10) -> SimilarResult | None:
        """Passages of other documents like passage `n` of a document, best first (None: no such passage)."""
        be = self.backend
        doc = be.document(doc_id)
        source = next((p for p in be.passages_of(doc_id) if p.n == n), None) if doc else None
        if source is None:
            return None
        query = similar_query(be, source)
        result = SimilarResult(doc, source, query.terms, 0, plan=query.plan)
        if query.plan.empty:
            return result
        match = be.match_some(query.plan, query.least, [doc_id])
        result.total = match.total
        ranked = be.rank(match, query.plan, 0, count, SIMILAR_EXCERPTS) if match.total else []
        # every matching document shares a word with the passage, so each has a scored passage
        result.hits = self._hits([r.doc_id for r in ranked], {r.doc_id: r.passages for r in ranked},
                                 query.plan, Filters())
        return result

    def document(self, doc_id: str) -> DocumentView | None:
        """A document with all its passages."""
        doc = self.backend.document(doc_id)
        if doc is None:
            return None
        return DocumentView(doc, self.backend.passages_of(doc_id))

    def highlighter(self, q: str, expand: bool = True) -> Highlighter:
        """What to mark for a query, planned as the search plans it."""
        return Highlighter.for_plan(self.plan(q, expand))
