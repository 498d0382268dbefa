"""The real archive in ../shared (skipped when absent): every file reads well or fails with a reason."""
import re

import pytest

from indexer.ingest.documents import document_from_extracted
from indexer.ingest.extract import ExtractionError, extract, ocr
from tests.conftest import SHARED

LIMIT = 100 * 1024 * 1024
pytestmark = pytest.mark.skipif(not (SHARED / "pdf-samples").is_dir() or not (SHARED / "archive").is_dir(),
                                reason="../shared/pdf-samples and ../shared/archive not present")
SCANS = SHARED / "pdf-samples" / "scanned_no_text"
# four different characters each printed twice in a row
OVERPRINTED = re.compile(r"([^\W_])\1(?!\1)([^\W_])\2(?!\2)([^\W_])\3(?!\3)([^\W_])\4")
CHROME = re.compile(r"<div|<p\b|<style|\{:|责任编辑|尽在新浪|版权所有|All Rights Reserved|appendQr")


def _files(*folders):
    return sorted(p for f in folders for p in (SHARED / f).rglob("*") if p.suffix in (".pdf", ".md", ".txt"))


@pytest.fixture(autouse=True)
def _no_ocr(monkeypatch):
    """OCR is tested on generated scans; here a scan must be reported, quickly."""
    monkeypatch.setattr(ocr, "available", lambda: False)


@pytest.mark.parametrize("path", _files("pdf-samples", "archive"), ids=lambda p: p.name)
def test_every_shared_file_reads_or_says_why(path):
    try:
        ex = extract(path, LIMIT)
    except ExtractionError as e:
        assert path.parent == SCANS and str(e) == "no text layer; OCR not installed"
        return
    assert path.parent != SCANS
    assert len(ex.text) > 10
    assert not CHROME.search(ex.text)
    doc = document_from_extracted(ex, path.name, {})
    if path.suffix == ".pdf":
        assert all(p.page is not None for p in doc.passages)  # each excerpt can cite its page
    # no doubled characters from over-printing: no run like 安安徽徽安安 / AANNHHUUII
    doubled = OVERPRINTED.search(ex.text)
    assert doubled is None, doubled.group(0)


def test_overprinted_chinese_cover_reads_once():
    text = extract(SHARED / "pdf-samples/cjk/issue-842-example.pdf", LIMIT).text
    assert text.startswith("安徽安利合成革股份有限公司\n\nANHUI ANLI ARTIFICIAL LEATHER CO.,LTD.")


def test_cmap_that_pdfium_misreads_is_read_by_pdfminer():
    ex = extract(SHARED / "pdf-samples/cjk/issue_566_test_1.pdf", LIMIT)
    assert ex.text == "ISSUE Date：2019-4-25 Buyer：黎荣" and ex.stats["pdfminer"] == 1


@pytest.mark.parametrize("name, sentence", [
    ("naacl06-shinyama.pdf", "We are trying to extend the boundary of Information Extraction (IE) systems. "
                             "Existing IE systems require a lot of time and human effort to tune for a new scenario."),
    ("federal-register-2020-17221.pdf", "SUMMARY: The FAA proposes to supersede Airworthiness Directive (AD) "
                                        "2018–23–51, which applies to all The Boeing Company Model 737–8"),
])
def test_multi_column_papers_keep_their_sentences(name, sentence):
    ex = extract(SHARED / "pdf-samples/two_column" / name, LIMIT)
    assert sentence in " ".join(ex.text.split())
    assert "Federal Register / Vol. 85" not in ex.text  # the running header is gone


def test_rotated_lab_report_is_upright():
    text = extract(SHARED / "pdf-samples/cjk/issue-461-example.pdf", LIMIT).text
    assert "采样时间" in text and "间时样采" not in text


def test_scanned_pages_inside_a_text_pdf_are_named():
    ex = extract(SHARED / "archive/en_pdfs/handbook_non_preferential_roo.pdf", LIMIT)
    assert len(ex.warnings) == 1 and ex.warnings[0].startswith("pages 2: no text layer")
    assert ex.warnings[0].endswith("; OCR not installed")
