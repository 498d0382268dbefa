"""Reading the source: originals shown where the browser can, "more like this" (page and JSON), and
the rough edges of the pages (issue 16). The browser-level checks are in test_browser_reading.py."""
import re
from html import unescape
from urllib.parse import quote

import pytest

from tests.web.conftest import GBK, GBK_TEXT, PLAN

CAREC = "carec-ccc4-statement-2005.txt"
BRIEFING = "china-asean-customs-cooperation-briefing.txt"


@pytest.fixture()
def client(reading_app):
    return reading_app.test_client()


def html_of(client, url, status=200, **kw):
    r = client.get(url, **kw)
    assert r.status_code == status, (url, r.status_code)
    return r.get_data(as_text=True)


def shown(html):
    """The text a reader sees (tags out)."""
    return unescape(re.sub(r"<[^>]+>", " ", html))


def safe_headers(r):
    policy = r.headers["Content-Security-Policy"]
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in policy and "script-src" not in policy and "unsafe-eval" not in policy


# -- the originals -------------------------------------------------------------------------------
def test_a_pdf_opens_in_the_browsers_viewer_and_downloads_beside(client, reading):
    original = (reading[0].corpus_dir / PLAN).read_bytes()
    r = client.get(f"/file/{PLAN}")
    assert r.status_code == 200 and r.mimetype == "application/pdf" and r.data == original
    assert r.headers["Content-Disposition"].startswith("inline")
    safe_headers(r)
    d = client.get(f"/file/{PLAN}?download=1")
    assert d.data == original and d.headers["Content-Disposition"].startswith("attachment")
    assert "action-plan-2010.pdf" in d.headers["Content-Disposition"]


def test_text_is_shown_as_utf8_whatever_its_encoding(client):
    r = client.get(f"/file/{GBK}")
    assert r.status_code == 200 and r.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert r.get_data(as_text=True) == GBK_TEXT  # a GBK file, readable
    assert "sandbox" in r.headers["Content-Security-Policy"]
    safe_headers(r)
    assert client.get(f"/file/{GBK}?download=1").data == GBK_TEXT.encode("gbk")  # the bytes as they are
    md = client.get("/file/notes.md")
    assert md.headers["Content-Type"] == "text/plain; charset=utf-8" and "The *WCO* delegation" in md.get_data(as_text=True)


def test_an_html_original_is_never_served_as_a_page_of_this_site(client):
    r = client.get("/file/saved-page.html")
    assert r.headers["Content-Type"] == "text/plain; charset=utf-8"  # its source, as text
    assert "<script>document.title='pwned'</script>" in r.get_data(as_text=True)
    safe_headers(r)
    d = client.get("/file/saved-page.html?download=1")
    assert d.mimetype == "application/octet-stream" and d.headers["Content-Disposition"].startswith("attachment")
    safe_headers(d)


def test_formats_no_browser_shows_are_downloaded(client):
    r = client.get("/file/memo.docx")
    assert r.headers["Content-Disposition"].startswith("attachment") and r.data[:2] == b"PK"
    assert r.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    html = html_of(client, "/doc/memo.docx?ui=en")
    assert "Read the original" not in html and 'href="/file/memo.docx?download=1" download>Download the original' in html


def test_the_document_page_reads_the_original_and_opens_each_page_there(client):
    html = html_of(client, f"/doc/{PLAN}?ui=en")
    assert f'<a class="button open-original" href="/file/{PLAN}">Read the original (PDF,' in html
    assert f'<a class="button download" href="/file/{PLAN}?download=1" download>Download</a>' in html
    sections = html.split('<section class="passage')[1:]
    assert sections
    for s in sections:
        page = re.search(r'title="Open the original at page (\d+)"', s).group(1)
        assert f'href="/file/{PLAN}#page={page}"' in s
    assert any("#page=2" in s and "Revised Kyoto Convention" in s for s in sections)


def test_search_excerpts_open_the_original_at_their_page(client):
    html = html_of(client, "/search?q=Kyoto+Convention&ui=en")
    hit = next(h for h in html.split('<li class="hit">')[1:] if PLAN in h)
    assert f'<a class="pagelink" href="/file/{PLAN}#page=2" title="Open the original at page 2">p. 2</a>' in hit
    # the table's row is the excerpt, read cell by cell: "Kyoto Convention | Procedures aligned | 2012"
    assert "Align customs procedures with the <mark>Revised Kyoto Convention</mark> | Procedures aligned | 2012" in hit


# -- more like this ------------------------------------------------------------------------------
def test_api_similar_answers_hits_in_the_shape_of_api_search(client):
    r = client.get(f"/api/similar/{CAREC}?n=4")
    assert r.status_code == 200
    data = r.get_json()
    search_hit = client.get("/api/search?q=海关").get_json()["hits"][0]
    assert data["hits"] and all(list(h) == list(search_hit) for h in data["hits"])
    assert all(list(e) == list(search_hit["excerpts"][0]) for h in data["hits"] for e in h["excerpts"])
    assert CAREC not in [h["doc_id"] for h in data["hits"]]
    # a Chinese passage on risk management, data exchange and customs automation with Kazakhstan:
    # the English report and briefing on the same come first, the report ahead, beside the Chinese
    # notice on joint control and risk data with Kazakhstan (its own words, not translations)
    assert {h["doc_id"] for h in data["hits"][:3]} == {PLAN, BRIEFING, GBK} and data["hits"][0]["doc_id"] == PLAN
    assert all(any("<mark>" in e["html"] for e in h["excerpts"]) for h in data["hits"][:3])
    assert data["n"] == 4 and data["url"] == f"/doc/{CAREC}#p-4" and data["total"] >= len(data["hits"])
    terms = {t["term"]: t for t in data["terms"]}
    assert "Risk management" in terms["风险管理"]["also"] and terms["风险管理"]["source"] == "word"
    assert {"partner:KAZ", "partner:ADB"} <= {t["source"] for t in data["terms"]}


def test_api_similar_says_what_is_wrong(client):
    for url, status, needle in [(f"/api/similar/{CAREC}", 400, "n must be a passage number"),
                                (f"/api/similar/{CAREC}?n=abc", 400, "n must be"),
                                (f"/api/similar/{CAREC}?n=99", 404, "no passage 99"),
                                ("/api/similar/nothing.txt?n=0", 404, "no document 'nothing.txt'"),
                                ("/api/similar/nothing.txt", 404, "no document")]:
        r = client.get(url)
        assert r.status_code == status and needle in r.get_json()["error"], url
    assert client.get(f"/api/similar/{quote(PLAN)}?n=0").status_code == 200  # a path with a folder


def test_the_similar_page_shows_the_passage_what_it_was_found_by_and_the_likes(client):
    html = html_of(client, f"/similar/{CAREC}?n=4&ui=en")
    assert "<h1>Passages like § 5 of " in html  # people count from 1: n=4 is § 5
    assert f'<a href="/doc/{CAREC}#p-4">§5</a>' in html
    assert "Found by:" in html and "风险管理 <span class=\"also\">Risk management</span>" in html
    hits = html.split('<li class="hit">')[1:]
    assert len(hits) >= 3 and BRIEFING in hits[0] + hits[1] + hits[2]
    for h in hits:  # each excerpt leads to its passage and to passages like it
        assert re.findall(r'class="similar-link" href="/similar/[^"]+\?n=\d+"', h)
    assert f'href="/api/similar/{CAREC}?n=4">JSON</a>' in html
    missing = html_of(client, f"/similar/{CAREC}?n=99&ui=en", status=404)
    assert "No such passage." in missing and "Traceback" not in missing


def test_every_excerpt_and_every_passage_offers_more_like_this(client):
    html = html_of(client, "/search?q=customs&ui=en")
    excerpts = html.count('<div class="excerpt">')
    links = re.findall(r'<a class="similar-link" href="(/similar/[^"]+)">More like this</a>', html)
    assert excerpts and len(links) == excerpts
    doc = html_of(client, f"/doc/{CAREC}?ui=en")
    n = doc.count('<section class="passage')
    assert n and len(re.findall(rf'class="similar-link" href="/similar/{CAREC}\?n=\d+"', doc)) == n


# -- the rough edges -------------------------------------------------------------------------------
def test_passages_are_labelled_from_1_while_anchors_and_the_api_count_from_0(client):
    html = html_of(client, f"/doc/{CAREC}?ui=en")
    assert re.search(r'<section class="passage" id="p-0" aria-label="§1">\s*<div class="pmeta">\s*'
                     r'<a class="pn" href="#p-0">§1</a>', html)
    assert "§0" not in shown(html)
    assert "，§1。" in shown(html)  # the citation of the first passage (a Chinese title: cited in Chinese)
    api = client.get(f"/api/doc/{CAREC}").get_json()
    assert api["passages"][0]["n"] == 0


def test_a_query_over_the_limit_is_cut_with_a_notice(client):
    long = "乌兰巴托 " + "海关合作" * 200  # 805 characters
    html = html_of(client, "/search", query_string={"q": long, "ui": "en"})
    assert "Your search was longer than 500 characters: only its first 500 characters were searched." in html
    box = unescape(re.search(r'<input id="q" name="q" type="search" value="([^"]*)"', html).group(1))
    assert box == long[:500] and "q" not in re.findall(r"\bq\b", shown(html).split("Your search")[0])
    assert client.get("/api/search", query_string={"q": long}).status_code == 400  # programs are told


def test_a_page_past_the_last_says_so_and_links_back(client):
    html = html_of(client, "/search?q=乌兰巴托&page=2&ui=en")
    assert "This page is past the last one (1 page of results)." in html
    assert "showing" not in shown(html)
    assert '<a href="/search?q=%E4%B9%8C%E5%85%B0%E5%B7%B4%E6%89%98&amp;page=1">Go to the last page</a>' in html


def test_filters_count_only_filters_not_the_search_words(client):
    toggle = re.compile(r'<summary class="filters-toggle">([^<]*)</summary>')
    assert toggle.search(html_of(client, "/search?q=海关&ui=en")).group(1) == "Filters"
    assert toggle.search(html_of(client, "/search?q=海关&expand=0&ui=en")).group(1) == "Filters"
    assert toggle.search(html_of(client, "/search?q=海关&partner=KAZ&year_from=2004&ui=en")).group(1) == "Filters (2)"


@pytest.mark.parametrize("url, location", [
    ("/partner/kaz", "/partner/KAZ"), ("/partner/Kaz?ui=en", "/partner/KAZ?ui=en"),
    ("/topic/IPR", "/topic/ipr"), ("/topic/Rules_Of_Origin", "/topic/rules-of-origin"),
    ("/api/topic/AEO", "/api/topic/aeo"), ("/api/partner/wco", "/api/partner/WCO"),
    ("/partner/capacity-building", "/topic/capacity-building"),  # a topic asked for as a partner
])
def test_partner_and_topic_ids_in_any_case_lead_to_the_canonical_page(client, url, location):
    r = client.get(url)
    assert r.status_code == 301 and r.headers["Location"] == location
    assert client.get(location).status_code == 200


def test_unknown_ids_stay_404(client):
    assert client.get("/partner/nowhere").status_code == 404
    assert client.get("/api/topic/NOPE").get_json()["error"] == "no topic 'NOPE'"


def test_browse_lists_the_ids_with_both_names_and_its_json(client):
    html = html_of(client, "/browse?ui=en")
    assert '<a href="/partner/KAZ">Kazakhstan</a> <span class="other-name" lang="zh-Hans">哈萨克斯坦</span> ' \
           '<code class="ident">KAZ</code>' in html
    assert '<code class="ident">risk-management</code>' in html and '<a href="/api/browse">/api/browse</a>' in html
    zh = html_of(client, "/browse?ui=zh")
    assert '<a href="/partner/KAZ">哈萨克斯坦</a> <span class="other-name" lang="en">Kazakhstan</span>' in zh
    ids = {e["id"] for group in ("organisations", "countries", "topics") for e in client.get("/api/browse").get_json()[group]}
    assert {"KAZ", "WCO", "risk-management"} <= ids


def test_the_years_of_a_document_are_separate_words(client):
    html = html_of(client, "/doc/customs-gazetteer-international-cooperation-ocr.txt?ui=en")
    years = re.search(r'<dd class="years">(.*?)</dd>', html, re.S).group(1)
    links = re.findall(r'<a href="[^"]+">(\d{4})</a>', years)
    assert len(links) > 10 and "</a><a" not in years  # a space between two years: lines break there only


def test_the_build_skips_what_is_not_a_document_and_says_so(reading):
    _settings, report = reading
    assert report.failed == [] and report.skipped == [
        {"path": "LICENSE", "reason": "licence or listing file, not read by design"},
        {"path": "checksums.sha256", "reason": "checksum file (.sha256), not read by design"}]
    # SOURCES.tsv is read as the listing of where documents came from: neither skipped nor failed
    assert all(s["path"] != "SOURCES.tsv" for s in report.skipped + report.failed + report.warnings)


def test_the_timeline_of_a_partner_offers_more_like_each_event(client):
    html = html_of(client, "/partner/KAZ?ui=en")
    events = html.split('<div class="event">')[1:]
    assert events
    for e in events:
        link = re.search(r'<a class="similar-link" href="(/similar/[^"?]+\?n=(\d+))">More like this</a>', e)
        assert link and f"§{int(link.group(2)) + 1}" in e  # the event's own passage, labelled from 1
    pdf = next(e for e in events if PLAN in e)
    assert re.search(rf'<a class="pagelink" href="/file/{PLAN}#page=2" title="Open the original at page 2">p\. 2</a>', pdf)
