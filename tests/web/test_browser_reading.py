"""Reading the source in a real browser (Chromium via Playwright, against waitress): the PDF opened in
the browser's own viewer at the passage's page, "more like this", and the page fixes of issue 16.

Skipped, with the reason, when /usr/bin/chromium is missing (`make browser-deps`). Screenshots go
to tests/artifacts/ (the ones in docs/screenshots/ are copies of these).
"""
import re

import pytest

from tests.web import browsers
from tests.web.conftest import GBK, PLAN

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
CAREC = "carec-ccc4-statement-2005.txt"
GAZETTEER = "customs-gazetteer-international-cooperation-ocr.txt"

pytestmark = pytest.mark.browser
sync_api = browsers.require_chromium()


@pytest.fixture(scope="module")
def server(reading_app):
    """The reading corpus's app served by waitress on a free port of 127.0.0.1, in a thread."""
    with browsers.served(reading_app) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with browsers.chromium(sync_api) as b:
        yield b


@pytest.fixture()
def page(browser):
    context, pg, errors = browsers.new_page(browser)
    yield pg
    context.close()
    assert errors == [], errors  # no script error, no CSP violation


@pytest.fixture()
def phone(browser):
    context, pg, errors = browsers.new_page(browser, locale="zh-CN", **PHONE)
    yield pg
    context.close()
    assert errors == [], errors


def shot(pg, name: str, full_page: bool = True):
    path = browsers.artifact(name)
    pg.screenshot(path=str(path), full_page=full_page)
    return path


def test_a_passage_opens_the_pdf_at_its_page_in_the_browsers_viewer(page, server):
    page.goto(f"{server}/doc/{PLAN}?ui=en")
    shot(page, "doc-pdf-desktop.png")
    downloads = []
    page.on("download", lambda d: downloads.append(d))
    link = page.locator("section.passage", has_text="Revised Kyoto Convention").locator("a.pagelink")
    assert link.inner_text() == "p. 2"
    with page.expect_navigation() as nav:
        link.click()
    response = nav.value
    assert page.url.endswith(f"/file/{PLAN}#page=2")
    assert response.headers["content-type"] == "application/pdf" and downloads == []  # shown, not downloaded
    viewer = next(f for f in _wait_for_frames(page) if f.url.startswith("chrome-extension://"))
    selector = viewer.locator("#pageSelector")
    for _ in range(50):  # the viewer shows 0, then 1, until it has loaded the document and gone to the page
        if selector.input_value(timeout=10_000) == "2":
            break
        page.wait_for_timeout(200)
    assert selector.input_value() == "2"  # the browser's viewer is at page 2
    page.wait_for_timeout(500)  # let the page render for the picture
    shot(page, "viewer-pdf.png")


def _wait_for_frames(pg, timeout_ms=10_000):
    waited = 0
    while waited < timeout_ms and not any(f.url.startswith("chrome-extension://") for f in pg.frames):
        pg.wait_for_timeout(200)
        waited += 200
    return pg.frames


def test_a_text_original_is_read_in_the_browser_as_text(page, server):
    page.goto(f"{server}/doc/{GBK}?ui=en")
    with page.expect_navigation():
        page.click("a.open-original")
    assert page.evaluate("document.contentType") == "text/plain"
    assert "中国海关与哈萨克斯坦海关在霍尔果斯口岸试行联合监管" in page.inner_text("body")  # GBK, readable


def test_more_like_this_from_an_excerpt_to_the_passages_like_it(page, server):
    page.goto(f"{server}/search?q=风险管理&ui=en")
    excerpt = page.locator(".hit", has_text="中亚区域经济合作").locator(".excerpt").first
    with page.expect_navigation():
        excerpt.locator("a.similar-link").click()
    assert "/similar/" in page.url and page.title().startswith("Passages like §")
    assert page.locator(".source-passage").is_visible() and page.locator(".found-by .term").count() >= 3
    hits = page.locator("li.hit")
    assert hits.count() >= 2
    titles = hits.locator(".hit-title").all_inner_texts()
    assert any("ASEAN" in t or "Annual report" in t for t in titles[:2])  # English documents on the same
    shot(page, "similar-desktop.png")
    anchor = hits.first.locator("a.anchor").first
    n = anchor.get_attribute("href").rsplit("#p-", 1)[1]
    with page.expect_navigation():
        anchor.click()
    box = page.locator(f"#p-{n}").bounding_box()
    assert 0 <= box["y"] < 900  # the passage is in view
    with page.expect_navigation():  # and from there, more like that one
        page.locator(f"#p-{n} a.similar-link").click()
    assert page.url.endswith(f"?n={n}") and page.locator("h1").inner_text().startswith(f"Passages like § {int(n) + 1}")


def test_more_like_this_on_a_phone(phone, server):
    phone.goto(f"{server}/similar/{CAREC}?n=4")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the screen
    assert phone.locator("li.hit").count() >= 2
    phone.evaluate("document.querySelector('.toolbar').scrollIntoView()")
    shot(phone, "similar-phone.png", full_page=False)  # one screen: the count and the first likes


@pytest.mark.parametrize("width", [1280, 390, 320])
def test_the_years_of_a_document_never_break_inside_a_number(browser, server, width):
    context, pg, errors = browsers.new_page(browser, **(PHONE | {"viewport": {"width": width, "height": 844}}))
    pg.goto(f"{server}/doc/{GAZETTEER}?ui=en")
    years = pg.locator("dd.years a")
    assert years.count() > 10
    rects = years.evaluate_all("els => els.map(e => [e.textContent, e.getClientRects().length])")
    assert all(re.fullmatch(r"\d{4}", text) and lines == 1 for text, lines in rects), rects
    # the years a passage names, in its margin, break between years only
    spans = pg.locator(".pmeta .years").evaluate_all("els => els.map(e => e.textContent)")
    assert spans and all(re.fullmatch(r"\d{4}(, \d{4})*", s) for s in spans)
    assert pg.evaluate("document.documentElement.scrollWidth") <= width
    if width == 390:
        pg.locator(".meta-block.tags").screenshot(path=str(browsers.artifact("doc-years-phone.png")))
    context.close()
    assert errors == []


def test_passages_count_from_1(page, server):
    page.goto(f"{server}/doc/{CAREC}?ui=en")
    first = page.locator("section.passage").first
    assert first.get_attribute("id") == "p-0" and first.locator("a.pn").inner_text() == "§1"


def test_both_names_on_browse_are_readable(page, server):
    for lang in ("en", "zh"):
        page.goto(f"{server}/browse?ui={lang}")
        item = page.locator(".entity-list li", has=page.locator('a[href="/partner/KAZ"]'))
        name, other = item.locator("a").first, item.locator(".other-name")
        assert other.is_visible() and item.locator("code.ident").inner_text() == "KAZ"
        ids = page.locator("code.ident").evaluate_all("els => els.map(e => [e.textContent, e.getClientRects().length])")
        assert all(lines == 1 for _id, lines in ids), ids  # an id is never broken across lines
        size = lambda loc: float(loc.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
        assert size(other) >= 15 and size(other) >= 0.9 * size(name)  # not tiny type
        assert _contrast(other.evaluate("e => getComputedStyle(e).color")) >= 7  # not faint grey
        if lang == "en":
            shot(page, "browse-desktop.png")


def _contrast(rgb: str) -> float:
    """Contrast ratio of a CSS rgb() colour against white (WCAG)."""
    r, g, b = (int(x) / 255 for x in re.findall(r"\d+", rgb)[:3])
    lum = sum(w * (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4) for w, c in zip((0.2126, 0.7152, 0.0722), (r, g, b)))
    return 1.05 / (lum + 0.05)


def test_on_a_phone_filters_count_filters_not_the_search_words(phone, server):
    phone.goto(f"{server}/search?q=海关")
    toggle = phone.locator("summary.filters-toggle")
    assert toggle.inner_text() == "筛选"
    phone.goto(f"{server}/search?q=海关&partner=KAZ")
    assert toggle.inner_text() == "筛选 (1)"


def test_a_long_query_is_cut_with_a_notice_and_an_empty_page_leads_back(page, server):
    long = "risk management " * 40  # 640 characters
    page.goto(f"{server}/search?q={long.replace(' ', '+')}&ui=en")
    notice = page.locator(".message.notice")
    assert notice.is_visible() and "only its first 500 characters were searched" in notice.inner_text()
    assert len(page.input_value("#q")) <= 500
    page.goto(f"{server}/search?q=Kyoto&page=2&ui=en")
    assert page.locator(".message.empty").is_visible() and "showing" not in page.locator(".summary").inner_text()
    with page.expect_navigation():
        page.click("text=Go to the first page")
    assert page.locator("li.hit").count() >= 1


def test_partner_ids_in_any_case(page, server):
    page.goto(f"{server}/partner/kaz?ui=en")
    assert page.url.endswith("/partner/KAZ?ui=en") and page.locator("h1").inner_text().startswith("Kazakhstan")
