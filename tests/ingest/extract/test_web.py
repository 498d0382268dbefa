"""Web pages and Markdown: the main text with its headings, none of the page's chrome."""
import pytest

from indexer.ingest.extract import extract

LIMIT = 10 * 1024 * 1024
BODY = "中新社北京2月5日电 记者5日从中国海关总署获悉，2月4日，中国与俄罗斯双方海关签署AEO互认安排。" * 2


def test_saved_news_page_in_markdown_keeps_only_the_article(tmp_path):
    # a Sina page saved as Markdown: front matter, an HTML body indented as HTML is, a QR-code block
    page = tmp_path / "sina.md"
    page.write_text(
        "---\ntitle: '中国-俄罗斯AEO互认安排签署'\ndate: Sat, 05 Feb 2022 06:24:31 GMT\n---\n\n<div>\n"
        f"<p>{BODY}</p>\n<p>截至目前，中国已与22个经济体签署AEO互认协议。（完）</p>\n"
        "        <!-- 文末二维码 start -->\n        <style>\n        .appendQr_wrap{border:1px solid #E6E6E6;}\n"
        "        </style>\n        <div class=\"appendQr_wrap\">\n"
        "            <div class=\"appendQr_normal_txt\">海量资讯、精准解读，尽在新浪财经APP</div>\n        </div>\n"
        "<p>责任编辑：刘万里 SF014</p>\n</div>\n", encoding="utf-8")
    ex = extract(page, LIMIT)
    assert ex.meta["title"] == "中国-俄罗斯AEO互认安排签署" and ex.meta["date"] == "2022-02-05"
    assert ex.text.startswith("中新社北京2月5日电") and ex.text.endswith("签署AEO互认协议。（完）")
    for chrome in ("<", "appendQr", "{", "APP", "责任编辑"):
        assert chrome not in ex.text


def test_markdown_headings_without_a_space_and_kramdown_attributes(tmp_path):
    page = tmp_path / "treaty.md"
    page.write_text("##Customs Convention on the A.T.A. carnet\n\n####Definitions\n\n"
                    "See the [WCO](http://www.wcoomd.org){:target=\"_blank\"} page.<br>\n\n{:.mobile-block}\n",
                    encoding="utf-8")
    assert extract(page, LIMIT).text.split("\n\n") == [
        "Customs Convention on the A.T.A. carnet", "Definitions", "See the WCO page."]


def test_a_date_in_the_text_is_not_the_page_date(tmp_path):
    page = tmp_path / "fora.md"
    page.write_text("---\ntitle: Our International Participation\n---\n\n# International Fora\n\n"
                    "The first ASEM Summit was held in 1996. <br> Singapore joined the WCO in 1975.<br>\n<br>\n",
                    encoding="utf-8")
    ex = extract(page, LIMIT)
    assert "date" not in ex.meta
    assert ex.text.startswith("International Fora\n\n")  # the heading is kept


@pytest.mark.parametrize("chrome", ["分享到：微信 微博", "责任编辑：王翔", "Copyright © 2018 General Administration of Customs",
                                    "扫一扫在手机打开当前页", "京ICP备05066252号"])
def test_chrome_lines_in_a_web_page_are_dropped(tmp_path, chrome):
    page = tmp_path / "page.html"
    page.write_text(f"<html><body><nav>首页 | 新闻 | 关于</nav><article><h1>中俄海关合作</h1><p>{BODY}</p>"
                    f"<p>{BODY}</p></article><p>{chrome}</p></body></html>", encoding="utf-8")
    text = extract(page, LIMIT).text
    assert "AEO互认安排" in text and chrome not in text and "首页" not in text
