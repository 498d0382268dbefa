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
