"""The pages in a real browser (Chromium driven by Playwright) against a real server (waitress).

Skipped, with the reason, when /usr/bin/chromium is missing (`make browser-deps` installs it as
root). Screenshots of the search and partner pages land in tests/artifacts/.
"""
import re
from urllib.parse import parse_qsl, urlsplit

import pytest

from indexer.config import PROJECT_ROOT
from tests.web import browsers

pytestmark = pytest.mark.browser
sync_api = browsers.require_chromium()


@pytest.fixture(scope="module")
def server(sample_settings, sample_index):
    """The app served by waitress on a free port of 127.0.0.1, in a thread."""
    from app import create_app

    with browsers.served(create_app(sample_settings)) as url:
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


def query(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query)


def total(pg) -> int:
    return int(pg.locator("strong.total").get_attribute("data-total"))


def tick(pg, facet: str, name: str, value: str) -> None:
    """Find a value with the facet's filter box and tick it (the page reloads with the new search)."""
    pg.fill(f"#ff-{facet}", name)
    box = pg.locator(f'form.facet-form input[name="{facet}"][value="{value}"]')
    with pg.expect_navigation():
        box.click()


def test_search_tick_two_partners_remove_one_pick_a_year_and_open_the_passage(page, server):
    page.goto(f"{server}/search?ui=en")
    assert page.title().startswith("5 documents found")
    page.fill("#q", "海关")
    with page.expect_navigation():
        page.press("#q", "Enter")
    assert ("q", "海关") in query(page.url)
    all_docs = total(page)

    tick(page, "partner", "kazak", "KAZ")
    assert ("partner", "KAZ") in query(page.url)
    only_kaz = total(page)
    tick(page, "partner", "central asia", "CAREC")
    assert {("partner", "KAZ"), ("partner", "CAREC")} <= set(query(page.url))
    assert page.locator('form.facet-form input[name="partner"][value="KAZ"]').is_checked()
    both = total(page)
    assert only_kaz <= both <= all_docs  # OR within a facet
    assert page.locator(".constraints .chip").count() == 3  # the words and two partners
    page.screenshot(path=str(browsers.artifact("search-desktop.png")), full_page=True)

    with page.expect_navigation():
        page.click('a.chip-remove[aria-label="Remove Partner Kazakhstan"]')
    q = query(page.url)
    assert ("partner", "CAREC") in q and ("partner", "KAZ") not in q and ("q", "海关") in q
    assert not page.locator('form.facet-form input[name="partner"][value="KAZ"]').is_checked()

    bar = page.locator("svg.histogram a.bar").first
    label = bar.get_attribute("aria-label")
    year = label.split(":")[0].split("–")[0]
    with page.expect_navigation():
        bar.click()
    q = dict(query(page.url))
    assert q["year_from"] == year and q["partner"] == "CAREC"
    assert total(page) >= 1
    assert page.locator(".constraints .chip-value", has_text=re.compile(year)).count() == 1

    anchor = page.locator(".hit .excerpt a.anchor").first
    href = anchor.get_attribute("href")
    n = href.rsplit("#p-", 1)[1]
    with page.expect_navigation():
        anchor.click()
    assert page.url.endswith(f"#p-{n}") and "/doc/" in page.url
    target = page.locator(f"#p-{n}")
    box = target.bounding_box()
    assert 0 <= box["y"] < 900  # the browser brought the passage into view
    assert target.locator("mark").count() >= 1  # the search words are marked there

    page.go_back()  # every state is a URL: back returns to the search
    assert ("year_from", year) in query(page.url) and total(page) >= 1


def test_switch_language_is_kept(page, server):
    page.goto(f"{server}/search?q=WCO&partner=WCO")
    assert page.locator("html").get_attribute("lang") == "en"  # from the browser's Accept-Language
    with page.expect_navigation():
        page.click("a.langswitch")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert {("q", "WCO"), ("partner", "WCO"), ("ui", "zh")} <= set(query(page.url))
    assert page.locator("fieldset[data-facet=partner] legend").inner_text().startswith("合作方")
    page.goto(f"{server}/partner/KAZ")  # no ?ui=: the cookie keeps the choice
    assert page.locator("h1").inner_text().startswith("哈萨克斯坦")
    assert page.locator("#h-timeline").inner_text() == "大事记"


def test_partner_page_timeline_and_screenshot(page, server):
    page.goto(f"{server}/partner/WCO?ui=en")
    assert page.title().startswith("World Customs Organization")
    years = [int(y) for y in page.locator(".tl-year .tl-y").evaluate_all("els => els.map(e => e.firstChild.textContent)")]
    assert years == sorted(years) and years[0] < 1990 and years[-1] >= 2010
    page.screenshot(path=str(browsers.artifact("partner-desktop.png")), full_page=True)
    # a bar of the chart takes the reader to that year of the timeline
    bar = page.locator("svg.histogram a.bar").last
    bar.click()
    page.wait_for_url(re.compile(r"#y-\d{4}$"), timeout=5000)  # a jump within the page reaches Python after the click
    # an event of the chronicle opens its source passage
    event = page.locator(".event-item .source a").first
    href = event.get_attribute("href")
    with page.expect_navigation():
        event.click()
    n = href.rsplit("#p-", 1)[1]
    assert page.locator(f"#p-{n} mark").count() >= 1  # the partner's name marked in the passage


def test_keyboard_only_filtering_keeps_focus(page, server):
    page.goto(f"{server}/search?ui=en")
    page.focus('form.facet-form input[name="topic"][value="capacity-building"]')
    with page.expect_navigation():
        page.keyboard.press("Space")
    assert ("topic", "capacity-building") in query(page.url)
    focused = page.evaluate("document.activeElement.name + '=' + document.activeElement.value")
    assert focused == "topic=capacity-building"  # focus comes back to the box just ticked


def test_document_match_keys_and_copying_a_citation(page, server, browser):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    page.goto(f"{server}/doc/carec-ccc4-statement-2005.txt?partner=KAZ&ui=en")
    # history.pushState reaches Playwright's page.url after the key press returns: wait for it
    page.keyboard.press("n")
    page.wait_for_url(re.compile(r"#p-4$"), timeout=5000)
    page.keyboard.press("n")
    page.wait_for_url(re.compile(r"#p-5$"), timeout=5000)
    page.keyboard.press("p")
    page.wait_for_url(re.compile(r"#p-4$"), timeout=5000)
    cite = page.locator("#p-4 details.cite")
    cite.locator("summary").click()
    cite.locator("button.copy").click()
    expect = page.locator("#cite-4").inner_text().strip()
    assert page.evaluate("navigator.clipboard.readText()") == expect
    assert "§5" in expect and "2005-09-07" in expect and "127.0.0.1" not in expect  # #p-4 is labelled §5


def test_works_without_javascript(browser, server):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900}, locale="en-US")
    pg = context.new_page()
    pg.goto(f"{server}/search?q=海关")
    pg.locator("details.more").first.locator("summary").click()  # "more" is a plain <details>
    pg.check('form.facet-form input[name="partner"][value="KAZ"]')
    pg.check('form.facet-form input[name="partner"][value="CAREC"]')
    pg.fill("#year_from", "2004")
    with pg.expect_navigation():
        pg.click("button.apply")
    q = query(pg.url)  # blank fields are dropped by a redirect: a clean, shareable URL
    assert {("partner", "KAZ"), ("partner", "CAREC"), ("year_from", "2004")} <= set(q)
    assert not any(v == "" for _k, v in q)
    context.close()


def test_readable_on_a_phone(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, locale="zh-CN")
    pg = context.new_page()
    for url, shot in [("/search?q=知识产权&partner=WCO", "search-phone.png"), ("/partner/KAZ", "partner-phone.png"),
                      ("/doc/carec-ccc4-statement-2005.txt?q=乌兰巴托", None), ("/browse", None)]:
        pg.goto(server + url)
        width = pg.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (url, width)  # nothing wider than the screen
        if shot:
            pg.screenshot(path=str(browsers.artifact(shot)), full_page=True)
    pg.goto(server + "/search?q=知识产权")
    panel = pg.locator("details.filters-panel")
    assert panel.get_attribute("open") is None  # filters folded away on a phone
    panel.locator("summary.filters-toggle").click()
    assert pg.locator("fieldset[data-facet=partner]").is_visible()
    context.close()


def test_events_register_filters_and_opens_a_passage(page, server):
    shots = PROJECT_ROOT / "docs" / "screenshots"
    page.goto(f"{server}/events?ui=en")
    everything = total(page)
    assert everything > 20 and page.locator("li.event-item").count() == 20  # a page of twenty
    box = page.locator('form.facet-form input[name="kind"][value="meeting"]')
    with page.expect_navigation():
        box.click()  # ticking a box applies it at once
    assert ("kind", "meeting") in query(page.url)
    meetings = total(page)
    assert 0 < meetings < everything
    kinds = page.locator("li.event-item .ev-kind").all_inner_texts()
    assert kinds and set(kinds) == {"Meeting, forum or conference"}
    page.screenshot(path=str(shots / "events-en.png"), full_page=False)
    bar = page.locator("svg.histogram a.bar").first
    with page.expect_navigation():
        bar.click()
    q = dict(query(page.url))
    assert q["kind"] == "meeting" and "year_from" in q and "year_to" in q
    source = page.locator("li.event-item .source a").first
    href = source.get_attribute("href")
    with page.expect_navigation():
        source.click()
    assert page.url.endswith(href) and page.locator(f"#p-{href.rsplit('#p-', 1)[1]}").is_visible()


def test_events_register_in_chinese_and_without_javascript(browser, server):
    shots = PROJECT_ROOT / "docs" / "screenshots"
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900}, locale="zh-CN")
    pg = context.new_page()
    pg.goto(f"{server}/events")
    assert pg.locator("html").get_attribute("lang") == "zh-Hans"
    assert pg.locator("h1").inner_text().startswith("大事记")
    pg.check('form.facet-form input[name="kind"][value="agreement"]')
    pg.check('form.facet-form input[name="kind"][value="accession"]')
    pg.fill("#ev-from", "1980")
    with pg.expect_navigation():
        pg.click("button.apply")
    q = query(pg.url)
    assert {("kind", "agreement"), ("kind", "accession"), ("year_from", "1980")} <= set(q)
    dates = pg.locator("li.event-item .ev-date").all_inner_texts()
    assert dates and all(d[:4] >= "1980" for d in dates)
    assert set(pg.locator("li.event-item .ev-kind").all_inner_texts()) <= {"签署协议、备忘录或安排", "加入"}
    pg.screenshot(path=str(shots / "events-zh-nojs.png"), full_page=False)
    context.close()
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="zh-CN")
    pg = phone.new_page()
    for url in ["/events", "/partner/CAREC"]:
        pg.goto(server + url)
        assert pg.evaluate("document.documentElement.scrollWidth") <= 390, url
    pg.goto(server + "/partner/CAREC")
    pg.screenshot(path=str(shots / "chronicle-phone.png"), full_page=False)
    phone.close()



def test_the_page_says_what_happened_to_a_search(page, server):
    """A respelling offered as a link with its count, a relaxed match and the words it lacks, expansions."""
    shots = PROJECT_ROOT / "docs" / "screenshots"
    page.goto(f"{server}/search?q=rules+of+orgin&ui=en")
    suggestion = page.locator("p.suggestion a.respelled")
    assert suggestion.inner_text() == "rules of origin"
    assert "document" in page.locator("p.suggestion .count").inner_text()
    page.screenshot(path=str(shots / "search-did-you-mean.png"), full_page=False)
    suggestion.click()
    page.wait_for_load_state()
    assert int(page.locator("strong.total").get_attribute("data-total")) >= 2
    assert "Also searched" in page.locator("p.expansions").inner_text()

    page.goto(f"{server}/search?q=symposium+risk+management+kazakhstan&expand=0&ui=en")
    assert page.locator("p.relaxed").is_visible()
    missing = page.locator("p.missing").first.inner_text()
    assert "Missing" in missing and "kazakhstan" in missing
    page.screenshot(path=str(shots / "search-relaxed.png"), full_page=False)
