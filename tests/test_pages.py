"""The HTML pages and the remaining routes of API.md."""
from urllib.parse import quote


def test_search_page_shows_results_facets_and_escapes(client):
    r = client.get("/search", query_string={"q": "哈萨克斯坦", "partner": "KAZ"})
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "<mark>哈萨克斯坦</mark>" in html
    assert "Content-Security-Policy" in r.headers and "unsafe-inline" not in r.headers["Content-Security-Policy"]
    assert 'aria-pressed="true"' in html  # the ticked partner


def test_home_page_browses_everything(client):
    html = client.get("/").get_data(as_text=True)
    assert "中国海关不断深化国际合作" in html and "<title>" in html


def test_doc_page_has_anchors_pages_and_highlight(client):
    r = client.get("/doc/carec-ccc4-statement-2005.txt", query_string={"q": "乌兰巴托"})
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert 'id="p-0"' in html and "<mark>乌兰巴托</mark>" in html


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


def test_healthz(client):
    r = client.get("/healthz")
    assert r.status_code == 200 and r.get_data(as_text=True).strip() == "ok"


def test_interface_language_switch(client):
    zh = client.get("/search", headers={"Accept-Language": "zh-CN,zh;q=0.9"}).get_data(as_text=True)
    en = client.get("/search?ui=en", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "合作方" in zh and "Partner" in en
