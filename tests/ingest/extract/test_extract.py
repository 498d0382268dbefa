"""Extraction of text, HTML, Markdown and docx; every failure has a one-line reason."""

import pytest

from indexer.ingest.extract import ExtractionError, extract

LIMIT = 10 * 1024 * 1024
SAMPLE = "中国海关与哈萨克斯坦海关签署合作文件。海关总署署长出席。" * 3


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "big5", "utf-16"])
def test_text_in_common_encodings(tmp_path, encoding):
    text = SAMPLE if encoding != "big5" else "中國海關與哈薩克斯坦海關簽署合作文件。海關總署署長出席。" * 3
    p = tmp_path / f"doc-{encoding}.txt"
    p.write_bytes(text.encode(encoding))
    assert extract(p, LIMIT).text.strip() == text


def test_empty_and_binary_files_are_refused(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(ExtractionError, match="empty file"):
        extract(empty, LIMIT)
    blank = tmp_path / "blank.txt"
    blank.write_bytes(b"  \n\n ")
    with pytest.raises(ExtractionError, match="empty"):
        extract(blank, LIMIT)
    junk = tmp_path / "junk.txt"
    junk.write_bytes(bytes(range(256)) * 40)
    with pytest.raises(ExtractionError):
        extract(junk, LIMIT)


def test_unknown_type_and_size_limit(tmp_path):
    p = tmp_path / "x.xyz"
    p.write_text("hello")
    with pytest.raises(ExtractionError, match="unknown type .xyz"):
        extract(p, LIMIT)
    big = tmp_path / "big.txt"
    big.write_text("a" * 2000)
    with pytest.raises(ExtractionError, match="too large"):
        extract(big, 1000)


def test_text_pages_lose_navigation_and_copyright(tmp_path):
    p = tmp_path / "page.txt"
    p.write_text("简体中文 | English\n\n中国海关国际合作简报\n\n" + SAMPLE + "\n\n网站地图网站留言设为首页加为收藏\n"
                 "中华人民共和国海关总署主办 版权所有\n京ICP备05066252号\n", encoding="utf-8")
    text = extract(p, LIMIT).text
    assert text.startswith("中国海关国际合作简报")
    assert "版权所有" not in text and "ICP" not in text


def test_html_main_text_without_scripts_or_menus(tmp_path):
    p = tmp_path / "page.html"
    p.write_text(
        "<html><head><title>中哈海关合作</title><style>p{color:red}</style><script>var x=1;</script></head>"
        "<body><nav><a href='/'>首页</a> | <a href='/news'>新闻</a></nav>"
        f"<article><h1>中哈海关合作</h1><p>{SAMPLE}</p><p>{SAMPLE}</p></article>"
        "<footer>版权所有 © 2018</footer></body></html>", encoding="utf-8")
    ex = extract(p, LIMIT)
    assert "哈萨克斯坦" in ex.text
    assert "var x" not in ex.text and "color:red" not in ex.text and "版权所有" not in ex.text
    assert ex.meta.get("title") == "中哈海关合作"


def test_markdown_front_matter_is_honoured(tmp_path):
    p = tmp_path / "note.md"
    p.write_text("---\ntitle: 中俄AEO互认\ndate: 2022-02-05\npartners: [RUS]\ntopics: aeo\n---\n\n"
                 "# 标题\n\n中国与俄罗斯海关签署 **AEO** 互认安排。\n", encoding="utf-8")
    ex = extract(p, LIMIT)
    assert ex.meta == {"title": "中俄AEO互认", "date": "2022-02-05", "partners": ["RUS"], "topics": ["aeo"]}
    assert "中国与俄罗斯海关签署 AEO 互认安排。" in ex.text and "**" not in ex.text


def test_docx(tmp_path):
    import docx

    d = docx.Document()
    d.core_properties.title = "中哈海关合作备忘录"
    d.add_paragraph("第一条 双方海关开展合作。")
    table = d.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "哈萨克斯坦"
    table.rows[0].cells[1].text = "2005年"
    p = tmp_path / "memo.docx"
    d.save(p)
    ex = extract(p, LIMIT)
    assert "第一条 双方海关开展合作。" in ex.text and "哈萨克斯坦 | 2005年" in ex.text
    assert ex.meta["title"] == "中哈海关合作备忘录"


def test_corrupt_files_get_reasons(tmp_path):
    pdf = tmp_path / "bad.pdf"
    pdf.write_bytes(b"%PDF-1.4\n garbage garbage")
    with pytest.raises(ExtractionError, match="PDF"):
        extract(pdf, LIMIT)
    dx = tmp_path / "bad.docx"
    dx.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ExtractionError, match="docx"):
        extract(dx, LIMIT)
