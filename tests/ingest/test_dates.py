"""Years a passage speaks of, and document dates."""
from indexer.ingest.dates import document_date, first_date, parse_date, years_in


def test_years_in_chinese_and_english():
    assert years_in("2005 年 9 月 7－9 日，蒙古，乌兰巴托") == [2005]
    assert years_in("Symposium on rules of origin (Xiamen, May 2004)") == [2004]
    assert years_in("2018-02-02 10:08:18 来源") == [2018]
    assert years_in("China officially started cooperation with ASEAN countries in 2003") == [2003]
    assert years_in("2004—2006年") == [2004, 2005, 2006]


def test_numbers_are_not_years():
    assert years_in("邮编:100730 电话:010-65194114") == []
    assert years_in("共有 1999 家企业") == []  # a bare number in Chinese text is a quantity
    assert years_in("1500 delegates from 2 countries attended") == []


def test_first_date_and_precision():
    assert first_date("2005 年 9 月 7－9 日") == "2005-09-07"
    assert first_date("2016.7") == "2016-07"
    assert first_date("7 May 2004") == "2004-05-07"
    assert parse_date("Sat, 05 Feb 2022 06:24:31 GMT") == "2022-02-05"
    assert parse_date(2008) == "2008" and parse_date("") is None


def test_document_date_from_header_line_title_or_file_name():
    assert document_date(["标题", "2018-02-02 10:08:18 来源:国际商报"], "标题", "x.txt") == "2018-02-02"
    # an event date deep in the text is not the document's date
    lines = ["Briefing", "A long paragraph " * 5, "x", "y", "z", "w", "1. Symposium (Kunming, December 2003)"]
    assert document_date(lines, "Briefing", "briefing.txt") is None
    assert document_date(["无日期"], "无日期", "carec-statement-2005.txt") == "2005"
    # a full date in the file name wins over the adoption date in the first line
    assert document_date(["海关法", "1987年1月22日 通过"], "海关法", "海关法(2021-04-29).md") == "2021-04-29"
    assert document_date(["HARMONIZED SYSTEM"], "HS", "wco_understanding_hs_2028.pdf") is None


def test_date_mentions_with_ranges_words_and_missing_years():
    from indexer.ingest.dates import find_dates

    def read(text):
        return [(d.iso(), d.iso_end(), d.relative) for d in find_dates(text)]

    assert read("第四次会议于 2005 年 9 月 7 日至 9 日在蒙古乌兰巴托举行") == [("2005-09-07", "2005-09-09", None)]
    assert read("2003 年 6 月 24 日 至 7 月 6 日，海关总署") == [("2003-06-24", "2003-07-06", None)]
    assert read("初步定于 2006 年九月的第一周") == [("2006-09", None, None)]
    assert read("2月4日，中国与俄罗斯") == [(None, None, "no-year")]
    assert read("Done at Geneva, the third day of November one thousand nine hundred and twenty-three") == \
        [("1923-11-03", None, None)]
    assert read("this 26th Day of February in the Year Two Thousand and Nine") == [("2009-02-26", None, None)]
    assert read("the Berne Convention of October 14th, 1890, regarding") == [("1890-10-14", None, None)]
    assert read("with effect from 1 Aug 2024 for three") == [("2024-08-01", None, None)]
    assert read("On 4 February, China and Russia signed it") == [(None, None, "no-year")]
    assert [d.span for d in find_dates("2016-2020年规划")] == [True]  # a period, not a day
    assert find_dates("共有 1999 家企业") == []
    assert find_dates("2006 年 4参加")[0].iso() == "2006"  # a stray digit is not a month


def test_targets_and_names_are_not_a_passages_years():
    from indexer.ingest.dates import in_passing

    assert years_in("力争2020年前与沿线所有国家实现AEO互认") == []
    assert years_in("Reduction in trade transactions cost (by 10% by 2020) across the region") == []
    assert years_in("In line with the ASEAN Economic Community (AEC) Blueprint 2025 to achieve a cohesive economy") == []
    assert years_in("the HS 2022 edition is used by the member administrations of the WCO") == []
    # ... but the years a text is about stay
    assert years_in("2021年，中俄双边贸易值首次突破9000亿元") == [2021]
    assert years_in("In 2003 China officially started cooperation with ASEAN countries") == [2003]
    text = "shall be eliminated by 1 January 2009 for ASEAN-6"
    i = text.index("1 January")
    assert in_passing(text, i, i + len("1 January 2009"))


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from indexer.ingest import dates as _dates  # noqa: E402

_PIECES = ["May", "may", "SEPT", "ſept", "Aprıl", "June", "Dec.", "jan", "7", "21", "2004", "1999", " ", ", ",
           "of ", "on ", "年", "月", "日", "the ", "day", "x", "\u212a"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=12).map("".join))
def test_month_patterns_are_skipped_only_where_none_can_match(text):
    """The quick check that spares the case-insensitive month patterns never hides a date they would find."""
    month_patterns = [_dates._EN_DATE, _dates._M_EN_DMY, _dates._M_EN_MDY, _dates._M_EN_MY]
    if any(p.search(text) for p in month_patterns):
        assert _dates._names_a_month(text)
