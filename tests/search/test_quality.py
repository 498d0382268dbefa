"""What makes search find what the user means: ranking, folding, OCR tolerance, suggestions."""

import pytest

from indexer.config import Settings
from indexer.index.build import build
from indexer.search.request import SearchRequest
from tests.conftest import open_index
from web.api_json import search_json

FILLER = "本段记录会议的其他事项，包括议程安排和后续工作计划。" * 3

DOCS = {
    # the title names the subject once; the body is about it
    "title-match.txt": "中哈边境口岸联合监管\n\n" + FILLER + "\n\n双方商定在霍尔果斯口岸试行。\n",
    # the body mentions the words often, but far apart and never as a title
    "scattered.txt": "会议纪要\n\n" + "\n\n".join(["口岸建设取得进展。" + FILLER, "边境贸易持续增长。" + FILLER,
                                                 "联合监管模式不断创新。" + FILLER]),
    # the words close together in one passage
    "close.txt": "工作简报\n\n" + FILLER + "\n\n今年，边境口岸联合监管试点扩大到三个口岸。\n\n" + FILLER,
    "traditional.txt": "海關合作簡報\n\n香港海關與內地海關加強合作，打擊走私。\n",
    "ocr.txt": "年鉴摘录\n\n1994 年，中同悔关派员出席世界悔关组织会议，讨论问际悔关合作。\n",
    "english.txt": "Symposium on Risk Management\n\nThe World Customs Organization held a symposium in 2005.\n",
    "long.txt": "长文档\n\n" + "\n\n".join(f"{i}. 海关合作第{i}项。" + FILLER for i in range(1, 40)),
    "dated-2010.txt": "二〇一〇年简报\n\n2010-05-01\n\n海关合作会议在北京举行。\n",
    "dated-2020.txt": "二〇二〇年简报\n\n2020-05-01\n\n海关合作会议在上海举行。\n",
}


@pytest.fixture(scope="module")
def ix(tmp_path_factory) -> object:
    root = tmp_path_factory.mktemp("quality")
    corpus = root / "corpus"
    corpus.mkdir()
    for name, text in DOCS.items():
        (corpus / name).write_text(text, encoding="utf-8")
    report = build(Settings.from_env(corpus, root / "index"), log=lambda *_: None, quiet=True)
    assert not report.failed
    return open_index(root / "index")


def search(ix, req: SearchRequest) -> dict:
    """A search's answer as the JSON API gives it (excerpts with their <mark>s)."""
    return search_json(ix.search(req), None)


def ids(result):
    return [h["doc_id"] for h in result["hits"]]


def test_title_match_and_close_words_rank_above_scattered_words(ix):
    order = ids(search(ix, SearchRequest(q="边境口岸联合监管")))
    assert set(order) >= {"title-match.txt", "close.txt", "scattered.txt"}
    assert order.index("scattered.txt") > order.index("title-match.txt")
    assert order.index("scattered.txt") > order.index("close.txt")


def test_one_document_does_not_flood_the_page(ix):
    res = search(ix, SearchRequest(q="海关合作", per_page=5))
    assert len(ids(res)) == len(set(ids(res)))
    assert len([h for h in res["hits"] if h["doc_id"] == "long.txt"]) == 1
    assert len(res["hits"][0]["excerpts"]) <= 3


def test_traditional_and_simplified_match_and_excerpts_keep_the_original(ix):
    res = search(ix, SearchRequest(q="海关合作"))
    hit = next(h for h in res["hits"] if h["doc_id"] == "traditional.txt")
    assert "<mark>海關合作</mark>簡報" in hit["excerpts"][0]["html"]  # the original characters, marked
    assert "traditional.txt" in ids(search(ix, SearchRequest(q="香港海關")))


def test_full_width_letters_fold(ix):
    assert ids(search(ix, SearchRequest(q="ＷＯＲＬＤ　ＣＵＳＴＯＭＳ", expand=False))) == ["english.txt"]


def test_ocr_damaged_text_is_found_and_ranked_below_clean_text(ix):
    res = search(ix, SearchRequest(q="世界海关组织", expand=False))
    assert "ocr.txt" in ids(res)  # 世界悔关组织
    assert "<mark>" in next(h for h in res["hits"] if h["doc_id"] == "ocr.txt")["excerpts"][0]["html"]
    assert "ocr.txt" in ids(search(ix, SearchRequest(q="国际海关合作", expand=False)))  # 问际悔关合作


def test_cross_lingual_expansion_is_reported_and_can_be_switched_off(ix):
    on = search(ix, SearchRequest(q="世界海关组织"))
    assert "english.txt" in ids(on)
    assert any(e["also"] == "World Customs Organization" for e in on["expansions"])
    off = search(ix, SearchRequest(q="世界海关组织", expand=False))
    assert "english.txt" not in ids(off) and off["expansions"] == []


def test_english_lemmas_without_overstemming(ix):
    assert ids(search(ix, SearchRequest(q="symposiums", expand=False))) == ["english.txt"]
    assert ids(search(ix, SearchRequest(q="organizations", expand=False))) == ["english.txt"]
    assert search(ix, SearchRequest(q="organ", expand=False))["total"] == 0


def test_did_you_mean_only_when_it_finds_more(ix):
    res = search(ix, SearchRequest(q="symposim", expand=False))
    assert res["total"] == 0 and res["suggestion"] == {"q": "symposium", "total": 1}
    good = search(ix, SearchRequest(q="symposium", expand=False))
    assert good["suggestion"] is None
    nothing = search(ix, SearchRequest(q="zzzzqqqq", expand=False))
    assert nothing["suggestion"] is None


def test_no_document_with_every_word_relaxes_and_says_so(ix):
    res = search(ix, SearchRequest(q="symposium risk management kazakhstan", expand=False))
    assert res["relaxed"] is True and ids(res) == ["english.txt"]
    assert search(ix, SearchRequest(q="symposium risk management", expand=False))["relaxed"] is False


def test_sort_by_date_newest_first(ix):
    order = ids(search(ix, SearchRequest(q="海关合作会议", sort="date")))
    assert order.index("dated-2020.txt") < order.index("dated-2010.txt")


def test_year_filter_prefers_the_passage_of_that_year(ix):
    res = search(ix, SearchRequest(q="symposium", years=[2005]))
    assert ids(res) == ["english.txt"]
    assert 2005 in res["hits"][0]["excerpts"][0]["years"]


def test_a_relaxed_match_says_which_words_each_document_lacks(ix):
    res = ix.search(SearchRequest(q="symposium risk management kazakhstan", expand=False))
    assert res.relaxed and [(h.doc.doc_id, h.missing) for h in res.hits] == [("english.txt", ["kazakhstan"])]
    assert all(h.missing == [] for h in ix.search(SearchRequest(q="symposium risk management")).hits)


def test_did_you_mean_respells_from_the_lexicon_when_the_index_has_no_such_word(sample_index):
    """No English document says "intellectual", but the word translates into 知识产权, which the index has."""
    res = sample_index.search(SearchRequest(q="intelectual property"))
    assert res.suggestion is not None and res.suggestion.q == "intellectual property"
    assert res.suggestion.total > res.total


def test_with_filters_the_passage_meeting_them_is_shown_first(sample_index):
    res = sample_index.search(SearchRequest(q="海关", partners=["UZB"]))
    carec = next(h for h in res.hits if h.doc.doc_id == "carec-ccc4-statement-2005.txt")
    first = carec.excerpts[0].snippet
    assert "乌兹别克斯坦" in first.plain()
    assert ("乌兹别克斯坦", True) in first.parts  # the partner ticked is marked too


@pytest.mark.parametrize("q", ["单一窗口", "單一窗口", "single window"])
def test_the_document_about_a_subject_outranks_one_naming_a_rarer_equivalent_once(sample_index, q):
    """The slides speak of 单一窗口 on many pages; the CAREC statement names 单一电子窗口 once. BM25 gave
    the rarer, longer equivalent more than the word asked for, and the statement came first."""
    hits = sample_index.search(SearchRequest(q=q)).hits
    assert hits[0].doc.doc_id == "customs-clearance-integration-reform-slides-2016.txt"


@pytest.mark.parametrize("q", ["World Customs Organisation", "organisation"])
def test_a_british_spelling_finds_the_american_one(ix, q):
    """english.txt writes "World Customs Organization"."""
    res = ix.search(SearchRequest(q=q, expand=False))
    assert "english.txt" in [h.doc.doc_id for h in res.hits] and not res.relaxed


def test_the_document_titled_with_the_query_outranks_the_documents_citing_it(tmp_path):
    """Only a document's first passage carries its title, so the title field's average length is a
    fraction of a word; normalised by it, a title match counted for almost nothing and the short
    articles citing the law came before the law itself."""
    articles = "\n\n".join(f"第{i}条 海关统计工作应当依照规定进行，统计数据按月公布，第{i}项要求。" for i in range(1, 41))
    history = "\n".join(f"根据{y}年全国人民代表大会常务委员会第{y - 1980}次会议《关于修改部分法律的决定》修正" for y in range(1990, 2010, 2))
    docs = {"law.txt": f"中华人民共和国海关法\n{history}\n\n{articles}\n"}
    for i in range(4):
        docs[f"rule-{i}.txt"] = (f"海关第{i}号办法\n\n第一条 根据《中华人民共和国海关法》，制定本办法。\n\n"
                                 "第二条 本办法由海关总署负责解释。\n\n第三条 本办法自公布之日起施行。\n")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in docs.items():
        (corpus / name).write_text(text, encoding="utf-8")
    assert not build(Settings.from_env(corpus, tmp_path / "index"), log=lambda *_: None, quiet=True).failed
    hits = open_index(tmp_path / "index").search(SearchRequest(q="海关法")).hits
    assert hits[0].doc.doc_id == "law.txt"
