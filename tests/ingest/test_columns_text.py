"""Two-column pages that OCR read across are put back column by column."""

from indexer.config import PROJECT_ROOT
from indexer.ingest.columns_text import (
    deinterleave,
    detect,
    fix_read_across,
    split_line,
    width,
)
from indexer.ingest.documents import document_from_extracted
from indexer.ingest.extract import extract

GAZETTEER = PROJECT_ROOT / "corpus" / "customs-gazetteer-international-cooperation-ocr.txt"

LEFT = ("2005 年 1 月 26 日，海关总署副署长刘文杰邀请美国、法国、韩国、以色列、哈萨克斯坦驻华使馆海关专员和世界海关组织亚太"
        "情报联络中心外籍专家座谈，共同庆祝国际海关日。刘文杰介绍中国海关 2004 年在打击走私、税收征管、国际合作和反商业"
        "瞒骗等方面取得的成就。各国海关专员简要通报各自海关的最新情况。")
RIGHT = ("会后，中国海关代表团与世界海关组织秘书长米歇尔·达内就标准框架的实施、能力建设、WTO 贸易便利化谈判、数据交换以及"
         "下届副秘书长竞选等问题交换意见。2006 年 1 月 24 日，海关总署署长出席中国海关国际海关日庆祝大会暨颁奖仪式，"
         "并为海关系统二十位关员颁发嘉奖证书。")


def column_lines(text: str, column: float) -> list[str]:
    """Text cut into lines of about `column` Han widths (digits and Latin count a half)."""
    lines, cur = [], ""
    for ch in text:
        if cur and width(cur + ch) > column:
            lines.append(cur)
            cur = ""
        cur += ch
    return lines + [cur]


def read_across(left: str, right: str, column: float = 19) -> str:
    """Two columns as OCR reads them across the page: left line, a space, right line."""
    ls, rs = column_lines(left, column), column_lines(right, column)
    n = max(len(ls), len(rs))
    ls += [""] * (n - len(ls))
    rs += [""] * (n - len(rs))
    return "\n\n".join(f"{a} {b}".strip() for a, b in zip(ls, rs))


def test_read_across_text_is_detected_and_put_back_in_column_order():
    text = read_across(LEFT * 2, RIGHT * 2)
    assert "".join(LEFT.split()) not in "".join(text.split())  # read across, the left column is cut up
    fixed, split = fix_read_across(text)
    assert split >= 12
    flat = "".join(fixed.split())
    assert "".join((LEFT * 2).split()) in flat and "".join((RIGHT * 2).split()) in flat
    assert flat.index("哈萨克斯坦") < flat.index("米歇尔")  # left column first


def test_line_is_cut_where_the_left_column_ends():
    s = split_line("杰邀请美国、法因、韩同、以色列、哈萨克斯 设、 WTO 贸易便利化谈判", 19)
    assert (s.left, s.right) == ("杰邀请美国、法因、韩同、以色列、哈萨克斯", "设、 WTO 贸易便利化谈判")
    # a paragraph's last line on the left is short: the right side is the full one
    s = split_line("悔关形象c 王军和惩处违犯海关法罪实行行政互助的罔际公", 19)
    assert s.left == "悔关形象c"


def test_a_cut_in_doubt_follows_the_words_of_the_right_column():
    prev_right = "王军和惩处违犯海关法罪实行行政互助的罔际公"
    s = split_line("伴随新中间海关的成立，悔关的问际合作 约~ (以下简称《内罗毕公约~)、《商品名称及", 19, prev_right)
    assert s.right.startswith("约~")  # 公 + 约: the right column's line goes on


def test_ordinary_text_is_left_alone():
    for name in ("carec-ccc4-statement-2005.txt", "china-asean-customs-cooperation-briefing.txt",
                 "customs-clearance-integration-reform-slides-2016.txt",
                 "china-customs-international-cooperation-news-2018.txt"):
        text = (PROJECT_ROOT / "corpus" / name).read_text(encoding="utf-8")
        assert detect(text) is None, name
    english = ("The Customs Cooperation Committee met in Ulaanbaatar and agreed on a joint action plan. " * 40)
    assert detect("\n".join(english[i:i + 70] for i in range(0, len(english), 70))) is None


def test_pages_are_kept_apart():
    page1 = read_across(LEFT, RIGHT)
    page2 = read_across(RIGHT, LEFT)  # a line starting with a space opens the next page
    fixed, _ = deinterleave(page1 + "\n\n " + page2, 19)
    assert "".join(fixed.split()) == "".join((LEFT + RIGHT + RIGHT + LEFT).split())


def test_the_gazetteer_is_de_interleaved_and_tagged_kazakhstan():
    ex = extract(GAZETTEER, 10 * 1024 * 1024)
    lines = [ln for ln in GAZETTEER.read_text(encoding="utf-8").splitlines() if ln.strip()]
    assert ex.stats["read_across_lines"] >= 0.35 * len(lines)
    doc = document_from_extracted(ex, GAZETTEER.name, {})
    assert "KAZ" in doc.partners
    kaz = [p for p in doc.passages if "KAZ" in p.partners]
    assert any("哈萨克斯坦驻华使馆" in p.text and 2005 in p.years for p in kaz)
