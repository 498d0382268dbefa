"""The events register over the sample corpus: /api/events, /events.csv and /events, and the chronicle
of the partner and topic pages (web/events_pages.py, web/knowledge_pages.py)."""
from __future__ import annotations

import csv
import io
import re
from html import unescape

import pytest

from indexer.search.events import KINDS

CAREC = "carec-ccc4-statement-2005.txt"


def events(client, query="", status=200):
    r = client.get("/api/events" + query)
    assert r.status_code == status, r.get_data(as_text=True)
    return r.get_json()


def test_every_event_has_the_documented_shape_and_links_to_its_passage(client):
    data = events(client, "?per_page=100")
    assert data["total"] == len(data["events"]) > 20 and data["page"] == 1
    for e in data["events"]:
        assert re.fullmatch(r"\d{4}(-\d\d(-\d\d)?)?", e["date"]), e
        assert e["precision"] == {4: "year", 7: "month", 10: "day"}[len(e["date"])]
        assert e["kind"] in KINDS and e["summary"] and e["evidence"]
        assert e["url"] == f"/doc/{e['doc_id']}#p-{e['n']}"
        if e["date_end"]:
            assert e["date_end"] > e["date"]
    dates = [e["date"] for e in data["events"]]
    assert dates == sorted(dates)  # oldest first: a chronicle
    passage = client.get(f"/api/doc/{CAREC}").get_json()["passages"]
    first = next(e for e in data["events"] if e["doc_id"] == CAREC and e["n"] == 0)
    assert first["evidence"] in passage[0]["text"]


def test_a_meeting_over_several_days_is_one_dated_range_with_its_place(client):
    data = events(client, "?partner=MNG&kind=meeting")
    ccc4 = next(e for e in data["events"] if e["doc_id"] == CAREC and e["n"] == 0)
    assert (ccc4["date"], ccc4["date_end"], ccc4["precision"]) == ("2005-09-07", "2005-09-09", "day")
    assert "乌兰巴托" in ccc4["place"] and {"MNG", "CAREC"} <= set(ccc4["partners"])


def test_filters_meet_and_each_facet_counts_with_its_own_selection_left_out(client):
    everything = events(client, "?per_page=100")
    asean = events(client, "?partner=ASEAN&per_page=100")
    assert asean["total"] == next(v["count"] for v in everything["facets"]["partner"] if v["value"] == "ASEAN")
    assert all("ASEAN" in e["partners"] for e in asean["events"])
    # the partner facet still offers the others, so a second partner can be ticked (OR)
    assert len(asean["facets"]["partner"]) > 1
    both = events(client, "?partner=ASEAN&partner=KAZ&per_page=100")
    kaz = events(client, "?partner=KAZ&per_page=100")
    assert both["total"] == len({(e["doc_id"], e["n"], e["summary"]) for e in asean["events"] + kaz["events"]})
    meetings = events(client, "?partner=ASEAN&kind=meeting&per_page=100")
    assert 0 < meetings["total"] < asean["total"]
    assert {e["kind"] for e in meetings["events"]} == {"meeting"}
    kinds = {v["value"]: v for v in meetings["facets"]["kind"]}
    assert kinds["meeting"]["selected"] and kinds["meeting"]["count"] == meetings["total"]
    assert sum(v["count"] for v in kinds.values()) == asean["total"]  # kinds counted as if none were chosen


def test_year_range_is_on_the_events_own_date(client):
    data = events(client, "?year_from=2004&year_to=2005&per_page=100")
    assert data["total"] > 0 and all(e["date"][:4] in ("2004", "2005") for e in data["events"])
    swapped = events(client, "?year_from=2005&year_to=2004&per_page=100")
    assert swapped["total"] == data["total"]
    years = {v["value"]: v["count"] for v in events(client, "?per_page=1")["facets"]["year"]}
    assert years["2004"] + years["2005"] == data["total"]


def test_words_find_events_in_either_language(client):
    zh = events(client, "?q=研讨会&per_page=100")
    en = events(client, "?q=symposium&per_page=100")
    assert zh["total"] > 0 and en["total"] > 0
    # the symposia of the English briefing are found by the Chinese word, and the other way round
    assert any(e["doc_id"] == "china-asean-customs-cooperation-briefing.txt" for e in zh["events"])
    assert any(e["doc_id"].startswith("customs-gazetteer") for e in en["events"])


@pytest.mark.parametrize("query, says", [
    ("?kind=party", "kind must be one of"), ("?year_from=20x5", "year_from"),
    ("?per_page=1000", "per_page"), ("?sort=random", "sort"), ("?page=0", "page"),
])
def test_a_bad_parameter_is_a_400_that_says_what_is_wrong(client, query, says):
    data = events(client, query, status=400)
    assert says in data["error"]
    r = client.get("/events" + query + "&ui=en")
    assert r.status_code == 400 and "Traceback" not in r.get_data(as_text=True)
    assert client.get("/events.csv" + query).status_code == 400


def test_pages_split_the_register_and_newest_first_reverses_it(client):
    first = events(client, "?per_page=5")
    second = events(client, "?per_page=5&page=2")
    assert len(first["events"]) == 5 and first["events"][4]["date"] <= second["events"][0]["date"]
    newest = events(client, "?per_page=5&sort=newest")
    assert newest["events"][0]["date"] >= newest["events"][-1]["date"]
    assert newest["events"][0]["date"] == events(client, "?per_page=100")["events"][-1]["date"]


def test_csv_holds_every_event_of_the_selection_and_never_a_formula(client):
    r = client.get("/events.csv?partner=CAREC")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(r.get_data(as_text=True).lstrip("\ufeff"))))
    api = events(client, "?partner=CAREC&per_page=100")
    assert len(rows) == api["total"] == int(r.headers["X-Result-Total"])
    assert [(row["date"], row["kind"], int(row["n"])) for row in rows] == [
        (e["date"], e["kind"], e["n"]) for e in api["events"]]
    assert all("CAREC" in row["partners"].split(";") for row in rows)
    assert all(row["passage_url"].startswith("/doc/") and row["title"] for row in rows)
    assert not any(v.startswith(("=", "+", "@")) for row in rows for v in row.values())


def test_events_page_lists_filters_and_links_in_both_languages(client):
    en = client.get("/events?partner=CAREC&ui=en").get_data(as_text=True)
    assert "<h1>Events: what was agreed, held, launched and joined</h1>" in en
    items = en.count('<li class="event-item">')
    assert items == events(client, "?partner=CAREC")["total"]
    assert f'href="/doc/{CAREC}#p-0"' in en
    assert re.search(r'<input type="checkbox" name="partner" value="CAREC" checked>', en)
    assert 'href="/events.csv?partner=CAREC"' in en and 'href="/api/events?partner=CAREC"' in en
    zh = client.get("/events?partner=CAREC&ui=zh").get_data(as_text=True)
    assert "大事记" in zh and "会议、论坛" in zh and zh.count('<li class="event-item">') == items
    assert '<li class="ev-year" id="y-2005">' in zh
    planned = en.split('class="ev-planned"')
    assert len(planned) > 1  # announced meetings are marked as planned


def test_events_page_escapes_the_evidence(client):
    html = client.get("/events?per_page=100&ui=en").get_data(as_text=True)
    body = html.split('<ol class="event-list">')[1]
    assert "<script" not in body and "<mark" not in body
    for m in re.finditer(r'<blockquote class="ev-evidence"><p>(.*?)</p></blockquote>', body, re.S):
        assert "<" not in m.group(1)


def test_partner_page_chronicle_shows_events_and_passages_only_for_years_without(client):
    html = client.get("/partner/CAREC?ui=en").get_data(as_text=True)
    section = html.split('class="timeline-section"')[1].split("</section>")[0]
    years = {m.group(1): m.group(2) for m in re.finditer(
        r'<li class="tl-year" id="y-(\d+)">(.*?)</li>\s*(?=<li class="tl-year"|</ol>\s*$|</ol>\s*<p|</ol>\s*</section)',
        section + "</section", re.S)}
    chronicle = client.get("/api/partner/CAREC").get_json()["chronicle"]
    event_years = {e["date"][:4] for e in chronicle}
    assert event_years and event_years <= set(years)
    for y, body in years.items():
        if y in event_years:
            assert 'class="event-item"' in body and "<blockquote" not in body, y
    assert 'href="/events?partner=CAREC"' in section
    assert "Chronicle" in section


def test_entity_json_chronicle_is_the_registers_events(client):
    data = client.get("/api/topic/ipr").get_json()
    register = events(client, "?topic=ipr&per_page=100")
    assert data["chronicle"] == register["events"] and len(register["events"]) >= 3
    assert data["events_url"] == "/events?topic=ipr"


def test_histogram_of_the_register_links_to_year_ranges(client):
    html = client.get("/events?ui=en").get_data(as_text=True)
    chart = html.split('<svg class="histogram"')[1].split("</svg>")[0]
    hrefs = [unescape(h) for h in re.findall(r'href="([^"]+)"', chart)]
    assert hrefs and all(h.startswith("/events?year_from=") and "year_to=" in h for h in hrefs)
