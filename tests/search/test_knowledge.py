"""The knowledge base: a partner's or topic's story in the archive, year by year (indexer/search/knowledge.py),
as the JSON API serves it (web/api_json.py)."""
import re

import pytest

from indexer.search.chronicle import around, attributed_years
from indexer.search.knowledge import get_knowledge
from web.api_json import browse_json, entity_json, snippet_html


class Served:
    """The knowledge base as /api/partner, /api/topic and /api/browse answer."""

    def __init__(self, know):
        self.know = know

    def entity(self, kind, ident, lang):
        e = self.know.entity(kind, ident)
        return None if e is None else entity_json(e, lang)

    def overview(self, lang):
        return browse_json(self.know, lang)

CAREC_DOC = "carec-ccc4-statement-2005.txt"
GAZETTEER = "customs-gazetteer-international-cooperation-ocr.txt"


@pytest.fixture(scope="module")
def know(sample_index):
    return Served(get_knowledge(sample_index))


def _years(entity):
    return [y["year"] for y in entity["timeline"]]


def test_built_once_per_generation(sample_index, know):
    assert get_knowledge(sample_index) is know.know


def test_carec_partners_cluster_around_2004_to_2006(know):
    for ident in ("CAREC", "KAZ", "AZE", "UZB", "MNG"):
        e = know.entity("partner", ident, "en")
        carec_years = [y["year"] for y in e["timeline"] if any(ev["doc_id"] == CAREC_DOC for ev in y["events"])]
        assert carec_years, ident
        assert all(2004 <= y <= 2006 for y in carec_years), (ident, carec_years)


def test_kazakhstan_from_the_2005_statement_to_the_2018_news(know):
    e = know.entity("partner", "KAZ", "en")
    # 2006: the statement's last paragraph (Kazakhstan to host the fifth CCC meeting in September
    # 2006), which the build used to drop as if it were a copyright notice (issue 14)
    assert _years(e) == [2005, 2006, 2018]
    events_2005 = {ev["doc_id"]: ev for ev in e["timeline"][0]["events"]}
    # the gazetteer's International Customs Day of 26 January 2005 (read column by column since issue 3)
    assert events_2005[GAZETTEER]["dated_by"] != "document"
    carec = events_2005[CAREC_DOC]
    # the statement's paragraph names no year: the document's date places it, and says so
    assert carec["dated_by"] == "document"
    assert "<mark>哈萨克斯坦</mark>" in carec["html"]
    assert carec["url"] == f"/doc/{CAREC_DOC}?partner=KAZ#p-{carec['n']}"
    assert e["counts"] == {"documents": 3, "passages": 5, "years": 3, "undated_passages": 0}
    assert e["labels"] == {"zh": "哈萨克斯坦", "en": "Kazakhstan"}


def test_wco_spans_decades_in_order(know):
    e = know.entity("partner", "WCO", "zh")
    years = _years(e)
    assert years == sorted(years)
    assert years[0] < 1990 and years[-1] >= 2010
    decades = {y // 10 for y in years}
    assert len(decades) >= 4
    assert e["first_year"] == years[0] and e["last_year"] == years[-1]
    assert e["peak_year"] in years


def test_an_event_is_a_dated_excerpt_naming_the_partner_near_its_year(know):
    e = know.entity("partner", "WCO", "en")
    by_year = {y["year"]: y for y in e["timeline"]}
    ev = by_year[2002]["events"][0]
    assert ev["names_year"] and ev["dated_by"] == "passage"
    marks = re.findall(r"<mark>(.*?)</mark>", ev["html"])
    assert "2002" in marks
    assert any(m in ("世界海关组织", "WCO", "海关合作理事会") for m in marks)
    for year in e["timeline"]:
        assert 1 <= len(year["events"]) <= 3
        assert year["passages"] == len(year["events"]) + year["more"]
        assert year["search_url"] == f"/search?partner=WCO&year_from={year['year']}&year_to={year['year']}"


def test_multi_year_passage_counts_only_for_the_year_written_by_the_mention():
    text = "1994年10月，其他会议。 2004年11月22日至23日，世界海关组织和中国海关联合举办知识产权论坛。"
    at = text.index("知识产权")
    assert attributed_years(text, [(at, at + 4)], (1994, 2004)) == (2004,)
    # a range counts as all its years
    span = "2004—2006 年，中国与世界海关组织合作。2010年，其他。"
    assert attributed_years(span, [(span.index("世界"), span.index("世界") + 6)], (2004, 2005, 2006, 2010)) == (2004, 2005, 2006)
    # no mention found (a tag from the catalogue): every year stays
    assert attributed_years(text, [], (1994, 2004)) == (1994, 2004)


def test_ipr_forum_of_2004_is_told_in_2004(know):
    e = know.entity("topic", "ipr", "en")
    y2004 = next(y for y in e["timeline"] if y["year"] == 2004)
    assert any(ev["doc_id"] == GAZETTEER for ev in y2004["events"])
    assert all("知识产权" in ev["html"] or "IPR" in ev["html"] for y in e["timeline"] for ev in y["events"])


def test_related_topics_and_partners_are_counted_over_shared_passages(know, sample_index):
    e = know.entity("partner", "KAZ", "en")
    topics = e["related"]["topics"]
    counts = [t["passages"] for t in topics]
    assert counts == sorted(counts, reverse=True)
    # 3 in the CAREC statement and the 2018 news, 1 in the gazetteer (its 2005 passage names 数据交换)
    assert topics[0]["id"] == "data-exchange" and topics[0]["passages"] == 4
    assert topics[0]["search_url"] == "/search?partner=KAZ&topic=data-exchange"
    assert "KAZ" not in [p["id"] for p in e["related"]["partners"]]
    topic = know.entity("topic", "transit-tir", "en")
    assert "KAZ" in [p["id"] for p in topic["related"]["partners"]]


def test_documents_agree_with_the_search_facet(know, sample_index):
    from indexer.search.request import SearchRequest

    for ident in ("KAZ", "WCO", "ASEAN"):
        e = know.entity("partner", ident, "en")
        result = sample_index.search(SearchRequest(partners=[ident], per_page=100))
        assert {d["doc_id"] for d in e["documents"]} == {h.doc.doc_id for h in result.hits}
        assert e["counts"]["documents"] == result.total
        assert [d["passages"] for d in e["documents"]] == sorted((d["passages"] for d in e["documents"]), reverse=True)


def test_overview_lists_every_tag_with_counts(know, sample_index):
    o = know.overview("en")
    ids = {e["id"] for e in o["organisations"] + o["countries"]}
    assert {"WCO", "CAREC", "KAZ", "ASEAN"} <= ids
    assert {"WCO", "CAREC", "ASEAN"} <= {e["id"] for e in o["organisations"]}
    assert "KAZ" in {e["id"] for e in o["countries"]}
    topics = {e["id"]: e for e in o["topics"]}
    assert "ipr" in topics and topics["ipr"]["url"] == "/topic/ipr"
    from indexer.search.request import SearchRequest

    facet = {v.value: v.count for v in sample_index.search(SearchRequest()).facets["partner"]}
    for e in o["organisations"] + o["countries"]:
        assert e["documents"] == facet[e["id"]], e["id"]
    docs = [e["documents"] for e in o["countries"]]
    assert docs == sorted(docs, reverse=True)


def test_unknown_ids_are_none_and_known_but_absent_ids_are_empty(know):
    assert know.entity("partner", "NOPE", "en") is None
    assert know.entity("topic", "no-such-topic", "en") is None
    assert know.entity("galaxy", "WCO", "en") is None
    fji = know.entity("partner", "FJI", "en")  # Fiji: in the taxonomy, not in the sample archive
    assert fji["counts"]["passages"] == 0 and fji["timeline"] == [] and fji["documents"] == []


def test_snippet_escapes_text_and_marks_only_the_spans():
    text = "<b>x</b> " * 30 + "WCO met in 2005 & agreed"
    at = text.index("WCO")
    html = snippet_html(around(text, [(at, at + 3)], at, 60))
    assert "<mark>WCO</mark>" in html and "&lt;b&gt;" in html and "&amp;" in html
    assert "<b>" not in html and html.startswith("…")
