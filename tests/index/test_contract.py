"""The backend contract: the local index and a Typesense node, built from the same corpus, answer alike.

Every backend must give the same documents and passages, match the same documents for the same
plan under the same filters, count the same facets (each with its own selection left out), order
by date alike, show a document the same excerpts whatever the order, and keep its statistics.
Ranking is the engine's own and may differ; which documents match may not, on these queries.
"""
import pytest

from indexer.index.build import build
from indexer.search.handle import IndexHandle
from indexer.search.knowledge import get_knowledge
from indexer.search.request import SearchRequest
from tests.conftest import on_cluster
from web.api_json import browse_json

QUERIES = [
    {"q": "知识产权"}, {"q": "哈萨克斯坦"}, {"q": "WCO"}, {"q": "wco", "expand": False}, {"q": "rules of origin"},
    {"q": "single window"}, {"q": "單一窗口"}, {"q": "哈萨克斯担"}, {"q": "世界海关组织第52次政策委员会会议"},
    {"q": '"capacity building"'}, {"q": '"海关合作"'}, {"q": "kaz*"}, {"q": "cooperat*"}, {"q": "海关 -蒙古"},
    {"q": "customs -asean"}, {"q": "乌兰巴托会议"}, {"q": "symposium on risk management"},
    {"q": "symposium risk management kazakhstan", "expand": False},  # relaxed
    {"q": "海关 合作 国际 组织 会议 中国"}, {"q": "ＷＯＲＬＤ　ＣＵＳＴＯＭＳ"}, {"q": "zzzqqq"},
    {"q": ""}, {"q": "", "partners": ["KAZ"]}, {"q": "", "years": [2005]}, {"q": "", "year_from": 2004, "year_to": 2006},
    {"q": "海关", "partners": ["KAZ", "WCO"], "lang": "zh"}, {"q": "customs", "topics": ["single-window"]},
    {"q": "合作", "years": [2005, 2018], "year_from": 2000, "year_to": 2010},
]
BACKENDS = ["local", "typesense"]


@pytest.fixture(scope="module")
def local(sample_index):
    return sample_index


@pytest.fixture(scope="module", params=BACKENDS)
def backend(request, sample_settings, sample_index, tmp_path_factory):
    """The sample corpus served by each backend."""
    if request.param == "local":
        return sample_index
    node = request.getfixturevalue("typesense_node")
    settings = on_cluster(sample_settings, node, "contract")
    settings = type(settings)(**{**settings.__dict__, "index_dir": tmp_path_factory.mktemp("unused-index")})
    report = build(settings, log=lambda *_: None, quiet=True)
    assert report.failed == [] and report.added == 5
    return IndexHandle(settings).get()


def _ids(result):
    return sorted(h.doc.doc_id for h in result.hits)


@pytest.mark.parametrize("params", QUERIES, ids=[repr(p) for p in QUERIES])
def test_the_same_documents_match_with_the_same_facets(backend, local, params):
    req = SearchRequest(**params, per_page=100)
    got, want = backend.search(req), local.search(req)
    assert (got.total, _ids(got), got.relaxed) == (want.total, _ids(want), want.relaxed)
    assert got.facets == want.facets
    assert [e.also for e in got.expansions] == [e.also for e in want.expansions]


@pytest.mark.parametrize("params", [p for p in QUERIES if p.get("q")][:12])
def test_date_order_is_the_same_and_shows_the_excerpts_of_relevance_order(backend, local, params):
    by_date = backend.search(SearchRequest(**params, per_page=100, sort="date"))
    assert [h.doc.doc_id for h in by_date.hits] == [h.doc.doc_id for h in
                                                    local.search(SearchRequest(**params, per_page=100, sort="date")).hits]
    by_relevance = {h.doc.doc_id: (h.score, [e.n for e in h.excerpts]) for h in
                    backend.search(SearchRequest(**params, per_page=100)).hits}
    for h in by_date.hits:
        assert (h.score, [e.n for e in h.excerpts]) == by_relevance[h.doc.doc_id], h.doc.doc_id


def test_pages_of_relevance_order_join_up(backend):
    all_at_once = [h.doc.doc_id for h in backend.search(SearchRequest(q="海关", per_page=100)).hits]
    paged = [h.doc.doc_id for page in (1, 2, 3) for h in backend.search(SearchRequest(q="海关", per_page=2, page=page)).hits]
    assert paged == all_at_once[: len(paged)] and len(set(paged)) == len(paged)


def test_documents_and_passages_are_the_same(backend, local):
    assert [d.doc_id for d in backend.backend.documents()] == [d.doc_id for d in local.backend.documents()]
    for d in local.backend.documents():
        got, want = backend.document(d.doc_id), local.document(d.doc_id)
        assert got.doc == want.doc
        assert got.passages == want.passages  # text, page, years, tags, the years filed under, the article
    assert backend.document("no-such-file.txt") is None


def test_statistics_and_knowledge_pages_agree(backend, local):
    got, want = backend.backend.stats(), local.backend.stats()
    assert (got.documents, got.passages, got.languages, got.years) == \
           (want.documents, want.passages, want.languages, want.years)
    assert browse_json(get_knowledge(backend), "en") == browse_json(get_knowledge(local), "en")


def test_the_events_register_is_the_same(backend, local):
    got, want = list(backend.backend.events()), list(local.backend.events())
    assert len(want) > 20
    key = lambda e: (e.date, e.doc_id, e.n, e.kind, e.summary)  # noqa: E731
    assert sorted(got, key=key) == sorted(want, key=key)


def test_did_you_mean_offers_a_respelling_that_finds_more(backend):
    r = backend.search(SearchRequest(q="symposim", expand=False))
    assert r.total == 0 and r.suggestion is not None and r.suggestion.q == "symposium" and r.suggestion.total >= 1
    assert backend.search(SearchRequest(q="symposium", expand=False)).suggestion is None


def test_vocabulary(backend):
    assert backend.backend.term_frequency("symposium") > 0
    assert backend.backend.term_frequency("zzzqqq") == 0
    assert backend.backend.similar_terms("symposim", 2, 1) == ["symposium"]


def test_passage_frequencies(backend, local):
    terms = ["symposium", "customs", "海关", "乌兰巴托", "哈萨克斯坦", "wco", "zzzqqq", "symposium"]
    got, want = backend.backend.passage_frequencies(terms), local.backend.passage_frequencies(terms)
    assert got == want
    assert want["zzzqqq"] == 0 and want["海关"] > want["乌兰巴托"] > 0
    assert want["海关"] <= local.backend.doc_count()  # passages, not occurrences


SIMILAR = [("carec-ccc4-statement-2005.txt", 4), ("customs-gazetteer-international-cooperation-ocr.txt", 16),
           ("china-asean-customs-cooperation-briefing.txt", 2)]


@pytest.mark.parametrize("doc_id, n", SIMILAR)
def test_more_like_this_asks_the_same_and_finds_the_same_documents(backend, local, doc_id, n):
    got, want = backend.similar(doc_id, n), local.similar(doc_id, n)
    assert [(t.surface, t.also) for t in got.terms] == [(t.surface, t.also) for t in want.terms]
    assert got.total == want.total >= 1
    found = [h.doc.doc_id for h in got.hits]
    assert sorted(found) == sorted(h.doc.doc_id for h in want.hits) and doc_id not in found
    assert all(h.excerpts for h in got.hits)
    assert backend.similar(doc_id, 999) is None and backend.similar("no-such-file.txt", 0) is None
