"""Events: the judged set (precision, recall, dates in passing) and the rules one case at a time."""
from __future__ import annotations

import pytest

from indexer.ingest.documents import Document, Passage
from indexer.ingest.events import extract_events, merge_events
from indexer.ingest.extract import Extracted, Page
from indexer.ingest.documents import document_from_extracted
from tests.conftest import SHARED
from tests.ingest import events_eval

PRECISION, RECALL = 0.9, 0.8


def _doc(text: str, date: str | None = None, title: str = "", doc_id: str = "x.txt") -> Document:
    passages = [Passage(n=i, text=t, page=None, years=[], partners=[], topics=[], lang="zh")
                for i, t in enumerate(text.split("\n\n"))]
    return Document(doc_id=doc_id, title=title, date=date, year=int(date[:4]) if date else None, lang="zh",
                    kind="text", partners=[], topics=[], years=[], passages=passages)


def _one(events, **want):
    hits = [e for e in events if all(getattr(e, k) == v for k, v in want.items())]
    assert len(hits) == 1, (want, [(e.date, e.kind, e.partners, e.evidence[:60]) for e in events])
    return hits[0]


# -- the judged set ---------------------------------------------------------------------------------
def _check(result: events_eval.Result) -> None:
    events_eval.report(result, details=True)
    assert result.overall.precision >= PRECISION, f"precision {result.overall.precision:.2f}"
    assert result.overall.recall >= RECALL, f"recall {result.overall.recall:.2f}"
    for kind, score in result.per_kind.items():
        if score.judged >= 5:
            assert score.recall >= RECALL, f"{kind}: recall {score.recall:.2f}"
        if score.found >= 5:
            assert score.precision >= 0.8, f"{kind}: precision {score.precision:.2f}"
    # no event is dated by a year or day the text only mentions in passing (a target, a deadline,
    # statistics, a name such as "AEC 2025")
    assert result.passing == [], [(d, e.date, e.evidence[:80]) for d, e, _ in result.passing]


def test_judged_set_is_large_enough_and_well_formed():
    events, passing, docs = events_eval.load_judged()
    required = [e for e in events if not e.optional]
    assert len(required) >= 40
    assert {e.kind for e in required} == set(events_eval.KINDS)
    assert all(e.date[:4].isdigit() and len(e.date) in (4, 7, 10) for e in events)
    assert len({d for d in docs}) == len(docs)  # each document judged once


def test_events_of_the_sample_corpus_against_the_judged_set():
    _check(events_eval.evaluate(["corpus"]))


@pytest.mark.skipif(not (SHARED / "archive").is_dir(), reason="../shared/archive is not here (CI clone)")
def test_events_of_corpus_and_archive_against_the_judged_set():
    result = events_eval.evaluate(["corpus", "archive"])
    assert result.overall.judged >= 90
    _check(result)


# -- dates ----------------------------------------------------------------------------------------------
def test_a_day_without_year_takes_the_news_items_year_not_the_statistics_year():
    text = ("中新社北京2月5日电 记者5日从中国海关总署获悉，2月4日，中国与俄罗斯双方海关签署《中华人民共和国海关总署和"
            "俄罗斯联邦海关署关于“经认证的经营者”互认的安排》。2021年，中俄双边贸易值首次突破9000亿元，达到9486.6亿元。")
    e = _one(extract_events(_doc(text, "2022-02-05")), kind="agreement")
    assert (e.date, e.precision, e.date_source) == ("2022-02-04", "day", "document")
    assert {"CHN", "RUS"} <= set(e.partners)
    assert "《中华人民共和国海关总署和俄罗斯联邦海关署" in e.summary and "2021" not in e.date


def test_a_target_is_not_an_event_and_a_meeting_named_after_last_year_is_dated_today():
    target = "海关总署署长要求，力争2020年前与沿线所有已建立经认证的经营者（AEO）制度的国家签署互认安排。"
    assert extract_events(_doc(target, "2018-02-02")) == []
    press = "1月14日，在国务院新闻办举行的2021年全年进出口情况新闻发布会上，记者提问：RCEP已于1月1日正式生效。"
    events = extract_events(_doc(press, "2022-01-14"))
    assert _one(events, kind="meeting").date == "2022-01-14"
    assert _one(events, kind="entry-into-force").date == "2022-01-01"


def test_same_day_and_same_year_lean_on_the_date_before():
    text = ("中新网成都1月1日电 1日零时10分，成都海关成功签发四川首份RCEP原产地证书。"
            "当日，《区域全面经济伙伴关系协定》（RCEP）正式生效。")
    events = extract_events(_doc(text, "2022-01-01"))
    assert _one(events, kind="certification").date == "2022-01-01"
    assert _one(events, kind="entry-into-force").date == "2022-01-01"
    history = "1988 年 5 月 29 日，中国正式递交加入书，加入《京都公约》，同年 8 月 29 日正式生效。"
    events = extract_events(_doc(history))
    assert _one(events, kind="accession").date == "1988-05-29"
    assert _one(events, kind="entry-into-force").date == "1988-08-29"


def test_meetings_over_several_days_and_announced_ones():
    text = ("1. 海关合作委员会（CCC）第四次会议于 2005 年 9 月 7 日至 9 日在蒙古乌兰巴托举行。\n\n"
            "6. 另一个论坛将于 2005 年 12 月 5 日至 8 日在韩国举行。")
    events = extract_events(_doc(text, "2005-09-07"))
    held = _one(events, date="2005-09-07")
    assert (held.kind, held.date_end, held.place, held.status) == ("meeting", "2005-09-09", "蒙古乌兰巴托", "done")
    assert "MNG" in held.partners
    planned = _one(events, date="2005-12-05")
    assert (planned.date_end, planned.status) == ("2005-12-08", "planned") and "KOR" in planned.partners


def test_english_dates_in_words_places_and_kinds():
    text = ("(k) PLF means the Protocol on the Legal Framework to Implement the ASEAN Single Window signed on "
            "4 September 2015 in Ha Noi, Viet Nam;\n\n"
            "DONE at Brussels this sixth day of December nineteen hundred and sixty-one, in the English and French "
            "languages.\n\n"
            "The ATIGA entered into force on 17 May 2010 with transition period of 180 days.\n\n"
            "Singapore became a member of the WCO in 1975.\n\n"
            "The present Convention shall be open until 31st July, 1962, for signature at the Headquarters.")
    events = extract_events(_doc(text))
    plf = _one(events, date="2015-09-04")
    assert (plf.kind, plf.place) == ("agreement", "Ha Noi, Viet Nam") and "ASEAN" in plf.partners
    assert _one(events, date="1961-12-06").place == "Brussels"
    assert _one(events, date="2010-05-17").kind == "entry-into-force"
    wco = _one(events, date="1975")
    assert wco.kind == "accession" and {"SGP", "WCO"} <= set(wco.partners)
    assert not [e for e in events if e.date.startswith("1962")]  # a deadline, not an event


def test_wishes_running_totals_and_names_are_not_events():
    text = ("海关合作理事会秘书长和许多成员海关的代表都表示希望中国于1981年加入海关合作理事会。"
            "截至目前，中国已与新加坡、欧盟、南非等22个经济体签署AEO互认协议。"
            "2016年海关落实《关于建立海关合作理事会的公约》的重点工作。"
            "Singapore Customs seeks to sign MRAs with its trading partners in 2025.")
    assert extract_events(_doc(text, "2022-02-05")) == []


def test_a_heading_naming_a_meeting_and_its_date_is_a_meeting():
    text = ("2. Symposium on rules of origin (Xiamen, May 2004)\n"
            "41 delegates from ASEAN countries and China exchanged experiences on the rules of origin.")
    e = _one(extract_events(_doc(text)), kind="meeting")
    assert (e.date, e.precision, e.place) == ("2004-05", "month", "Xiamen")
    assert {"ASEAN", "CHN"} <= set(e.partners)  # read from the paragraph under the heading


def test_mentions_of_one_event_are_merged_the_precise_one_kept():
    text = ("This led to the signing of the ASEAN Trade in Goods Agreement in February 2009.\n\n"
            "DONE at Cha-am, Thailand, this 26th Day of February in the Year Two Thousand and Nine.")
    events = extract_events(_doc(text))
    assert [(e.kind, e.date) for e in events] == [("agreement", "2009-02-26")]
    assert merge_events([]) == []


def test_ocr_confusions_are_undone_before_partners_are_read():
    text = "2004 年 12 月 7 日- 9 日，海关总署副署长率团参加在约旦首都安曼举行的世界悔关细织第 52 次政策委员会会议。"
    e = _one(extract_events(_doc(text)), kind="meeting")
    assert (e.date, e.date_end) == ("2004-12-07", "2004-12-09") and {"WCO", "JOR"} <= set(e.partners)


def test_document_carries_events_and_passages_take_the_documents_year():
    text = ("中国-俄罗斯AEO互认安排签署\n\n"
            "2月4日，中国与俄罗斯双方海关签署《关于“经认证的经营者”互认的安排》。\n\n"
            "AEO制度是世界海关组织倡导的制度。")
    ex = Extracted(pages=[Page(None, text)], kind="markdown", meta={"date": "2022-02-05"})
    doc = document_from_extracted(ex, "news.md", {})
    assert [(e.kind, e.date) for e in doc.events] == [("agreement", "2022-02-04")]
    assert doc.passages and all(p.years == [] for p in doc.passages)  # no passage writes a year
    # ... and none is left out of year=2022: each is filed under the document's year, marked so
    assert {(p.dated_by, tuple(p.facet_years)) for p in doc.passages} == {("document", (2022,))}
    assert doc.facet_years == [2022]
    assert doc.events[0].evidence.startswith("2月4日")
