"""Reading order from glyph boxes, on hand-made glyphs: over-prints, vertical writing, gutters, garbage."""
from indexer.ingest.extract.pdf_layout import (
    Glyph,
    Line,
    dedupe,
    find_gutters,
    is_vertical,
    layout_lines,
    paragraphs_text,
)
from indexer.ingest.extract.pdf_running import (
    PageLines,
    is_page_number,
    remove_running_lines,
)
from indexer.ingest.extract.quality import garbage_reason, suspicious_chars
from indexer.ingest.passages import join_lines


def glyph_row(text: str, x: float, top: float, size: float = 10, advance: float | None = None) -> list[Glyph]:
    """Glyphs of one line of text, `advance` apart (CJK square, Latin half width)."""
    out = []
    for ch in text:
        w = advance or (size if "\u4e00" <= ch <= "\u9fff" else size / 2)
        if ch != " ":
            out.append(Glyph(ch, x, top, x + w, top + size))
        x += w
    return out


def line(text, x0, top, x1, size=10):
    return Line(text, x0, top, x1, top + size, size)


def test_four_fold_overprint_is_one_glyph_but_neighbours_stay():
    title = glyph_row("安徽安利", 100, 100, 26)
    copies = [Glyph(g.text, g.x0 + 0.24 * k, g.top + 0.24 * k, g.x1 + 0.24 * k, g.bottom + 0.24 * k)
              for k in range(4) for g in title]
    assert "".join(g.text for g in dedupe(copies)) == "安徽安利"
    # the same character twice in a row is text, not an over-print
    assert "".join(g.text for g in dedupe(glyph_row("嘻嘻嘻", 0, 0) + glyph_row("all", 0, 20))) == "嘻嘻嘻all"


def test_vertical_writing_is_read_in_columns_right_to_left():
    glyphs = []
    for k, column in enumerate(["わたくしといふ現象は", "假定された有機交流電燈の", "ひとつの青い照明です"]):
        x = 500 - 20 * k  # columns run from right to left, characters from top to bottom
        glyphs += [Glyph(ch, x, 100 + 12 * i, x + 12, 112 + 12 * i) for i, ch in enumerate(column)]
    assert is_vertical(glyphs)
    text = paragraphs_text(layout_lines(glyphs, 600))
    assert text.replace("\n", "") == "わたくしといふ現象は假定された有機交流電燈のひとつの青い照明です"
    assert not is_vertical(glyph_row("中国海关与哈萨克斯坦海关签署合作文件" * 2, 50, 50))


def test_gutters_need_prose_columns_on_both_sides():
    columns = [line("x" * 40, 50, 100 + 12 * i, 250) for i in range(10)] + \
              [line("y" * 40, 270, 100 + 12 * i, 470) for i in range(10)]
    assert [(round(a), round(b)) for a, b in find_gutters(columns)] == [(250, 270)]
    # a numbered list with hanging text: the numbers are no column
    numbered = [line(f"{i}.", 50, 100 + 12 * i, 62) for i in range(10)] + \
               [line("z" * 40, 90, 100 + 12 * i, 470) for i in range(10)]
    assert find_gutters(numbered) == []
    # two blocks one above the other are not side by side
    stacked = [line("x" * 40, 50, 100 + 12 * i, 250) for i in range(5)] + \
              [line("y" * 40, 270, 300 + 12 * i, 470) for i in range(5)]
    assert find_gutters(stacked) == []


def test_garbage_text_layers_are_recognised():
    assert garbage_reason("") == "no text"
    assert garbage_reason("(cid:12)(cid:34)(cid:56) (cid:7)(cid:8)") == "glyphs without Unicode mapping (cid:N)"
    assert garbage_reason("\ufffd\ufffd\ufffd\ufffd ok") == "unreadable characters (font without Unicode map)"
    assert garbage_reason("™—›™œ ›Ÿ˜ ™—› a") == "symbols instead of text (font maps to the wrong characters)"
    assert garbage_reason("中国海关与哈萨克斯坦海关签署合作文件") is None
    assert suspicious_chars("Buyer˖哾㦓") == 2 and suspicious_chars("Buyer：黎荣") == 0


def test_running_lines_and_page_numbers():
    assert all(map(is_page_number, ["12", "- 12 -", "Page 3 of 9", "第 3 页", "iv", "3/15"]))
    assert not any(map(is_page_number, ["2005 年", "Article 12 applies", "第三条"]))
    pages = []
    for n in range(1, 4):
        body = [line(f"Body {n} line {i}", 60, 100 + 14 * i, 500) for i in range(5)]
        pages.append(PageLines(n, [line("ASEAN TRADE IN GOODS AGREEMENT", 60, 30, 300), *body,
                                   line(str(n), 290, 800, 300)], 842))
    # a heading that happens to sit high on one page only is kept
    pages[1].lines.insert(1, line("CHAPTER 2 RULES OF ORIGIN", 60, 60, 300))
    assert remove_running_lines(pages) == 6
    assert [s.text for s in pages[1].lines][:2] == ["CHAPTER 2 RULES OF ORIGIN", "Body 2 line 0"]


def test_lines_are_joined_into_paragraphs():
    assert join_lines("customs co-", "operation") == "customs cooperation"
    assert join_lines("inter\u00ad", "national") == "international"
    assert join_lines("哈萨克斯", "坦驻华使馆") == "哈萨克斯坦驻华使馆"
    assert join_lines("the WCO", "secretariat") == "the WCO secretariat"
