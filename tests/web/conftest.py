"""A corpus for reading the sources: the sample texts, a paged PDF with a ruled table, a GBK text,
Markdown, a saved web page with a script, a Word file, a SOURCES.tsv, a LICENSE and a checksum list;
built once per session."""
from __future__ import annotations

import shutil

import pytest

from tests.conftest import CORPUS

PLAN = "reports/action-plan-2010.pdf"
GBK = "notices/gbk-notice.txt"
GBK_TEXT = "海关总署公告：2010年，中国海关与哈萨克斯坦海关在霍尔果斯口岸试行联合监管，并交换风险管理数据。\n"


def _plan_pdf(path) -> None:
    from tests.pdfgen import EN, H, ruled_table, save

    def cover(c):
        c.setFont(EN, 12)
        c.drawString(72, H - 80, "Annual report of the customs service")
        c.drawString(72, H - 100, "The service reviewed its training programme in 2009.")

    def cooperation(c):
        c.setFont(EN, 12)
        c.drawString(72, H - 80, "In 2010 the World Customs Organization and Kazakhstan agreed on data exchange")
        c.drawString(72, H - 96, "and risk management at the Khorgos border crossing.")
        ruled_table(c, [["Action", "Outcome", "Timeline"],
                        ["Align customs procedures with the Revised Kyoto Convention", "Procedures aligned", "2012"],
                        ["Exchange risk management data with Kazakhstan", "Data exchanged daily", "2011"]],
                    [200, 160, 80], 72, H - 130)
    save(path, [cover, cooperation])


@pytest.fixture(scope="session")
def reading(tmp_path_factory):
    """Settings and the build report of the reading corpus, built into a fresh index."""
    from docx import Document as Docx

    from indexer.config import Settings
    from indexer.index.build import build

    root = tmp_path_factory.mktemp("reading")
    corpus = root / "corpus"
    (corpus / "reports").mkdir(parents=True)
    (corpus / "notices").mkdir()
    for name in ("carec-ccc4-statement-2005.txt", "china-asean-customs-cooperation-briefing.txt",
                 "customs-gazetteer-international-cooperation-ocr.txt"):
        shutil.copy(CORPUS / name, corpus / name)
    _plan_pdf(corpus / PLAN)
    (corpus / GBK).write_bytes(GBK_TEXT.encode("gbk"))
    (corpus / "notes.md").write_text("# Meeting notes\n\nThe *WCO* delegation met the Kazakhstan customs in 2011.\n",
                                     encoding="utf-8")
    (corpus / "saved-page.html").write_text(
        "<html><head><title>Customs news</title><script>document.title='pwned'</script></head>"
        "<body><p>Singapore Customs signed an AEO mutual recognition arrangement in 2024.</p>"
        "<img src=x onerror=alert(1)></body></html>", encoding="utf-8")
    memo = Docx()
    memo.add_paragraph("Memo on transit cooperation with Kazakhstan and the TIR Convention, 2012.")
    memo.save(str(corpus / "memo.docx"))
    (corpus / "SOURCES.tsv").write_text("file\tsource\nnotes.md\tarchive\n", encoding="utf-8")
    (corpus / "LICENSE").write_text("Texts reproduced for research.\n", encoding="utf-8")
    (corpus / "checksums.sha256").write_text("0" * 64 + "  notes.md\n", encoding="utf-8")
    settings = Settings.from_env(corpus, root / "index")
    report = build(settings, log=lambda *_: None, quiet=True)
    assert report.failed == [], report.failed
    return settings, report


@pytest.fixture(scope="session")
def reading_app(reading):
    from app import create_app

    app = create_app(reading[0])
    app.config["TESTING"] = False  # the real error handlers
    return app
