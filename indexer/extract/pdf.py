"""PDF files through pdfplumber: text per page, page numbers kept."""
from __future__ import annotations

from pathlib import Path

from . import Extracted, ExtractionError, Page


def _open(path: Path):
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        return pdfplumber.open(str(path))
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise ExtractionError("encrypted PDF (password required)") from None
    except PdfminerException as e:
        inner = e.args[0] if e.args else e
        if isinstance(inner, (PDFPasswordIncorrect, PDFEncryptionError)):
            raise ExtractionError("encrypted PDF (password required)") from None
        raise ExtractionError(f"corrupt PDF: {type(inner).__name__}: {str(inner)[:100]}") from None
    except PDFSyntaxError as e:
        raise ExtractionError(f"corrupt PDF: {str(e)[:100]}") from None


def extract(path: Path) -> Extracted:
    """A .pdf file, page by page; over-printed characters are de-duplicated."""
    pages: list[Page] = []
    with _open(path) as pdf:
        meta: dict = {}
        info = pdf.metadata or {}
        title = info.get("Title")
        if isinstance(title, str) and title.strip():
            meta["title"] = title.strip()
        for i, page in enumerate(pdf.pages, start=1):
            text = page.dedupe_chars().extract_text() or ""
            pages.append(Page(i, text))
    if not any(p.text.strip() for p in pages):
        meta["empty_reason"] = "no text layer; OCR not installed"
    return Extracted(pages=pages, kind="pdf", meta=meta)
