"""The HTML pages, exports and downloads (web/): what a reader sees and where each link leads."""
import csv
import io
import json
import re
import shutil
from dataclasses import replace
from html import unescape
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qsl, quote, urlsplit

import pytest

from indexer.config import PROJECT_ROOT
from tests.conftest import CORPUS

CAREC = "carec-ccc4-statement-2005.txt"


@pytest.fixture(scope="module")
def app(sample_settings, sample_index):
    from app import create_app

    application = create_app(sample_settings)
    application.config["TESTING"] = False  # exercise the real error handlers
    return application


@pytest.fixture()
def client(app):
    """A fresh client per test: a language cookie set by one test does not leak into the next."""
    return app.test_client()


def html_of(client, url, status=200, **kw):
    r = client.get(url, **kw)
    assert r.status_code == status, (url, r.status_code)
    return r.get_data(as_text=True)


def hrefs(html, cls):
    """The href of every link with this class, unescaped."""
    return [unescape(h) for h in re.findall(rf'<a class="{cls}" href="([^"]*)"', html)]


def params(url):
    return parse_qsl(urlsplit(url).query)


def total_of(html):
    return int(re.search(r'data-total="(\d+)"', html).group(1))


# -- a second corpus: a paged PDF, catalogue records, hostile text ---------------------------------
def _pdf(path: Path, pages: list[str]) -> None:
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    for text in pages:
        y = 800
        for line in text.split("\n"):
            c.drawString(72, y, line)
            y -= 16
        c.showPage()
    c.save()


@pytest.fixture(scope="module")
def rich(tmp_path_factory):
    """An app over a small corpus with a two-page PDF, a catalogue and a hostile text file."""
    from app import create_app
    from indexer.config import Settings
    from indexer.index.build import build

    root = tmp_path_factory.mktemp("rich")
    corpus = root / "corpus"
    (corpus / "reports").mkdir(parents=True)
    shutil.copy(CORPUS / CAREC, corpus / CAREC)
    _pdf(corpus / "reports" / "wco-kazakhstan-2010.pdf", [
        "Annual report of the customs service\nThe service reviewed its training programme in 2009.",
        "Cooperation\nIn 2010 the World Customs Organization and Kazakhstan agreed\non data exchange and risk management.",
    ])
    (corpus / "hostile.txt").write_text(
        "Meeting notes\n\nThe <script>alert('x')</script> delegation of the WCO met in March 2011 & agreed on AEO.\n",
        encoding="utf-8")
    (corpus / "catalog.csv").write_text(
        "path,title,date,author,source_url,partners,topics,notes\n"
        f"{CAREC},CAREC customs cooperation committee statement,2005-09-09,CAREC Customs Cooperation Committee,"
        "https://www.carecprogram.org/uploads/2005-CCC4-statement.pdf,KAZ,transit-tir,Archived copy from the ADB\n"
        'hostile.txt,"=HYPERLINK(""http://example.org"")",2011-03-02,,,,,\n', encoding="utf-8")
    outside = root / "outside-secret.txt"
    outside.write_text("SECRET-OUTSIDE-THE-CORPUS", encoding="utf-8")
    settings = Settings.from_env(corpus, root / "index")
    report = build(settings, log=lambda *_: None, quiet=True)
    assert report.failed == [], report.failed
    app = create_app(settings)
    app.config["TESTING"] = False
    return SimpleNamespace(client=app.test_client(), corpus=corpus, root=root, settings=settings, app=app,
                           outside=outside)


# -- the search page ---------------------------------------------------------------------------
def test_search_page_shows_results_facets_and_escapes(client):
    r = client.get("/search", query_string={"q": "哈萨克斯坦", "partner": "KAZ"})
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "<mark>哈萨克斯坦</mark>" in html
    assert "Content-Security-Policy" in r.headers and "unsafe-inline" not in r.headers["Content-Security-Policy"]
    assert re.search(r'name="partner" value="KAZ" checked', html)  # the ticked partner
    assert "<script>" not in html.split("</head>")[1]  # no inline script in the body
    assert not re.search(r"\son[a-z]+=", html)  # no inline event handler
    assert 'style="' not in html  # the CSP forbids inline styles


def test_home_page_browses_everything(client):
    html = html_of(client, "/")
    assert "中国海关不断深化国际合作" in html and "<title>" in html
    assert total_of(html) == 5


def test_constraints_bar_removes_each_filter_and_starts_over(client):
    html = html_of(client, "/search?q=海关&partner=KAZ&partner=WCO&year_from=2004&year_to=2006&ui=en")
    chips = hrefs(html, "chip-remove")
    assert len(chips) == 4  # the words, two partners, the year range
    assert ("q", "海关") not in params(chips[0])
    without_kaz = [u for u in chips if ("partner", "KAZ") not in params(u) and ("partner", "WCO") in params(u)]
    assert len(without_kaz) == 1 and ("year_from", "2004") in params(without_kaz[0])
    without_years = [u for u in chips if not any(k.startswith("year") for k, _ in params(u))]
    assert len(without_years) == 1
    assert '<span class="chip-value">2004–2006</span>' in html
    assert '<a class="startover" href="/search">' in html


def test_two_partners_are_or_within_the_facet_and_counts_drill_sideways(client):
    one = total_of(html_of(client, "/search?partner=KAZ"))
    other = total_of(html_of(client, "/search?partner=CAREC"))
    both = total_of(html_of(client, "/search?partner=KAZ&partner=CAREC"))
    assert one == 3 and other == 1 and both == 3  # Kazakhstan: CAREC statement, 2018 news, gazetteer
    html = html_of(client, "/search?partner=CAREC")
    # ticking CAREC still shows (and counts) the other partners
    assert re.search(r'value="KAZ"> <span class="v">[^<]+</span> <span class="count">3</span>', html)


def test_facets_sorted_by_count_with_the_rest_behind_more(client):
    html = html_of(client, "/search?ui=en")
    section = html.split('data-facet="partner"')[1].split("</fieldset>")[0]
    top, rest = section.split('<details class="more">')
    counts = [int(c) for c in re.findall(r'<span class="count">(\d+)</span>', top)]
    assert len(counts) == 8 and counts == sorted(counts, reverse=True)
    assert "More (" in rest and len(re.findall(r'type="checkbox"', rest)) > 20
    assert 'data-names="mng 蒙古 mongolia"' in rest  # the filter box finds names in both languages
    # a ticked value further down the list stays in view
    html = html_of(client, "/search?partner=VEN&ui=en")
    top = html.split('data-facet="partner"')[1].split('<details class="more">')[0]
    assert 'value="VEN" checked' in top


def test_year_histogram_bars_link_to_their_years(client):
    html = html_of(client, "/search?q=海关&ui=en")
    svg = html.split('<svg class="histogram"')[1].split("</svg>")[0]
    bars = re.findall(r'<a href="([^"]+)" class="bar[^"]*" aria-label="([^"]+)"', svg)
    assert len(bars) >= 5
    href, label = bars[-1]
    p = dict(params(unescape(href)))
    assert p["q"] == "海关" and int(p["year_from"]) <= int(p["year_to"])
    # following a bar narrows the search to those years, and the histogram zooms in
    narrowed = html_of(client, unescape(href))
    assert total_of(narrowed) <= total_of(html)
    assert f'value="{p["year_from"]}"' in narrowed and "All years" in narrowed
    assert '<label for="year_from">From</label>' in html and '<label for="year_to">To</label>' in html


def test_year_bars_are_single_years_when_zoomed(client):
    html = html_of(client, "/search?year_from=2004&year_to=2006&ui=en")
    labels = re.findall(r'class="bar[^"]*" aria-label="([^"]+)"', html)
    assert [lab.split(":")[0] for lab in labels] == ["2004", "2005", "2006"]
    assert all(" on" in c for c in re.findall(r'class="(bar[^"]*)"', html))


def test_sort_per_page_and_pagination(client):
    html = html_of(client, "/search?per_page=2&ui=en")
    assert total_of(html) == 5 and html.count('<li class="hit">') == 2
    pager = html.split('<nav class="pager"')[1].split("</nav>")[0]
    assert 'aria-current="page"' in pager and re.search(r"page=3", pager)
    second = html_of(client, "/search?per_page=2&page=2&ui=en")
    assert 'start="3"' in second and "showing 3–4" in second
    newest = html_of(client, "/search?sort=date&ui=en")
    dates = re.findall(r'<span class="date">([^<]+)</span>', newest)
    dated = [d for d in dates if d[0].isdigit()]
    assert dated == sorted(dated, reverse=True) and len(dated) == 3
    assert re.search(r'<a href="/search\?sort=date" aria-current="true" class="on">Newest</a>', newest)


def test_hits_show_chips_in_ui_language_and_link_to_passages(client):
    html = html_of(client, "/search?q=乌兰巴托&partner=KAZ&ui=en")
    hit = html.split('<li class="hit">')[1]
    assert '<a class="tag partner" href="/partner/KAZ"' in hit
    assert ">Kazakhstan</a>" in hit  # the selected partner first, labelled in English
    anchors = re.findall(r'<a class="anchor" href="([^"]+)"', hit)
    assert anchors and all(unescape(a).startswith(f"/doc/{CAREC}?q=") and "partner=KAZ" in unescape(a) for a in anchors)
    assert re.search(r"#p-\d+$", unescape(anchors[0]))
    zh = html_of(client, "/search?q=乌兰巴托&partner=KAZ&ui=zh")
    assert ">哈萨克斯坦</a>" in zh.split('<li class="hit">')[1]


def test_excerpts_carry_page_numbers(rich):
    html = html_of(rich.client, "/search?q=Kazakhstan&ui=en")
    hit = next(h for h in html.split('<li class="hit">')[1:] if "wco-kazakhstan-2010.pdf" in h)
    # the passage on the document page, and its page in the original (the browser's PDF viewer reads #page=)
    assert re.search(r'#p-\d+" aria-label="[^"]+">§\d+</a> · <a class="pagelink" '
                     r'href="/file/reports/wco-kazakhstan-2010.pdf#page=2" title="Open the original at page 2">p\. 2</a>', hit)


def test_empty_result_says_what_to_do(client):
    html = html_of(client, "/search?q=乌兰巴托&partner=ASEAN&ui=en")
    assert total_of(html) == 0 and "No documents match." in html
    empty = html.split('<section class="message empty">')[1].split("</section>")[0]
    assert "Keep the words, drop every filter (1 document)" in empty
    assert 'href="/search?q=%E4%B9%8C%E5%85%B0%E5%B7%B4%E6%89%98"' in empty
    assert "Browse all partners and topics" in empty


def test_a_page_past_the_end_leads_back(client):
    html = html_of(client, "/search?per_page=2&page=9&ui=en")
    assert "This page is past the last one (3 pages of results)." in html
    assert 'href="/search?per_page=2&amp;page=3">Go to the last page</a>' in html


def test_a_bad_parameter_is_left_out_and_said_in_words(client):
    html = html_of(client, "/search?q=海关&year_from=abc&ui=en")
    assert "Some settings in the address could not be read and were left out: the first year." in html
    shown = unescape(re.sub(r"<[^>]+>", " ", html))
    assert "year_from" not in shown and "Traceback" not in shown  # no parameter names for people
    assert total_of(html) == total_of(html_of(client, "/search?q=海关&ui=en"))  # the search without it


def test_blank_form_fields_redirect_to_the_clean_url(client):
    r = client.get("/search?q=&year_from=&year_to=&partner=KAZ&lang=")
    assert r.status_code == 302 and r.headers["Location"] == "/search?partner=KAZ"


def test_search_box_keeps_the_filters(client):
    html = html_of(client, "/search?q=x&partner=KAZ&sort=date")
    form = html.split('role="search"')[1].split("</form>")[0]
    assert '<input type="hidden" name="partner" value="KAZ">' in form
    assert '<input type="hidden" name="sort" value="date">' in form and 'name="q" value="' not in form.split('id="q"')[0]


# -- exports -----------------------------------------------------------------------------------
def test_csv_export_of_the_whole_result_set(client):
    r = client.get("/search.csv?partner=WCO&per_page=2&page=2&ui=en")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert "attachment" in r.headers["Content-Disposition"]
    text = r.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert len(rows) == 5  # every matching document, not the page
    assert rows[0]["rank"] == "1" and rows[0]["url"].startswith("/doc/")  # relative: PUBLIC_URL is not set
    assert "WCO" in rows[0]["partners"].split(";")
    assert "World Customs Organization" in rows[0]["partner_labels"]
    assert "<mark>" not in text
    same = client.get("/search?format=csv&partner=WCO").get_data(as_text=True)
    assert [r["doc_id"] for r in csv.DictReader(io.StringIO(same[1:]))] == [r["doc_id"] for r in rows]


def test_json_export_matches_the_api_and_says_when_it_is_cut(client, rich, sample_settings):
    full = client.get("/search.json?q=海关").get_json()
    api = client.get("/api/search?q=海关&per_page=100").get_json()
    assert full["total"] == api["total"] == full["exported"] and not full["truncated"]
    assert [h["doc_id"] for h in full["hits"]] == [h["doc_id"] for h in api["hits"]]
    assert client.get("/search?format=json&q=海关").get_json()["total"] == full["total"]
    from app import create_app

    app = create_app(replace(sample_settings, max_export_rows=2))
    small = app.test_client().get("/search.json?q=海关").get_json()
    assert small["exported"] == 2 and small["limit"] == 2 and small["truncated"] and small["total"] == full["total"]


def test_export_bad_parameter_is_a_clear_400(client):
    r = client.get("/search.csv?sort=sideways")
    assert r.status_code == 400 and "sort must be one of" in r.get_data(as_text=True)
    assert client.get("/search.json?page=0").get_json()["error"].startswith("page must be")


def test_csv_cells_never_start_a_formula(rich):
    text = rich.client.get("/search.csv?q=delegation").get_data(as_text=True)
    row = next(csv.DictReader(io.StringIO(text[1:])))
    assert row["title"] == "'=HYPERLINK(\"http://example.org\")"


# -- the document page -------------------------------------------------------------------------
def test_doc_page_has_anchors_pages_and_highlight(client):
    html = html_of(client, f"/doc/{CAREC}", query_string={"q": "乌兰巴托"})
    assert 'id="p-0"' in html and "<mark>乌兰巴托</mark>" in html


def test_doc_page_next_and_previous_match(client):
    html = html_of(client, f"/doc/{CAREC}?partner=KAZ&ui=en")
    nav = html.split('<nav class="matchnav"')[1].split("</nav>")[0]
    # p-8: the statement's last paragraph (Kazakhstan hosts the fifth meeting), no longer dropped (issue 14)
    assert 'data-matches="4 5 8"' in nav and "3 matching passages" in nav
    p4 = html.split('id="p-4"')[1].split("</section>")[0]
    assert "match 1 of 3" in p4 and 'href="#p-5" rel="next"' in p4 and 'rel="prev"' not in p4
    assert "<mark>哈萨克斯坦</mark>" in p4
    p5 = html.split('id="p-5"')[1].split("</section>")[0]
    assert 'href="#p-4" rel="prev"' in p5
    none = html_of(client, f"/doc/{CAREC}?q=zzzzqqq&ui=en")
    assert "No passage of this document matches" in none


def test_doc_page_separates_catalogue_extracted_and_tags(rich):
    html = html_of(rich.client, f"/doc/{CAREC}?ui=en")
    catalog = html.split('class="meta-block catalog"')[1].split("</section>")[0]
    extracted = html.split('class="meta-block extracted"')[1].split("</section>")[0]
    assert "CAREC customs cooperation committee statement" in catalog and "2005-09-09" in catalog
    assert "Archived copy from the ADB" in catalog and 'href="/partner/KAZ"' in catalog
    assert "中亚区域经济合作" in extracted and "2005-09-07" in extracted  # what the file itself says
    assert "<h1>CAREC customs cooperation committee statement</h1>" in html  # the catalogue wins
    plain = html_of(rich.client, "/doc/reports/wco-kazakhstan-2010.pdf?ui=en")
    assert "This file has no catalogue entry." in plain
    assert re.search(r'<a class="page pagelink" href="/file/reports/wco-kazakhstan-2010.pdf#page=2" '
                     r'title="Open the original at page 2">p\. 2</a>', plain)


def _citations(html):
    return {m.group(1): unescape(m.group(2)) for m in re.finditer(r'<p class="citation" id="cite-(\w+)">([^<]+)</p>', html)}


def test_cite_names_issuer_title_date_page_and_the_original_source(rich):
    cites = _citations(html_of(rich.client, f"/doc/{CAREC}?ui=en"))
    whole = cites["doc"]
    assert whole.startswith("CAREC Customs Cooperation Committee. CAREC customs cooperation committee statement. 2005-09-09.")
    assert "https://www.carecprogram.org/uploads/2005-CCC4-statement.pdf (accessed " in whole
    pdf = html_of(rich.client, "/doc/reports/wco-kazakhstan-2010.pdf?ui=en")
    p = next(s for s in pdf.split('<section class="passage')[1:] if "p. 2" in s)
    n = re.search(r'id="p-(\d+)"', p).group(1)
    cite = _citations(pdf)[n]
    assert "p. 2" in cite and "2010" in cite
    # no original source known: no URL at all, never this server, and no empty field
    assert "http" not in cite and "/doc/" not in cite and "accessed" not in cite
    assert ". ." not in cite and ", ," not in cite and not re.search(r"\.\s*\.$", cite)


def test_cite_never_gives_the_local_server_but_a_public_address_when_configured(rich):
    from dataclasses import replace

    from app import create_app

    for url in ["/doc/reports/wco-kazakhstan-2010.pdf", f"/doc/{CAREC}"]:
        html = rich.client.get(url, base_url="http://127.0.0.1:5000").get_data(as_text=True)
        assert all("127.0.0.1" not in c and "localhost" not in c for c in _citations(html).values())
    public = create_app(replace(rich.settings, public_url="https://archive.example.org")).test_client()
    cite = _citations(public.get("/doc/reports/wco-kazakhstan-2010.pdf?ui=en").get_data(as_text=True))["doc"]
    assert "https://archive.example.org/doc/reports/wco-kazakhstan-2010.pdf" in cite


def test_cite_in_chinese_follows_the_titles_language(rich):
    cites = _citations(html_of(rich.client, "/doc/hostile.txt?ui=zh"))
    assert "访问日期" not in cites["doc"]  # no source URL, so no access date
    zh = _citations(html_of(rich.client, f"/doc/{CAREC}?ui=en"))
    assert zh["doc"].startswith("CAREC Customs Cooperation Committee")  # the catalogue title is English


def test_citation_downloads_as_ris_and_bibtex(rich):
    r = rich.client.get(f"/cite/{CAREC}?format=ris")
    assert r.status_code == 200 and r.mimetype == "application/x-research-info-systems"
    assert 'filename="carec-ccc4-statement-2005.ris"' in r.headers["Content-Disposition"]
    ris = r.get_data(as_text=True).splitlines()
    assert ris[0] == "TY  - ELEC" and ris[-1].rstrip() == "ER  -"
    assert "TI  - CAREC customs cooperation committee statement" in ris
    assert "AU  - CAREC Customs Cooperation Committee" in ris and "DA  - 2005/09/09/" in ris
    assert "UR  - https://www.carecprogram.org/uploads/2005-CCC4-statement.pdf" in ris
    pdf = html_of(rich.client, "/doc/reports/wco-kazakhstan-2010.pdf?ui=en")
    page2 = next(s for s in pdf.split('<section class="passage')[1:] if ">p. 2<" in s)
    n = re.search(r'id="p-(\d+)"', page2).group(1)
    bib = rich.client.get(f"/cite/reports/wco-kazakhstan-2010.pdf?format=bib&n={n}").get_data(as_text=True)
    assert bib.startswith("@misc{wcokazakhstan2010,") and "pages = {2}" in bib and "url" not in bib
    assert f"/cite/reports/wco-kazakhstan-2010.pdf?format=bib&amp;n={n}" in pdf  # offered beside the passage
    for bad, status in [("?format=doc", 400), ("?n=9999", 404)]:
        assert rich.client.get(f"/cite/{CAREC}{bad}").status_code == status
    assert rich.client.get("/cite/nothing.txt").status_code == 404


def test_bibtex_escapes_what_latex_would_read():
    from web.citation import Citation, bibtex

    c = Citation(title="Tariffs & fees: 100% {draft}_v2", author="A & B", date="2020-05", lang="en", page=None,
                 article="Article 7", n=None, url="https://x.org/a_b?c=1&d=2", archive_url=None, doc_id="x/y.pdf")
    b = bibtex(c, "2026-01-01")
    assert r"Tariffs \& fees: 100\% \{draft\}\_v2" in b and "{A \\& B}" in b
    assert "note = {Article 7}" in b and "url = {https://x.org/a_b?c=1&d=2}" in b


def test_document_text_is_escaped_everywhere(rich):
    for url in ["/search?q=delegation", "/doc/hostile.txt?q=delegation", "/partner/WCO", "/topic/aeo"]:
        html = html_of(rich.client, url)
        assert "<script>alert" not in html, url
    assert "&lt;script&gt;alert" in html_of(rich.client, "/doc/hostile.txt")


def test_download_serves_the_original_file(rich):
    r = rich.client.get("/file/reports/wco-kazakhstan-2010.pdf?download=1")
    assert r.status_code == 200 and r.data.startswith(b"%PDF")
    assert "attachment" in r.headers["Content-Disposition"] and "wco-kazakhstan-2010.pdf" in r.headers["Content-Disposition"]
    html = html_of(rich.client, f"/doc/{CAREC}?ui=en")
    assert f'<a class="button open-original" href="/file/{CAREC}">Read the original (TEXT, 8.7 kB)</a>' in html
    assert f'<a class="button download" href="/file/{CAREC}?download=1" download>Download</a>' in html


@pytest.mark.parametrize("path", [
    "/file/../app.py", "/file/%2e%2e/app.py", "/file/..%2fapp.py", "/file/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/file//etc/passwd", "/file/%2Fetc%2Fpasswd", "/file/reports/../../outside-secret.txt",
    "/file/catalog.csv", "/file/nothing.txt", "/file/reports", "/file/..\\outside-secret.txt",
])
def test_download_refuses_anything_but_indexed_files_inside_the_corpus(rich, path):
    r = rich.client.get(path, follow_redirects=True)
    assert r.status_code == 404, path
    assert b"SECRET-OUTSIDE" not in r.data and b"Traceback" not in r.data


def test_download_refuses_a_symlink_out_of_the_corpus(rich):
    target = rich.corpus / "hostile.txt"
    saved = target.read_bytes()
    target.unlink()
    target.symlink_to(rich.outside)
    try:
        r = rich.client.get("/file/hostile.txt")
        assert r.status_code == 404 and b"SECRET-OUTSIDE" not in r.data
    finally:
        target.unlink()
        target.write_bytes(saved)
    assert rich.client.get("/file/hostile.txt").status_code == 200


def test_corpus_file_containment():
    from web.files import corpus_file

    root = CORPUS
    assert corpus_file(root, CAREC) == (root / CAREC).resolve()
    for bad in ["", "/etc/passwd", "../app.py", "a/../../app.py", "./" + CAREC, "x\x00y", "..\\app.py"]:
        assert corpus_file(root, bad) is None, bad


# -- partner and topic pages ---------------------------------------------------------------------
def test_partner_page_tells_the_timeline(client):
    html = html_of(client, "/partner/KAZ?ui=en")
    assert "<title>Kazakhstan · Country or territory · Customs Cooperation Archive</title>" in html
    years = re.findall(r'<li class="tl-year" id="y-(\d+)">', html)
    assert years == ["2005", "2006", "2018"]  # 2006: the CAREC statement's last paragraph, kept since issue 14
    events = [unescape(e) for e in re.findall(r'<p class="source"><a href="([^"]+)">', html)]
    assert events[0].startswith("/doc/customs-gazetteer-international-cooperation-ocr.txt?partner=KAZ#p-")
    assert events[1].startswith(f"/doc/{CAREC}?partner=KAZ#p-")
    assert "dated by the document" in html
    assert 'href="/topic/data-exchange"' in html and "Topics most discussed with this partner" in html
    assert 'href="/search?partner=KAZ"' in html
    chart = html.split('<svg class="histogram wide"')[1].split("</svg>")[0]
    assert 'href="#y-2005"' in chart and 'href="#y-2018"' in chart


def test_topic_page_lists_partners_first(client):
    html = html_of(client, "/topic/transit-tir?ui=zh")
    assert "涉及该主题最多的合作方" in html
    assert html.index("涉及该主题最多的合作方") < html.index("相关主题")
    assert re.search(r'<li class="tl-year" id="y-2005">', html)


def test_entity_json_twins(client, sample_index):
    from indexer.search.knowledge import get_knowledge
    from web.api_json import entity_json

    data = client.get("/api/partner/KAZ").get_json()
    from indexer.search.events import get_register

    events = get_register(sample_index).of_entity("partner", "KAZ")
    assert data == json.loads(json.dumps(entity_json(get_knowledge(sample_index).entity("partner", "KAZ"), None, events)))
    assert [e["kind"] for e in data["chronicle"]] == ["meeting"] and data["events_url"] == "/events?partner=KAZ"
    assert data["label"] == "哈萨克斯坦 Kazakhstan"
    topic = client.get("/api/topic/ipr?ui=en").get_json()
    assert topic["kind"] == "topic" and topic["label"] == "IPR protection"
    assert client.get("/api/partner/NOPE").status_code == 404
    assert client.get("/api/topic/%3Cscript%3E").get_json()["error"].startswith("no topic")


def test_unknown_partner_is_a_404_page(client):
    html = html_of(client, "/partner/NOPE?ui=en", status=404)
    assert "No such partner." in html and "Traceback" not in html


def test_browse_lists_partners_and_topics_with_counts(client):
    html = html_of(client, "/browse?ui=en")
    assert '<a href="/partner/WCO">World Customs Organization</a>' in html
    assert '<a href="/topic/ipr">IPR protection</a>' in html
    assert "5 documents · 26 passages · 1950–2017" in html  # the gazetteer's 1950 CCC convention, whole again
    data = client.get("/api/browse").get_json()
    assert data["documents"] == 5 and {"organisations", "countries", "topics"} <= set(data)


# -- languages, errors, the rest of API.md ---------------------------------------------------------
def test_interface_language_switch(client):
    zh = html_of(client, "/search", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    en = html_of(client, "/search?ui=en", headers={"Accept-Language": "zh-CN"})
    assert "合作方" in zh and "Partner" in en
    assert '<html lang="zh-Hans"' in zh and '<html lang="en"' in en


def test_language_choice_is_kept_in_a_cookie_and_the_switch_keeps_the_search(client):
    c = client
    r = c.get("/search?q=WCO&partner=KAZ&ui=zh", headers={"Accept-Language": "en"})
    assert "ui=zh" in r.headers["Set-Cookie"]
    html = html_of(c, "/partner/KAZ", headers={"Accept-Language": "en"})
    assert "大事记" in html  # the cookie wins over the browser's language
    switch = unescape(re.search(r'<a class="langswitch" href="([^"]+)"', r.get_data(as_text=True)).group(1))
    assert sorted(params(switch)) == sorted([("q", "WCO"), ("partner", "KAZ"), ("ui", "en")])


def test_every_page_has_a_title_a_favicon_and_a_language(client):
    for url in ["/", "/search?q=x", f"/doc/{CAREC}", "/partner/WCO", "/topic/ipr", "/browse", "/nowhere"]:
        html = client.get(url).get_data(as_text=True)
        assert re.search(r"<title>[^<]+</title>", html) and 'rel="icon"' in html, url


def test_every_form_control_is_labelled(client):
    html = html_of(client, "/search?q=海关&ui=en")
    ids = set(re.findall(r'<label for="([^"]+)"', html))
    for tag in re.findall(r"<input [^>]*>", html):
        if 'type="hidden"' in tag:
            continue
        m = re.search(r'id="([^"]+)"', tag)
        wrapped = re.search(re.escape(tag), html) and html[: html.index(tag)].rfind("<label>") > html[: html.index(tag)].rfind("</label>")
        assert (m and m.group(1) in ids) or wrapped, tag


def test_strings_complete_in_both_languages():
    from web.i18n import STRINGS

    for key, entry in STRINGS.items():
        assert entry.get("zh") and entry.get("en"), key
        fields = {f for f in re.findall(r"\{(\w+)\}", entry["en"]) if not f.endswith("_s")}
        assert fields == set(re.findall(r"\{(\w+)\}", entry["zh"])), key


def test_every_string_used_exists():
    from web.i18n import STRINGS

    root = PROJECT_ROOT
    used = set()
    for path in list((root / "templates").glob("*.html")) + list((root / "web").glob("*.py")):
        used |= set(re.findall(r"""\bt\(\s*['"]([a-z_]+)['"]""", path.read_text(encoding="utf-8")))
    prefixes = {"facet_", "lang_", "sort_", "field_", "kind_", "error_", "related_", "no_such_", "ek_", "param_"}
    assert {u for u in used if u not in STRINGS} <= prefixes
    from indexer.search.events import KINDS

    assert all("ek_" + k in STRINGS for k in KINDS)  # every event kind is named in both languages
    for combo in ["facet_partner", "facet_topic", "facet_lang", "facet_year", "lang_zh", "lang_en", "sort_relevance",
                  "sort_date", "field_notes", "kind_country", "kind_organisation", "kind_topic", "error_404",
                  "related_partner_topics", "related_partner_partners", "related_topic_partners",
                  "related_topic_topics", "no_such_partner", "no_such_topic"] + \
            ["param_" + k for k in ("q", "year", "year_from", "year_to", "partner", "topic", "lang", "sort", "page",
                                    "per_page", "expand")]:
        assert combo in STRINGS, combo


def test_api_doc(client):
    d = client.get("/api/doc/" + quote("customs-gazetteer-international-cooperation-ocr.txt")).get_json()
    assert set(d) >= {"doc_id", "title", "date", "year", "lang", "partners", "topics", "source", "passages"}
    p = d["passages"][0]
    assert set(p) >= {"n", "text", "page", "years", "partners", "topics"}
    assert [q["n"] for q in d["passages"]] == list(range(len(d["passages"])))


def test_not_found_and_traversal(client):
    for path in ["/doc/../../etc/passwd", "/doc/%2e%2e/app.py", "/api/doc/nothing.txt", "/doc//etc/passwd"]:
        r = client.get(path, follow_redirects=True)
        assert r.status_code == 404, path
        assert "Traceback" not in r.get_data(as_text=True)


def test_healthz_names_the_backend_and_the_generation(client):
    r = client.get("/healthz")
    assert r.status_code == 200 and r.get_data(as_text=True) == "ok local gen-000001\n"


def test_healthz_is_503_with_a_reason_when_nothing_can_serve(tmp_path):
    from app import create_app
    from indexer.config import Settings

    r = create_app(Settings.from_env(CORPUS, tmp_path / "never-built")).test_client().get("/healthz")
    assert r.status_code == 503
    assert r.get_data(as_text=True).startswith("unavailable local: no index has been built yet")


# -- the year histogram (web/histogram.py) --------------------------------------------------------
def _items(counts):
    return [{"value": str(y), "count": c} for y, c in counts.items()]


def test_histogram_bins_a_long_span_and_links_each_bar():
    from web.histogram import build

    h = build(_items({1947: 1, 1983: 2, 2004: 5, 2005: 6, 2020: 1}), None, None, [], lambda a, b: f"{a}-{b}")
    assert len(h.bars) <= 30 and h.bin_size == 5
    assert [b.href for b in h.bars if b.count] == ["1947-1949", "1980-1984", "2000-2004", "2005-2009", "2020-2020"]
    assert (h.lo, h.hi) == (1947, 2020)  # never a year beyond the data, at either end
    tallest = max(h.bars, key=lambda b: b.h)
    assert tallest.lo == 2005 and tallest.count == 6 and tallest.years == [(2005, 6)]
    assert not any(b.selected for b in h.bars)


def test_histogram_zooms_into_a_selected_range_with_single_years():
    from web.histogram import build

    h = build(_items({1947: 1, 2003: 1, 2004: 5, 2005: 6, 2006: 2, 2020: 1}), 2003, 2006, [], lambda a, b: f"{a}-{b}")
    assert h.zoomed and h.bin_size == 1
    assert [(b.lo, b.count, b.selected) for b in h.bars] == [(2003, 1, True), (2004, 5, True), (2005, 6, True), (2006, 2, True)]
    assert [y for _x, y in h.ticks] == [2004, 2005]  # the ends are written beside the chart
    one = build(_items({2004: 5, 2005: 6}), 2005, 2005, [], lambda a, b: "")
    assert not one.zoomed and [b.selected for b in one.bars] == [False, True]
    assert build(_items({}), None, None, [], lambda a, b: "") is None
