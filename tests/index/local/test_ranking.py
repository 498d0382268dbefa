"""Ranking on posting arrays gives Whoosh's own answer, whichever order the results are shown in.

The numpy ranker (ranker.py) claims Whoosh's BM25F scores of our ranking queries: compared here,
query by query, with Whoosh's searcher on the same index (scores and order), so relevance sort and
date sort, which both use it, agree with the engine and with each other. Whoosh scores every
sub-query itself; OR adds them, as Whoosh does, and a clause's disjunction-max takes the best per
passage (Whoosh's own DisjunctionMaxMatcher cannot be the reference: with its two sides on
different documents it still returns the larger score).
"""
import numpy as np
import pytest
from whoosh import query as wq

from indexer.index.local import ranking
from indexer.index.local.queries import scoring_query
from indexer.index.local.ranker import Ranker
from indexer.search.plan import plan_query
from indexer.search.request import SearchRequest

QUERIES = ["海关 合作", "知识产权", "customs cooperation", '"capacity building"', "哈萨克斯坦", "WCO",
           "rules of origin", "世界海关组织第52次政策委员会会议", "kaz*", "风险管理研讨会", "single window 单一窗口",
           '"海关合作"', "乌兰巴托会议", "symposium on risk management", "海关 -蒙古", "知識產權", "哈萨克斯担"]


def whoosh_scores(searcher, q, postings) -> dict[int, float]:
    """Every matching passage's score: Whoosh's own for each sub-query (a tag, which Whoosh does not
    hold, as the postings give it), OR adding, DisMax the best."""
    if isinstance(q, wq.Term) and q.fieldname == "tags":
        d, s = postings.term_scores("tags", q.text)
        return {int(k): float(v) * q.boost for k, v in zip(d, s)}
    if isinstance(q, (wq.Or, wq.DisjunctionMax)):
        parts = [whoosh_scores(searcher, sub, postings) for sub in q.subqueries]
        out: dict[int, float] = {}
        for part in parts:
            for d, s in part.items():
                out[d] = out.get(d, 0.0) + s if isinstance(q, wq.Or) else max(out.get(d, 0.0), s)
        return {d: s * q.boost for d, s in out.items()}
    return {h.docnum: h.score for h in searcher.search(q, limit=None)}


@pytest.mark.parametrize("q", QUERIES)
@pytest.mark.parametrize("expand", [True, False])
def test_numpy_ranker_gives_whooshs_scores_and_order(sample_index, q, expand):
    backend = sample_index.backend
    searcher = backend.engine.searcher
    query = scoring_query(plan_query(q, expand), searcher.reader(), backend.postings.one_occurrence)
    n = len(backend.docnum_row)
    # every matching passage, best first, ties to the lower engine number
    whoosh = sorted(((d, s) for d, s in whoosh_scores(searcher, query, backend.postings).items() if s > 0),
                    key=lambda x: (-x[1], x[0]))
    ours = Ranker(backend.postings, query, np.ones(n, dtype=bool), np.arange(n)).top(n)
    assert [d for d, _ in ours] == [d for d, _ in whoosh]
    assert np.allclose([s for _, s in ours], [s for _, s in whoosh], rtol=1e-9)


@pytest.mark.parametrize("q", QUERIES)
@pytest.mark.parametrize("filters", [{}, {"partners": ["KAZ"]}, {"year_from": 2004, "year_to": 2006}],
                         ids=["no filter", "partner", "years"])
def test_date_order_shows_the_same_passages_and_scores_as_relevance_order(sample_index, q, filters):
    by_date = sample_index.search(SearchRequest(q=q, per_page=100, sort="date", **filters))
    by_relevance = sample_index.search(SearchRequest(q=q, per_page=100, **filters))
    assert by_date.total == by_relevance.total
    shown = {h.doc.doc_id: ([e.n for e in h.excerpts], h.score) for h in by_relevance.hits}
    for h in by_date.hits:
        assert ([e.n for e in h.excerpts], h.score) == shown[h.doc.doc_id], (q, h.doc.doc_id)


def test_ranking_work_per_request_does_not_grow_with_the_page(sample_index, monkeypatch):
    """Sorting by date once ran one index-wide search per shown document (100 per page)."""
    made = []

    class Counting(Ranker):
        def __init__(self, *a, **kw):
            made.append(1)
            super().__init__(*a, **kw)

    monkeypatch.setattr(ranking, "Ranker", Counting)
    per_request = {}
    for per_page in (1, 100):
        for sort in ("date", "relevance"):
            made.clear()
            sample_index.backend.clear_caches()
            sample_index.search(SearchRequest(q="海关 合作 customs", per_page=per_page, sort=sort))
            per_request[(per_page, sort)] = len(made)
    assert per_request[(100, "date")] == per_request[(1, "date")] == 1, per_request
    assert per_request[(100, "relevance")] == per_request[(1, "relevance")] == 1, per_request
