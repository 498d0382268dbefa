"""End to end on the sample corpus through GET /api/search: what a careful reader expects."""
from __future__ import annotations

import re

import pytest

from tests.conftest import doc_ids

CAREC = "carec-ccc4-statement-2005.txt"
BRIEFING = "china-asean-customs-cooperation-briefing.txt"
NEWS = "china-customs-international-cooperation-news-2018.txt"
SLIDES = "customs-clearance-integration-reform-slides-2016.txt"
GAZETTEER = "customs-gazetteer-international-cooperation-ocr.txt"
ALL = {CAREC, BRIEFING, NEWS, SLIDES, GAZETTEER}


def search(client, **params):
    r = client.get("/api/search", query_string=params)
    assert r.status_code == 200, r.get_data(as_text=True)
    return r.get_json()


def test_chinese_query_finds_ipr_records_with_marked_excerpts(client):
    res = search(client, q="知识产权")
    # the 2004 WCO IPR forum (gazetteer) and the 2018 news item on IPR border protection
    assert {GAZETTEER, NEWS} <= doc_ids(res)
    assert res["total"] == len(res["hits"])
    excerpt = res["hits"][0]["excerpts"][0]["html"]
    assert "<mark>知识产权</mark>" in excerpt
    assert re.sub(r"</?mark>", "", excerpt).count("<") == 0  # only <mark> tags are HTML


def test_english_query_finds_the_asean_briefing(client):
    res = search(client, q="symposium", expand="0")
    assert doc_ids(res) == {BRIEFING}
    assert any("<mark>Symposium</mark>" in e["html"] or "<mark>symposium</mark>" in e["html"]
               for e in res["hits"][0]["excerpts"])


def test_english_inflections_match(client):
    # "symposiums" and "symposium" share a lemma; "Organization" is not cut down to "organ"
    assert doc_ids(search(client, q="symposiums", expand="0")) == {BRIEFING}
    assert search(client, q="organ", expand="0")["total"] == 0


def test_phrase_query_requires_adjacent_words(client):
    phrase = search(client, q='"capacity building"', expand="0")
    assert BRIEFING in doc_ids(phrase)
    reversed_phrase = search(client, q='"building capacity"', expand="0")
    assert BRIEFING not in doc_ids(reversed_phrase)


def test_chinese_phrase(client):
    res = search(client, q='"联合控制"', expand="0")
    assert doc_ids(res) == {CAREC}  # Kazakhstan-Kyrgyzstan joint control in the 2005 CAREC statement


def test_partner_filter_kazakhstan(client):
    res = search(client, partner="KAZ")
    # CAREC statement (哈萨克斯坦 hosts CCC-5) and the 2018 news (中哈农产品绿色通道)
    assert {CAREC, NEWS} <= doc_ids(res)
    assert BRIEFING not in doc_ids(res) and SLIDES not in doc_ids(res)
    for h in res["hits"]:
        assert "KAZ" in h["partners"]


def test_topic_filter_aeo(client):
    res = search(client, topic="aeo")
    assert doc_ids(res) == {NEWS, SLIDES}


def test_year_filter(client):
    res = search(client, year="2005")
    # CAREC CCC-4 (Sept 2005), ASEAN risk-management symposium (May 2005), gazetteer (2005 events),
    # the slides' trade figures for 2005; not the 2018 news
    assert doc_ids(res) == {CAREC, BRIEFING, GAZETTEER, SLIDES}
    assert search(client, year="1983")["total"] >= 1  # China joins the CCC, 1983, in the gazetteer


def test_year_range(client):
    res = search(client, year_from="2017", year_to="2019")
    assert NEWS in doc_ids(res)
    assert CAREC not in doc_ids(res)


def test_two_partners_are_or_and_facets_drill_sideways(client):
    one = search(client, partner="ASEAN")
    two = search(client, partner=["ASEAN", "KAZ"])
    assert doc_ids(one) < doc_ids(two)  # OR within one facet widens
    assert {BRIEFING, CAREC, NEWS} <= doc_ids(two)
    # the partner facet is counted without its own selection: KAZ still has its full count
    kaz = next(f for f in one["facets"]["partner"] if f["value"] == "KAZ")
    assert kaz["count"] == search(client, partner="KAZ")["total"]
    assert next(f for f in two["facets"]["partner"] if f["value"] == "KAZ")["selected"] is True


def test_different_facets_are_and(client):
    res = search(client, partner="ASEAN", topic="aeo")
    assert doc_ids(res) == {SLIDES}  # ASEAN in the slides' FTA list, AEO in their reforms
    facet_counts = {f["value"]: f["count"] for f in res["facets"]["lang"]}
    assert facet_counts == {"zh": 1}


def test_filters_with_a_query(client):
    res = search(client, q="海关", partner="KAZ", year="2005")
    # CAREC CCC-4 (2005) and the gazetteer's International Customs Day of 26 January 2005 with Kazakhstan
    assert doc_ids(res) == {CAREC, GAZETTEER}


def test_facet_counts_count_documents(client):
    res = search(client)
    assert res["total"] == 5
    langs = {f["value"]: f["count"] for f in res["facets"]["lang"]}
    assert langs == {"zh": 4, "en": 1}
    wco = next(f for f in res["facets"]["partner"] if f["value"] == "WCO")
    assert wco["count"] == 5 and "世界海关组织" in wco["label"]
    years = [f["value"] for f in res["facets"]["year"]]
    assert years == sorted(years)


def test_results_grouped_by_document(client):
    res = search(client, q="海关", per_page=100)
    ids = [h["doc_id"] for h in res["hits"]]
    assert len(ids) == len(set(ids))
    assert all(1 <= len(h["excerpts"]) <= 3 for h in res["hits"])


def test_document_fields(client):
    res = search(client, q="乌兰巴托")
    hit = res["hits"][0]
    assert hit["doc_id"] == CAREC
    assert hit["date"] == "2005-09-07" and hit["year"] == 2005 and hit["lang"] == "zh"
    assert hit["title"].startswith("中亚区域经济合作（CAREC）")
    assert {"CAREC", "KAZ", "MNG", "ADB", "WCO"} <= set(hit["partners"])
    assert hit["url"].startswith(f"/doc/{CAREC}#p-")


def test_titles_are_real_titles(client):
    titles = {h["doc_id"]: h["title"] for h in search(client, per_page=10)["hits"]}
    assert titles[NEWS] == "中国海关不断深化国际合作"  # not the phone number on its first line
    assert titles[BRIEFING] == "Briefing on China-ASEAN Customs Cooperation"  # not the menu line


def test_sort_by_date_newest_first(client):
    res = search(client, sort="date")
    dates = [h["date"] for h in res["hits"] if h["date"]]
    assert dates == sorted(dates, reverse=True)
    assert res["hits"][0]["doc_id"] == NEWS


def test_pagination(client):
    p1 = search(client, per_page=2, page=1)
    p3 = search(client, per_page=2, page=3)
    assert len(p1["hits"]) == 2 and len(p3["hits"]) == 1
    assert not doc_ids(p1) & doc_ids(p3)


@pytest.mark.parametrize("q", [
    '"unclosed phrase', "title:x AND (y OR", "*", "???", "a" * 400, "<script>alert(1)</script>",
    "\x00\x1f控制", "field:[a TO b]", "--", '"" ""', "NOT OR AND", "海关 -海关",
])
def test_hostile_queries_are_answered(client, q):
    r = client.get("/api/search", query_string={"q": q})
    assert r.status_code in (200, 400)
    body = r.get_json()
    assert ("hits" in body) if r.status_code == 200 else ("error" in body)
    assert r.mimetype == "application/json"
    page = client.get("/search", query_string={"q": q})
    assert page.status_code in (200, 400)
    assert "<script>" not in page.get_data(as_text=True)


@pytest.mark.parametrize("params,needle", [
    ({"page": "abc"}, "page"), ({"per_page": "1000"}, "per_page"), ({"year": "20x5"}, "year"),
    ({"lang": "fr"}, "lang"), ({"sort": "random"}, "sort"), ({"q": "x" * 600}, "too long"),
    ({"partner": "<b>"}, "partner"),
])
def test_bad_parameters_get_a_400_saying_why(client, params, needle):
    r = client.get("/api/search", query_string=params)
    assert r.status_code == 400
    assert needle in r.get_json()["error"]


def test_unknown_partner_id_matches_nothing(client):
    res = search(client, partner="ZZZ")
    assert res["total"] == 0
    assert any(f["value"] == "ZZZ" and f["selected"] for f in res["facets"]["partner"])
