"""Ranking passages on the cluster: Typesense's own text matching, one search per way to match, fused.

Typesense matches all the tokens of a query, so the OR of a plan (a clause's alternatives, its
Chinese string, the words close together, a Chinese string typed as a whole) is run as one
search per part, in one round trip, and their rankings are fused (reciprocal rank fusion, each
part weighted as the local engine weights it: what was typed above its equivalents, bigrams
below). A clause counts its best way of matching, as locally; the bonuses add. Documents are
ordered by their best passage; a document's shown passages are fused within the document only,
so they are the same whatever else is on the page (and in date order).
"""
from __future__ import annotations

from collections import defaultdict

from indexer.search.plan import TAG_WEIGHT, QueryPlan

from .cluster import Cluster
from .filters import conj, eq, one_of

RRF_K = 60
SCALE = 100.0  # fused scores ×100: a few units, like the local engine's
PAGE = 250
MAX_PAGES = 4
BIGRAM_WEIGHT = 0.35
GROUP_WEIGHT = 0.5
PROXIMITY_WEIGHT = 1.5
FILTER_PASSAGE_BOOST = 1.5


def searches(plan: QueryPlan) -> list[tuple[dict, float, int | None]]:
    """(passage search, weight, clause) for every part of the plan that can rank a passage; the
    clause's number for its ways of matching (of which the best counts), None for a bonus."""
    common = {"prefix": "false", "num_typos": 0, "drop_tokens_threshold": 0, "typo_tokens_threshold": 0,
              "include_fields": "pid,doc_id,facet_years,partners,topics", "highlight_fields": "none"}
    out: list[tuple[dict, float, int | None]] = []
    for k, c in enumerate(plan.positive):
        alternatives = c.alternatives
        if c.prefix:
            out.append(({**common, "q": c.raw.rstrip("*? ").lower(), "query_by": "words,title_words",
                         "prefix": "true"}, 1.0, k))
            alternatives = c.alternatives[1:]  # the names a prefix begins
        for alt in alternatives:
            if alt.words:
                q = " ".join(alt.words)
                out.append(({**common, "q": f'"{q}"' if c.phrase else q, "query_by": "words,title_words",
                             "query_by_weights": "1,2"}, alt.weight, k))
            if alt.has_han and len(alt.bigrams) > 1:
                out.append(({**common, "q": '"' + " ".join(alt.bigrams) + '"', "query_by": "bigrams"},
                            BIGRAM_WEIGHT * alt.weight, k))
        for tag in c.tags:  # tagged passages: no text to rank them by, so in passage order, weighted low
            kind, _, ident = tag.partition(":")
            field = "partners" if kind == "partner" else "topics"
            out.append(({**common, "q": "*", "filter_by": eq(field, ident), "sort_by": "n:asc"}, TAG_WEIGHT, k))
    words = [w for c in plan.positive if not c.prefix for w in c.words]
    if len(plan.positive) > 1 and len(words) > 1:
        out.append(({**common, "q": " ".join(words), "query_by": "words,title_words"}, PROXIMITY_WEIGHT, None))
    for g in plan.groups:
        out.append(({**common, "q": '"' + " ".join(g.words) + '"', "query_by": "words"}, GROUP_WEIGHT, None))
    return out


def _fuse(ran: list[tuple[list[dict], float, int | None]], rank_of) -> dict[int, float]:
    """Each passage's fused score: a clause's best way of matching, plus the bonuses."""
    best: dict[tuple[int, int], float] = defaultdict(float)  # (pid, clause) → best contribution
    score: dict[int, float] = defaultdict(float)
    for hits, weight, clause in ran:
        for h, rank in rank_of(hits):
            value = weight / (RRF_K + rank)
            if clause is None:
                score[h["pid"]] += value
            else:
                best[(h["pid"], clause)] = max(best[(h["pid"], clause)], value)
    for (pid, _clause), value in best.items():
        score[pid] += value
    return score


class Ranking:
    """Fused passage rankings of plans over one collection."""

    def __init__(self, cluster: Cluster, collection: str):
        self.cluster = cluster
        self.collection = collection

    def _run(self, parts, filter_by: str, page: int) -> list[tuple[list[dict], float, int | None]]:
        params = [{**p, "filter_by": conj([filter_by, p.get("filter_by", "")]), "per_page": PAGE, "page": page}
                  for p, _w, _c in parts]
        results = self.cluster.multi_search(self.collection, params)
        return [([h["document"] for h in r.get("hits", [])], w, c) for r, (_p, w, c) in zip(results, parts)]

    def ordered_documents(self, plan: QueryPlan, need: int, matches) -> list[str]:
        """Up to `need` documents in order of their best passage; `matches(ids)` says which of a
        list of documents the search matches."""
        parts = searches(plan)
        doc_of: dict[int, str] = {}
        order: list[str] = []
        checked: set[str] = set()
        accepted: set[str] = set()
        ran: list = []
        for page in range(1, MAX_PAGES + 1):
            more = self._run(parts, "kind:=passage", page)
            start = (page - 1) * PAGE + 1
            ran += [([(h, rank) for rank, h in enumerate(hits, start=start)], w, c) for hits, w, c in more]
            for hits, _w, _c in more:
                doc_of.update((h["pid"], h["doc_id"]) for h in hits)
            score = _fuse(ran, lambda ranked: ranked)
            best: dict[str, float] = {}
            for pid, s in score.items():
                d = doc_of[pid]
                best[d] = max(best.get(d, 0.0), s)
            ranked = sorted(best, key=lambda d: (-best[d], d))
            candidates = [d for d in ranked if d not in checked]
            accepted |= matches(candidates)
            checked.update(candidates)
            order = [d for d in ranked if d in accepted]
            if len(order) >= need or all(len(hits) < PAGE for hits, _w, _c in more):
                break
        return order[:need]

    def best_passages(self, plan: QueryPlan, doc_ids: list[str], per_document: int,
                      prefer=None) -> dict[str, list[tuple[int, float]]]:
        """Each document's best passages, ranked within the document, those `prefer(passage)` accepts first."""
        out: dict[str, list[tuple[int, float]]] = {d: [] for d in doc_ids}
        if not doc_ids:
            return out
        doc_of: dict[int, str] = {}
        boosted: set[int] = set()
        ran = self._run(searches(plan), conj(["kind:=passage", one_of("doc_id", doc_ids)]), 1)
        for hits, _w, _c in ran:
            for h in hits:
                doc_of[h["pid"]] = h["doc_id"]
                if prefer is not None and prefer(h):
                    boosted.add(h["pid"])
        score = _fuse(ran, _ranks_within_documents)
        final = {pid: SCALE * s * (FILTER_PASSAGE_BOOST if pid in boosted else 1.0) for pid, s in score.items()}
        for pid in sorted(final, key=lambda p: (p not in boosted, -final[p], p)):  # passages meeting the filters first
            found = out[doc_of[pid]]
            if len(found) < per_document:
                found.append((pid, round(final[pid], 6)))
        return out


def _ranks_within_documents(hits: list[dict]):
    """Each hit with its rank among its own document's hits."""
    seen: dict[str, int] = defaultdict(int)
    for h in hits:
        seen[h["doc_id"]] += 1
        yield h, seen[h["doc_id"]]
