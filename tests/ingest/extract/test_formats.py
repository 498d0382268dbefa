"""Slide decks and spreadsheets; every kind of unreadable file gets its one-line reason."""
import pytest

from indexer.config import Settings
from indexer.index.build import build
from indexer.ingest.extract import ExtractionError, extract

LIMIT = 10 * 1024 * 1024


def test_pptx_slides_are_pages_with_title_body_table_and_notes(tmp_path):
    import pptx
    from pptx.util import Inches

    deck = pptx.Presentation()
    deck.core_properties.title = "通关一体化改革"
    s1 = deck.slides.add_slide(deck.slide_layouts[1])
    s1.shapes.title.text = "全国通关一体化改革"
    s1.placeholders[1].text = "两中心：风险防控中心、税收征管中心\n三制度：一次申报、分步处置"
    s1.notes_slide.notes_text_frame.text = "2017年7月1日起在全国推开。"
    s2 = deck.slides.add_slide(deck.slide_layouts[5])
    s2.shapes.title.text = "与哈萨克斯坦的合作"
    table = s2.shapes.add_table(2, 2, Inches(1), Inches(2), Inches(6), Inches(1)).table
    for (r, c), v in {(0, 0): "口岸", (0, 1): "霍尔果斯", (1, 0): "年份", (1, 1): "2016"}.items():
        table.cell(r, c).text = v
    path = tmp_path / "slides.pptx"
    deck.save(path)
    ex = extract(path, LIMIT)
    assert ex.kind == "pptx" and ex.meta["title"] == "通关一体化改革"
    assert [p.number for p in ex.pages] == [1, 2]  # the slide number is the page of its passages
    assert ex.pages[0].text.split("\n\n") == ["全国通关一体化改革", "两中心：风险防控中心、税收征管中心",
                                             "三制度：一次申报、分步处置", "2017年7月1日起在全国推开。"]
    assert ex.pages[1].text == "与哈萨克斯坦的合作\n\n口岸 | 霍尔果斯\n\n年份 | 2016"


def test_xlsx_sheets_are_pages_of_rows(tmp_path):
    import datetime

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "协定"
    sheet.append(["伙伴", "文件", "签署日期"])
    sheet.append(["哈萨克斯坦", "海关合作与互助协定", datetime.date(2005, 9, 7)])
    book.create_sheet("空表")
    path = tmp_path / "register.xlsx"
    book.save(path)
    ex = extract(path, LIMIT)
    assert ex.pages[0].number == 1
    assert ex.pages[0].text == "协定\n伙伴 | 文件 | 签署日期\n哈萨克斯坦 | 海关合作与互助协定 | 2005-09-07"
    assert ex.pages[1].text == ""  # an empty sheet adds nothing


@pytest.mark.parametrize("name, data, reason", [
    ("empty.txt", b"", "^empty file$"),
    ("blank.md", b"\n\n   \n", "^empty file$"),
    ("notes.xyz", b"hello", "^unknown type .xyz$"),
    ("old.doc", b"\xd0\xcf\x11\xe0 legacy", "^old binary Office format .doc: save it as .docx$"),
    ("binary.txt", bytes(range(256)) * 40, "^(undecodable text|binary content)"),
    ("bad.pdf", b"%PDF-1.4\n garbage", "^corrupt PDF"),
    ("bad.pptx", b"PK\x03\x04 not a zip", "^corrupt pptx"),
    ("bad.xlsx", b"PK\x03\x04 not a zip", "^corrupt xlsx"),
])
def test_unreadable_files_have_one_line_reasons(tmp_path, name, data, reason):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ExtractionError, match=reason) as e:
        extract(path, LIMIT)
    assert "\n" not in str(e.value)


def test_size_limit_is_configurable(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "big.txt").write_text("海关合作。" * 400_000, encoding="utf-8")  # 6 MB
    (corpus / "small.txt").write_text("中哈海关合作。", encoding="utf-8")
    monkeypatch.setenv("MAX_FILE_MB", "5")
    report = build(Settings.from_env(corpus, tmp_path / "index"), log=lambda *_: None, quiet=True)
    assert report.added == 1
    assert report.failed == [{"path": "big.txt", "error": "file too large: 6.0 MB > limit 5 MB"}]


def test_build_reports_legacy_office_files_with_what_to_do(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "memo.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    (corpus / "ok.txt").write_text("中哈海关合作。", encoding="utf-8")
    report = build(Settings.from_env(corpus, tmp_path / "index"), log=lambda *_: None, quiet=True)
    assert report.failed == [{"path": "memo.doc", "error": "old binary Office format .doc: save it as .docx"}]
