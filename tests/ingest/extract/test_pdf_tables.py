"""Ruled tables in PDFs read cell by cell, and scans that OCR cannot read reported, not indexed empty.

The PDFs are generated here (reportlab); the archive's landscape plan, where the issue was seen,
is read too when ../shared is present.
"""

import pytest
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen import canvas

from indexer.ingest.documents import document_from_extracted
from indexer.ingest.extract import ExtractionError, extract, ocr
from tests.conftest import SHARED
from tests.pdfgen import EN, ruled_table, save, scan_of

LIMIT = 50 * 1024 * 1024
HEADER = ["Strategic Measures and Action Lines", "Outputs", "Outcome Indicators", "Timeline"]
ROWS = [
    ["1.1 Action: Aligning Customs Procedures with the Revised Kyoto Convention where possible",
     "Recommendation to Customs to prioritise and adopt WCO rules and practices based on the Revised Kyoto Protocol",
     "Percentage of customs procedures in line with the Revised Kyoto Convention", "2025"],
    ["1.2 Action: Full and effective implementation of Category A commitments under the WTO Agreement",
     "Category A commitments effectively implemented by every member state",
     "Number of Category A measures adopted and implemented", "2017-2018"],
]
MORE = [["2.3 Action: Implement automated risk management systems at every border crossing point",
         "Automated risk management in place", "Number of members that have implemented it", "2025"]]
WIDTHS = [190, 190, 190, 80]


def _plan(tmp_path):
    """A landscape action plan: a paragraph, a ruled table, a note; the table goes on, header repeated, on page 2."""
    path = tmp_path / "action-plan.pdf"
    c = canvas.Canvas(str(path), pagesize=landscape(A4))
    w, h = landscape(A4)
    c.setFont(EN, 12)
    c.drawString(72, h - 60, "The strategic action plan sets out the measures below for the member states.")
    bottom = ruled_table(c, [HEADER] + ROWS, WIDTHS, 72, h - 90)
    c.setFont(EN, 12)
    c.drawString(72, bottom - 30, "Note: the timeline may be reviewed by the coordinating committee.")
    c.showPage()
    ruled_table(c, [HEADER] + MORE, WIDTHS, 72, h - 60)
    c.showPage()
    c.save()
    return path


def flat(text: str) -> str:
    return " ".join(text.split())


def test_a_ruled_table_is_read_cell_by_cell_and_row_by_row(tmp_path):
    ex = extract(_plan(tmp_path), LIMIT)
    first, second = (flat(p.text) for p in ex.pages)
    # each cell whole, in column order, a row after the row before
    assert " | ".join(ROWS[0]) in first and " | ".join(ROWS[1]) in first
    assert first.index(ROWS[0][0]) < first.index(ROWS[1][0])
    assert "Kyoto Kyoto" not in first and "Revised Kyoto Convention where possible" in first
    # the text around the table where it stands
    assert first.index("sets out the measures") < first.index(" | ".join(HEADER)) < first.index("Note: the timeline")
    # the header once: the table goes on under the same header on the next page
    assert " | ".join(MORE[0]) in second and "Strategic Measures" not in second


def test_each_table_row_is_its_own_paragraph_and_passages_cite_the_page(tmp_path):
    ex = extract(_plan(tmp_path), LIMIT)
    paragraphs = [flat(p) for p in ex.pages[0].text.split("\n\n")]
    assert " | ".join(ROWS[0]) in paragraphs and " | ".join(ROWS[1]) in paragraphs
    doc = document_from_extracted(ex, "action-plan.pdf", {})
    kyoto = [p for p in doc.passages if "Revised Kyoto Convention" in p.text]
    assert kyoto and all(p.page == 1 for p in kyoto)
    lines = {flat(line) for p in doc.passages for line in p.text.split("\n")}
    assert all(" | ".join(row) in lines for row in ROWS + MORE)  # a row is a line of its passage, never glued to the next


def test_a_page_without_rulings_never_costs_pdfplumber(tmp_path, monkeypatch):
    import pdfplumber

    def refuse(*a, **kw):
        raise AssertionError("pdfplumber opened for a page without rulings")

    monkeypatch.setattr(pdfplumber, "open", refuse)

    def page(c):
        c.setFont(EN, 12)
        c.drawString(72, 760, "A plain page of prose about transit facilitation, without any table.")
        c.line(72, 750, 520, 750)  # one rule under a heading is no table
    assert "transit facilitation" in extract(save(tmp_path / "plain.pdf", [page]), LIMIT).text


@pytest.mark.skipif(not (SHARED / "archive/en_pdfs/aec_2025_trade_facilitation_sap.pdf").is_file(),
                    reason="../shared/archive not present")
def test_the_archive_landscape_plan_reads_its_cells_whole():
    text = flat(extract(SHARED / "archive/en_pdfs/aec_2025_trade_facilitation_sap.pdf", LIMIT).text)
    assert "Kyoto Kyoto" not in text
    assert ("1.1 Action: Aligning Customs Procedures with the Revised Kyoto Convention where possible | "
            "Recommendation to Customs to prioritise and adopt WCO rules and practices based on the Revised "
            "Kyoto Protocol") in text
    assert text.count("Strategic Measures and Action | Outputs | Outcomes") == 1  # its header, once in 9 pages


# -- scans that OCR cannot read --------------------------------------------------------------------
needs_ocr = pytest.mark.skipif(not ocr.available(), reason="tesseract with chi_sim/eng not installed (make ocr-deps)")


@needs_ocr
def test_a_scan_of_which_ocr_reads_almost_nothing_fails_with_its_reason(tmp_path):
    def page(c):
        c.setFont(EN, 14)
        c.drawString(72, 760, "It Doesn't")  # all a JBIG2 scan in the pdfminer samples gives
    scan = scan_of(save(tmp_path / "source.pdf", [page]), tmp_path / "scan.pdf")
    with pytest.raises(ExtractionError, match=r"^scanned PDF: OCR recognised almost no text \(\d characters on 1 page\)$"):
        extract(scan, LIMIT, tmp_path / "cache")


@needs_ocr
@pytest.mark.skipif(not (SHARED / "pdf-samples/scanned_no_text/pdf-with-jbig2.pdf").is_file(),
                    reason="../shared/pdf-samples not present")
def test_the_jbig2_sample_is_reported_not_indexed_empty(tmp_path):
    with pytest.raises(ExtractionError, match="OCR recognised almost no text"):
        extract(SHARED / "pdf-samples/scanned_no_text/pdf-with-jbig2.pdf", LIMIT, tmp_path / "cache")
