"""Ranking passages on the cluster: Typesense's own text matching, one search per way to match, fused.

Typesense matches all the tokens of a query, so the OR of a plan (a clause's alternatives, its
Chinese string, the words close together, a Chinese string typed as a whole) is run as one
search per part, in one round trip, and their rankings are fused (reciprocal rank fusion, each
part weighted as the local engine weights it: what was typed above its equivalents, bigrams and
near-matches below). Documents are ordered by their best passage; a document's shown passages
are fused within the document only, so they are the same whatever else is on the page (and in
date order).
"""
from __future__ import annotations

from collections import defaultdict

from indexer.search.plan import QueryPlan

from .cluster import Cluster
from .filters import conj, one_of

RRF_K = 60
SCALE = 100.0  # fused scores ×100: a few units, like the local engine's
PAGE = 250
MAX_PAGES = 4
BIGRAM_WEIGHT = 0.35
GROUP_WEIGHT = 0.5
PROXIMITY_WEIGHT = 1.5
FILTER_PASSAGE_BOOST = 1.5


def searches(plan: QueryPlan) -> list[tuple[dict, float]]:
    """(passage search, weight) for every part of the plan that can rank a passage."""
    common = {"prefix": "false", "num_typos": 0, "drop_tokens_threshold": 0, "typo_tokens_threshold": 0,
              "include_fields": "pid,doc_id,years,partners,topics", "highlight_fields": "none"}
    out: list[tuple[dict, float]] = []
    for c in plan.positive:
        if c.prefix:
            out.append(({**common, "q": c.raw.rstrip("*? ").lower(), "query_by": "words,title_words",
                         "prefix": "true"}, 1.0))
            continue
        for alt in c.alternatives:
            if alt.words:
                q = " ".join(alt.words)
                out.append(({**common, "q": f'"{q}"' if c.phrase else q, "query_by": "words,title_words",
                             "query_by_weights": "1,2"}, alt.weight))
            if alt.has_han and len(alt.bigrams) > 1:
                out.append(({**common, "q": '"' + " ".join(alt.bigrams) + '"', "query_by": "bigrams"},
                            BIGRAM_WEIGHT * alt.weight))
    words = [w for c in plan.positive if not c.prefix for w in c.words]
    if len(plan.positive) > 1 and len(words) > 1:
        out.append(({**common, "q": " ".join(words), "query_by": "words,title_words"}, PROXIMITY_WEIGHT))
    for g in plan.groups:
        out.append(({**common, "q": '"' + " ".join(g.words) + '"', "query_by": "words"}, GROUP_WEIGHT))
    return out


class Ranking:
    """Fused passage rankings of plans over one collection."""

    def __init__(self, cluster: Cluster, collection: str):
        self.cluster = cluster
        self.collection = collection

    def _run(self, parts: list[tuple[dict, float]], filter_by: str, page: int) -> list[tuple[list[dict], float]]:
        params = [{**p, "filter_by": filter_by, "per_page": PAGE, "page": page} for p, _w in parts]
        results = self.cluster.multi_search(self.collection, params)
        return [([h["document"] for h in r.get("hits", [])], w) for r, (_p, w) in zip(results, parts)]

    def ordered_documents(self, plan: QueryPlan, need: int, matches) -> list[str]:
        """Up to `need` documents in order of their best passage; `matches(ids)` says which of a
        list of documents the search matches."""
        parts = searches(plan)
        score: dict[int, float] = defaultdict(float)
        doc_of: dict[int, str] = {}
        order: list[str] = []
        checked: set[str] = set()
        accepted: set[str] = set()
        for page in range(1, MAX_PAGES + 1):
            ran = self._run(parts, "kind:=passage", page)
            for hits, weight in ran:
                for rank, h in enumerate(hits, start=(page - 1) * PAGE + 1):
                    score[h["pid"]] += weight / (RRF_K + rank)
                    doc_of[h["pid"]] = h["doc_id"]
            best: dict[str, float] = {}
            for pid, s in score.items():
                d = doc_of[pid]
                best[d] = max(best.get(d, 0.0), s)
            ranked = sorted(best, key=lambda d: (-best[d], d))
            candidates = [d for d in ranked if d not in checked]
            accepted |= matches(candidates)
            checked.update(candidates)
            order = [d for d in ranked if d in accepted]
            if len(order) >= need or all(len(hits) < PAGE for hits, _w in ran):
                break
        return order[:need]

    def best_passages(self, plan: QueryPlan, doc_ids: list[str], per_document: int,
                      prefer=None) -> dict[str, list[tuple[int, float]]]:
        """Each document's best passages, ranked within the document (`prefer(passage)` boosts)."""
        out: dict[str, list[tuple[int, float]]] = {d: [] for d in doc_ids}
        if not doc_ids:
            return out
        score: dict[int, float] = defaultdict(float)
        doc_of: dict[int, str] = {}
        boosted: set[int] = set()
        ran = self._run(searches(plan), conj(["kind:=passage", one_of("doc_id", doc_ids)]), 1)
        for hits, weight in ran:
            seen: dict[str, int] = defaultdict(int)
            for h in hits:
                seen[h["doc_id"]] += 1
                score[h["pid"]] += weight / (RRF_K + seen[h["doc_id"]])
                doc_of[h["pid"]] = h["doc_id"]
                if prefer is not None and prefer(h):
                    boosted.add(h["pid"])
        final = {pid: SCALE * s * (FILTER_PASSAGE_BOOST if pid in boosted else 1.0) for pid, s in score.items()}
        for pid in sorted(final, key=lambda p: (-final[p], p)):
            found = out[doc_of[pid]]
            if len(found) < per_document:
                found.append((pid, round(final[pid], 6)))
        return out
