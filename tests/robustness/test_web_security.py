"""Web security: data never becomes markup, a strict CSP on every page, no traversal, no debug, loopback only.

A corpus is generated whose file names, titles (first lines, front matter, catalogue, PDF and
Word properties, HTML <title>), text and catalogue fields carry script payloads; every page that
shows them is checked for markup that came from data (see `htmlcheck.py`), while the payloads
must still be visible as text. Path traversal is tried against every route that takes a path,
so a route added later (a download route, say) is covered without editing this file.
"""
from __future__ import annotations

import json
import re
import socket
from pathlib import Path
from urllib.parse import quote

import pytest
from werkzeug.routing import PathConverter

from indexer.config import PROJECT_ROOT, Settings

from . import figures, procs
from .files import docx_bytes, pdf_bytes, write
from .htmlcheck import PROBE_TAG, csp_problems, inspect


def script(k):
    return f"<script>alert('xss-{k}')</script>"


def img(k):
    return f"<img src=x onerror=alert('xss-{k}')>"


def probe(k):
    return f"<{PROBE_TAG} onmouseover=alert('xss-{k}')>hover</{PROBE_TAG}>"


def attr_break(k):
    return f"\" onfocus=\"alert('xss-{k}')\" autofocus x=\""


def json_break(k):
    return f"</script><script>alert('xss-{k}')</script>"


SECRET = "outsidesecretword"
NAME_DOC = f"{img('name')}.txt"
PROBE_NAME_DOC = f"\"><{PROBE_TAG} onclick=alert('xss-name2')>.md"
PAYLOADS = [script("q"), img("q"), probe("q"), attr_break("q"), json_break("q"), "javascript:alert('xss-q')",
            "{{ 7*7 }}", "'\"><!--", "%3Cscript%3E"]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A corpus full of payloads, built, and a client of the app over it."""
    from app import create_app
    from indexer.index.build import build

    root = tmp_path_factory.mktemp("hostile")
    corpus, outside = root / "corpus", root / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(f"not in the corpus {SECRET}", encoding="utf-8")
    write(corpus / NAME_DOC, "哈萨克斯坦海关代表团来访，payloadword 讨论过境运输。".encode())
    write(corpus / PROBE_NAME_DOC, b"A note on transit payloadword with the World Customs Organization.\n")
    write(corpus / "payload-text.txt", (
        f"{script('title1')} 海关合作纪要\n\n"
        f"2005年，中国海关与哈萨克斯坦海关举行会谈 payloadword {img('body1')} {probe('body2')}。\n\n"
        f"Attribute break-out {attr_break('body3')} and a data block break-out {json_break('body4')} payloadword.\n\n"
        "Template text {{ 7*7 }} and {% raw %} stays text. payloadword\n").encode())
    write(corpus / "payload-front.md", (
        f"---\ntitle: \"{img('fm')}\"\npartners: [KAZ]\n---\n\n"
        f"# Minutes\n\nThe code `{script('md')}` payloadword on AEO mutual recognition.\n").encode())
    write(corpus / "catalogued.txt", "世界海关组织知识产权研讨会纪要 payloadword。".encode())
    (corpus / "catalog.csv").write_text(
        "path,title,source_url,notes\n"
        f"catalogued.txt,\"{json_break('cat').replace(chr(34), chr(34) * 2)}\",javascript:alert('xss-url'),"
        f"\"{probe('notes')}\"\n", encoding="utf-8")
    write(corpus / "saved page.html", (
        f"<html><head><title>&lt;{PROBE_TAG} onclick=alert('xss-htmltitle')&gt;</title></head><body>"
        "<p>Customs news payloadword: the single window reform &lt;script&gt;alert('xss-htmlbody')&lt;/script&gt;"
        " reached every port of the region this year.</p></body></html>").encode())
    write(corpus / "word.docx", docx_bytes([f"Word minutes payloadword {img('docxbody')} on enforcement."],
                                           title=script("docx")))
    write(corpus / "report.pdf", pdf_bytes([[f"Report payloadword {script('pdfbody')}"]], title=probe("pdf")))
    (corpus / "outside.txt").symlink_to(outside / "secret.txt")
    settings = Settings.from_env(corpus, root / "index")
    report = build(settings, log=lambda *_: None, quiet=True)
    assert {f["path"] for f in report.failed} == {"outside.txt"}
    app = create_app(settings)
    app.config["TESTING"] = False  # the real error handlers
    return {"app": app, "client": app.test_client(), "corpus": corpus, "outside": outside,
            "doc_ids": sorted(d.doc_id for d in app.extensions["index"].get().backend.documents())}


def _pages(h) -> list[str]:
    """Every page that shows the payloads (or the query typed)."""
    urls = ["/", "/search", "/search?q=payloadword", "/search?q=payloadword&ui=zh", "/search?q=payloadword&sort=date",
            "/search?q=xss", "/search?q=alert", "/search?partner=KAZ&ui=en", "/search?q=payloadword&per_page=1&page=2",
            "/search?q=payloadword&topic=aeo&year=2005&lang=zh"]
    urls += ["/search?q=" + quote(p) for p in PAYLOADS]
    urls += [r.rule for r in h["app"].url_map.iter_rules() if "GET" in r.methods and not r.arguments]  # pages added later
    for doc_id in h["doc_ids"]:
        urls += [f"/doc/{quote(doc_id)}", f"/doc/{quote(doc_id)}?q=payloadword", f"/doc/{quote(doc_id)}?q=" + quote(script("dq"))]
    # error pages that echo what was asked
    urls += ["/search?page=" + quote(script("err1")), "/search?partner=" + quote(img("err2")),
             "/search?q=" + quote("x" * 600 + script("err3")), "/doc/" + quote(script("err4")), "/nowhere" + quote(img("err5"))]
    return urls


def test_payloads_are_escaped_on_every_page_and_the_csp_is_strict(hostile):
    client = hostile["client"]
    checked, statuses = 0, set()
    for url in _pages(hostile):
        r = client.get(url)
        assert r.status_code < 500, url
        statuses.add(r.status_code)
        if r.mimetype != "text/html":
            if url.startswith("/search."):  # exports: never sniffed as HTML
                assert r.mimetype in ("text/csv", "application/json") and r.headers.get("X-Content-Type-Options") == "nosniff"
                continue
            assert not url.startswith(("/search", "/doc/")), f"{url}: {r.mimetype}"
            continue  # /api/..., /healthz
        html = r.get_data(as_text=True)
        problems, _text = inspect(html)
        assert not problems, f"{url}: {problems}"
        assert not csp_problems(r.headers.get("Content-Security-Policy")), (url, r.headers.get("Content-Security-Policy"))
        assert r.headers.get("X-Content-Type-Options") == "nosniff"
        assert "Traceback" not in html
        checked += 1
    # not vacuous: the payloads reached the pages, as text
    _p, text = inspect(client.get("/search?q=payloadword").get_data(as_text=True))
    for k in ("title1", "fm", "cat", "docx", "pdf", "htmltitle"):
        assert f"xss-{k}" in text, f"payload {k} is not shown on the search page"
    for doc_id in (NAME_DOC, PROBE_NAME_DOC):  # file names are shown as the source of a document
        assert doc_id in inspect(client.get(f"/doc/{quote(doc_id)}").get_data(as_text=True))[1]
    _p, text = inspect(client.get(f"/doc/{quote('payload-text.txt')}").get_data(as_text=True))
    assert f"{img('body1')}" in text and "{{ 7*7 }}" in text and "{% raw %}" in text
    _p, text = inspect(client.get(f"/doc/{quote('catalogued.txt')}").get_data(as_text=True))
    assert "alert('xss-url')" in text  # a javascript: source URL is shown, never linked
    figures.record("web security", html_pages_checked=checked, statuses_seen=sorted(statuses))


def test_the_checker_catches_raw_payloads():
    for raw in [script("t"), img("t"), probe("t"), "<a href=\"javascript:alert('xss-t')\">x</a>",
                f'<script type="application/json">{{"a": "{json_break("t")}"}}</script>', "<iframe src=/x>",
                '<script src="https://cdn.example/x.js"></script>']:
        assert inspect(f"<p>{raw}</p>")[0], raw
    escaped = "".join(PAYLOADS).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert inspect(f"<p>{escaped}</p>") == ([], "".join(PAYLOADS))
    assert inspect('<script src="/static/app.js"></script><script type="application/json">{"a": 1}</script>')[0] == []


def test_facet_labels_with_markup_are_escaped(hostile, monkeypatch):
    from indexer.analysis.taxonomy import Entry

    original = Entry.label
    monkeypatch.setattr(Entry, "label", lambda self, lang=None: probe("label") + original(self, lang))
    client = hostile["client"]
    for url in ["/search?q=payloadword", "/search?partner=KAZ", f"/doc/{quote('payload-text.txt')}"]:
        html = client.get(url).get_data(as_text=True)
        problems, text = inspect(html)
        assert not problems, f"{url}: {problems}"
        assert "xss-label" in text, url
    body = client.get("/api/search?q=payloadword").get_json()
    assert any("xss-label" in f["label"] for f in body["facets"]["partner"])  # JSON carries the raw string


def test_json_api_marks_only_and_is_never_sniffed_as_html(hostile):
    client = hostile["client"]
    excerpts = 0
    for q in ["payloadword", "xss", "alert", script("q")]:
        r = client.get("/api/search", query_string={"q": q, "per_page": 100})
        assert r.status_code == 200 and r.mimetype == "application/json"
        assert r.headers.get("X-Content-Type-Options") == "nosniff"
        for hit in r.get_json()["hits"]:
            for e in hit["excerpts"]:
                assert "<" not in re.sub(r"</?mark>", "", e["html"]), e["html"]
                excerpts += 1
    assert excerpts >= 5
    for doc_id in hostile["doc_ids"]:
        r = client.get(f"/api/doc/{quote(doc_id)}")
        assert r.status_code == 200 and r.mimetype == "application/json", doc_id
    figures.record("web security", json_excerpts_checked=excerpts)


TRAVERSALS = [
    "../app.py", "../../app.py", "../../../../../../etc/passwd", "%2e%2e/app.py", "%2e%2e%2fapp.py",
    "..%2f..%2f..%2f..%2fetc%2fpasswd", "%252e%252e%252fapp.py", "/etc/passwd", "%2Fetc%2Fpasswd",
    "..\\..\\app.py", "..%5c..%5capp.py", "....//....//etc/passwd", "outside.txt", "outside.txt/..",
    "%00", "payload-text.txt%00.pdf", "./payload-text.txt/../../app.py", "../index/current/docs.sqlite",
    "..;/app.py", "%c0%ae%c0%ae/app.py", "\u2025/app.py",
]


def _path_routes(app) -> list[str]:
    """URL prefixes of every route that takes a path: today /doc/, /api/doc/, /static/; tomorrow more."""
    prefixes = []
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and any(isinstance(c, PathConverter) for c in rule._converters.values()):
            prefixes.append(rule.rule.split("<", 1)[0])
    return sorted(set(prefixes))


def test_path_traversal_gets_404_on_every_route_that_takes_a_path(hostile):
    app, client = hostile["app"], hostile["client"]
    routes = _path_routes(app)
    assert {"/doc/", "/api/doc/"} <= set(routes)
    secrets = [SECRET, "root:x:0:", "def create_app", "SQLite format"]
    absolute = [str(hostile["corpus"] / "payload-text.txt"), str(hostile["outside"] / "secret.txt"),
                str(PROJECT_ROOT / "app.py")]
    tried = 0
    for prefix in routes:
        for attempt in TRAVERSALS + absolute:
            url = prefix + attempt
            r = client.get(url, follow_redirects=True)
            body = r.get_data(as_text=True)
            assert r.status_code == 404, f"{url}: {r.status_code}"
            assert not any(s in body for s in secrets), url
            assert "Traceback" not in body
            tried += 1
    # the documents themselves are still there
    assert client.get(f"/doc/{quote('payload-text.txt')}").status_code == 200
    figures.record("web security", path_routes=routes, traversal_requests=tried)


def test_app_is_never_in_debug_mode(sample_settings, monkeypatch):
    import app as app_module
    from app import create_app

    assert app_module.app.debug is False
    monkeypatch.setenv("FLASK_DEBUG", "1")  # left over in a developer's shell
    assert create_app(sample_settings).debug is False


def _listening(port: int) -> set[str]:
    """Local addresses listening on a TCP port, from /proc/net/tcp and tcp6."""
    out = set()
    for name in ("tcp", "tcp6"):
        path = Path("/proc/net") / name
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            addr, port_hex = fields[1].rsplit(":", 1)
            if int(port_hex, 16) != port or fields[3] != "0A":
                continue
            raw = bytes.fromhex(addr)
            if len(raw) == 4:
                out.add(socket.inet_ntop(socket.AF_INET, raw[::-1]))
            else:
                words = b"".join(raw[i:i + 4][::-1] for i in range(0, 16, 4))
                out.add(socket.inet_ntop(socket.AF_INET6, words))
    return out


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="needs Linux /proc to see listening sockets")
def test_python_app_py_serves_with_waitress_on_loopback_only(sample_settings, sample_index):
    with procs.served(sample_settings.index_dir, sample_settings.corpus_dir, host=None,
                      extra_env={"FLASK_DEBUG": "1"}) as (host, port, _p):
        assert _listening(port) == {"127.0.0.1"}  # HOST unset: loopback only
        status, headers, body = procs.get(host, port, "/api/search?q=" + quote("海关"))
        assert status == 200
        assert headers.get("server") == "customs-archive"  # waitress, not the Werkzeug development server
        assert not body.startswith(b"{\n")  # debug mode would pretty-print JSON
        assert json.loads(body)["total"] >= 1
    with procs.served(sample_settings.index_dir, sample_settings.corpus_dir, host="127.0.0.2") as (host, port, _p):
        assert _listening(port) == {"127.0.0.2"}  # HOST says otherwise: served there


def test_make_run_serves_app_py_without_debug():
    import subprocess

    makefile = (PROJECT_ROOT / "Makefile").read_text()
    assert re.search(r"^HOST \?= 127\.0\.0\.1$", makefile, re.M)
    p = subprocess.run(["make", "-n", "run"], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60,
                       env=procs.env())
    assert p.returncode == 0, p.stderr
    assert re.search(r"python app\.py\s*$", p.stdout, re.M), p.stdout
    assert not re.search(r"flask run|--debug|FLASK_DEBUG|debug=True", p.stdout), p.stdout


ODD_NAMES = ["two\nlines.txt", "back\\slash.txt", "tab\tand spaces .txt", "quote\"and'apostrophe.txt",
             "percent%20and#hash?.txt", "中文 名字.txt"]


@pytest.fixture(scope="module")
def odd(tmp_path_factory):
    """A corpus of files whose names hold what a file system allows and URLs make awkward."""
    from app import create_app
    from indexer.config import Settings
    from indexer.index.build import build

    corpus = tmp_path_factory.mktemp("odd") / "corpus"
    for i, name in enumerate(ODD_NAMES):
        write(corpus / name, f"Odd name record {i}: customs cooperation oddword{i}.".encode())
    settings = Settings.from_env(corpus, corpus.parent / "index")
    report = build(settings, log=lambda *_: None, quiet=True)
    assert report.failed == [] and report.added == len(ODD_NAMES)
    return create_app(settings).test_client()


@pytest.mark.parametrize("name", ODD_NAMES)
def test_any_name_the_file_system_allows_is_served(odd, name):
    path = quote(name, safe="/")
    assert odd.get(f"/api/doc/{path}").get_json()["doc_id"] == name
    page = odd.get(f"/doc/{path}")
    assert page.status_code == 200 and "Traceback" not in page.get_data(as_text=True)
    f = odd.get(f"/file/{path}?download=1")
    assert f.status_code == 200 and f.data.startswith(b"Odd name record")
    # the search links to it, percent-encoded, and the link leads to it
    hit = odd.get("/api/search", query_string={"q": f"oddword{ODD_NAMES.index(name)}"}).get_json()["hits"][0]
    assert hit["doc_id"] == name and odd.get(hit["url"].split("#")[0]).status_code == 200


def test_links_are_never_built_from_the_host_header(hostile):
    client = hostile["client"]
    headers = {"Host": "evil.example"}
    csv_body = client.get("/search.csv?q=payloadword", headers=headers).get_data(as_text=True)
    doc = client.get(f"/doc/{quote(hostile['doc_ids'][0])}", headers=headers).get_data(as_text=True)
    for body in (csv_body, doc):
        assert "evil.example" not in body
    assert "/doc/" in csv_body  # relative links without PUBLIC_URL


def test_links_start_with_the_configured_public_url(hostile, monkeypatch):
    from dataclasses import replace

    app = hostile["app"]
    monkeypatch.setitem(app.config, "SETTINGS", replace(app.config["SETTINGS"], public_url="https://archive.example.org"))
    csv_body = app.test_client().get("/search.csv?q=payloadword", headers={"Host": "evil.example"}).get_data(as_text=True)
    assert "https://archive.example.org/doc/" in csv_body and "evil.example" not in csv_body
