"""PDF files: text per page in reading order, page numbers kept.

Each page takes the cheapest route that reads it right:
- fast: pdfium's text in content order, when the page is one column with no over-printing;
- layout: every glyph's box from pdfium, over-prints removed, columns found from the gutters
  (`pdf_layout`);
- pdfminer: the same layout from pdfplumber's glyphs, when pdfium cannot map a font but
  pdfminer can;
- OCR: tesseract on a rendering, for scans and text layers that are garbage (`ocr`).
Running headers, footers and page numbers are then removed across pages (`pdf_running`).
A page that needs OCR when tesseract is missing is named in a warning; a document with no
readable page at all fails with "no text layer; OCR not installed".

A page that cannot be read costs that page only: it is named in a warning and the others are
kept. Blank pages (nothing drawn, or a white rendering) never reach OCR; rendering is capped
in pixels, OCR in pages and seconds per file (config: RENDER_MAX_MEGAPIXELS, OCR_MAX_PAGES,
OCR_SECONDS), and pages beyond PDF_MAX_PAGES are not read; what a cap leaves out is named.
"""
from __future__ import annotations

import io
import re
import time
from pathlib import Path

from indexer.config import OCR_MAX_PAGES, OCR_SECONDS, OCR_TIMEOUT_S, PDF_MAX_PAGES, RENDER_MAX_PIXELS

from . import Extracted, ExtractionError, Page, one_line, ocr, pdf_pdfium, pdf_tables, quality
from .pdf_layout import Glyph, layout_lines, paragraphs_text, read_blocks
from .pdf_running import PageLines, remove_running_lines

SCAN_COVER = 0.5  # a page mostly covered by one image ...
SCAN_MAX_CHARS = 80  # ... with only this much text (a stamp, a page number) is a scan
MIN_SCAN_CHARS = 40  # a scanned PDF whose recognised text is shorter than this has not been read


def _page_ranges(numbers: list[int]) -> str:
    out, i = [], 0
    while i < len(numbers):
        j = i
        while j + 1 < len(numbers) and numbers[j + 1] == numbers[j] + 1:
            j += 1
        out.append(str(numbers[i]) if i == j else f"{numbers[i]}-{numbers[j]}")
        i = j + 1
    return ", ".join(out)


class _Pdfminer:
    """pdfplumber opened only when a page needs it."""

    def __init__(self, data: bytes):
        self.data, self.pdf = data, None
        self.pages: dict[int, list[Glyph]] = {}
        self.headers: dict[str, list[str]] = {}  # tables' leading rows read (a header repeats on each page)

    def glyphs(self, index: int) -> list[Glyph]:
        """The page's glyphs as pdfminer reads them (once per page)."""
        if index not in self.pages:
            self.pages[index] = self._read(index)
        return self.pages[index]

    def _open(self):
        if self.pdf is None:
            import pdfplumber

            self.pdf = pdfplumber.open(io.BytesIO(self.data))
        return self.pdf

    def _read(self, index: int) -> list[Glyph]:
        try:
            self._open()
            return [Glyph(c["text"], c["x0"], c["top"], c["x1"], c["bottom"]) for c in self.pdf.pages[index].chars]
        except Exception:  # pdfminer fails on some files pdfium reads: the page goes on to OCR
            return []

    def tables(self, index: int) -> tuple[list, float, float]:
        """(tables, page width, height) of a page as pdfplumber finds them from its rulings."""
        try:
            page = self._open().pages[index]
            return pdf_tables.find(page), page.width, page.height
        except Exception:  # pdfminer fails on some files pdfium reads: the page is read without
            return [], 0.0, 0.0

    def close(self) -> None:
        if self.pdf is not None:
            self.pdf.close()


def read_page(page, index: int, miner: _Pdfminer) -> tuple[str, list, str | None, float]:
    """(route, lines, why unreadable, page height): one page's lines by the cheapest route that reads it."""
    if pdf_pdfium.is_blank(page):
        return "blank", [], "blank page", page.get_height()
    if pdf_tables.ruled(page):
        read = _with_tables(page, index, miner)
        if read is not None:
            return read
    fast = pdf_pdfium.fast_lines(page)
    if fast is not None:
        lines, text = fast
        reason = quality.garbage_reason(text)
        if reason is None and quality.readable_chars(text) < SCAN_MAX_CHARS \
                and pdf_pdfium.image_cover(page) > SCAN_COVER:
            reason = "scanned page"
        if reason is None and pdf_pdfium.is_simple(lines) and not quality.suspicious_chars(text):
            return "fast", read_blocks([lines]), None, page.get_height()
    else:
        reason = None
    width, height = page.get_width(), page.get_height()
    if reason is None:
        glyphs, width, height = pdf_pdfium.glyphs(page)
        text = "".join(g.text for g in glyphs)
        reason = quality.garbage_reason(text)
        if reason is None and not (quality.suspicious_chars(text)
                                   and _better_in_pdfminer(text, miner.glyphs(index))):
            return "layout", layout_lines(glyphs, width), None, height
    if reason == "scanned page":
        return "ocr", [], reason, height
    glyphs = miner.glyphs(index)
    if glyphs and quality.garbage_reason("".join(g.text for g in glyphs)) is None:
        clean = [g for g in glyphs if quality.clean(g.text)]
        return "pdfminer", layout_lines(clean, page.get_width()), None, page.get_height()
    return "ocr", [], reason, height


def _with_tables(page, index: int, miner: _Pdfminer):
    """A page with ruled tables read by the layout route, each table cell by cell (read across its
    columns a table mixes every cell's lines); None when it has none, or they cannot be placed."""
    tables, width, height = miner.tables(index)
    if not tables:
        return None
    glyphs, g_width, g_height = pdf_pdfium.glyphs(page)
    if abs(g_width - width) > 1 or abs(g_height - height) > 1:
        return None  # text drawn turned, or boxes offset: pdfplumber's tables are elsewhere in pdfium's frame
    text = "".join(g.text for g in glyphs)
    if quality.garbage_reason(text) is not None or quality.suspicious_chars(text):
        return None  # the page's usual route judges the text layer
    return "layout", pdf_tables.page_lines(glyphs, tables, width, miner.headers), None, height


def _better_in_pdfminer(text: str, glyphs: list[Glyph]) -> bool:
    """pdfminer reads some CMaps right that pdfium maps to rare characters: a second opinion."""
    other = "".join(g.text for g in glyphs)
    return bool(other) and quality.garbage_reason(other) is None and \
        quality.suspicious_chars(other) < quality.suspicious_chars(text)


def _ocr_pages(pdf, wanted: list[int], sha256: str, cache_dir: Path | None, texts: dict, routes: dict,
               warnings: list[str]) -> None:
    """OCR of the pages that need it, within the file's page and time budget; what is left out is named."""
    cache = ocr.OcrCache(cache_dir)
    started = time.monotonic()
    failed: dict[str, list[int]] = {}
    for k, number in enumerate(wanted):
        if k >= OCR_MAX_PAGES:
            warnings.append(f"pages {_page_ranges(wanted[k:])}: not read: more than {OCR_MAX_PAGES} pages "
                            f"need OCR (OCR_MAX_PAGES)")
            break
        left = OCR_SECONDS - (time.monotonic() - started)
        if left <= 0:
            warnings.append(f"pages {_page_ranges(wanted[k:])}: not read: the file's OCR time ran out "
                            f"({OCR_SECONDS} s, OCR_SECONDS)")
            break
        key = cache.key(sha256, number)
        text = cache.get(key)
        if text is None:
            try:
                png = pdf_pdfium.render_png(pdf[number - 1], ocr.OCR_DPI, RENDER_MAX_PIXELS)
                text = "" if png is None else ocr.recognise(png, timeout=max(5.0, min(OCR_TIMEOUT_S, left)))
            except ocr.OcrError as e:
                failed.setdefault(one_line(str(e), 120), []).append(number)
                continue
            except (pdf_pdfium.pdfium.PdfiumError, MemoryError, ValueError, OSError) as e:
                failed.setdefault(f"cannot render: {type(e).__name__}", []).append(number)
                continue
            cache.put(key, text)
        texts[number] = text
        routes["ocr"] += 1
    for reason, numbers in failed.items():
        warnings.append(f"{'page' if len(numbers) == 1 else 'pages'} {_page_ranges(numbers)}: not read: {reason}")


def extract(path: Path, data: bytes | None = None, cache_dir: Path | None = None, sha256: str | None = None) -> Extracted:
    """A .pdf file (its bytes `data`, else read from `path`), page by page, in reading order;
    unreadable pages OCR'd when tesseract is installed."""
    if data is None:
        data = Path(path).read_bytes()
    if sha256 is None:
        import hashlib

        sha256 = hashlib.sha256(data).hexdigest()
    pdf = pdf_pdfium.open_pdf(data)
    miner = _Pdfminer(data)
    routes = {"fast": 0, "layout": 0, "pdfminer": 0, "ocr": 0}
    pages: list[PageLines] = []
    unreadable: dict[int, str] = {}
    warnings: list[str] = []
    try:
        meta: dict = {}
        try:
            info = pdf.get_metadata_dict()
        except Exception:
            info = {}
        title = info.get("Title", "")
        if isinstance(title, str) and title.strip():
            meta["title"] = title.strip()
        # kept apart from the document's own author and date: a word processor's user name and the
        # day a file was made or split are not an issuer or a publication date
        if isinstance(info.get("Author"), str) and info["Author"].strip():
            meta["file_author"] = info["Author"].strip()
        created = re.match(r"D:(\d{4})(\d{2})(\d{2})", str(info.get("CreationDate") or ""))
        if created:
            meta["file_date"] = "-".join(created.groups())
        n_pages = len(pdf)
        if n_pages == 0:
            raise ExtractionError("PDF has no pages")
        if n_pages > PDF_MAX_PAGES:
            warnings.append(f"pages {PDF_MAX_PAGES + 1}-{n_pages}: not read: more than {PDF_MAX_PAGES} pages "
                            f"(PDF_MAX_PAGES)")
        for i in range(min(n_pages, PDF_MAX_PAGES)):
            try:
                page = pdf[i]
                route, lines, reason, height = read_page(page, i, miner)
            except ExtractionError:
                raise
            except Exception as e:  # one broken page costs that page only; OCR may still read it
                unreadable[i + 1] = f"page cannot be read ({type(e).__name__})"
                pages.append(PageLines(i + 1, [], None))
                continue
            if reason:
                unreadable[i + 1] = reason
            else:
                routes[route] += 1
            pages.append(PageLines(i + 1, lines, height))
        remove_running_lines(pages)
        texts = {p.number: paragraphs_text(p.lines) for p in pages}
        blank = [n for n, why in unreadable.items() if why == "blank page"]
        wanted = sorted(n for n, why in unreadable.items() if why != "blank page")
        if wanted:
            if ocr.available():
                _ocr_pages(pdf, wanted, sha256, cache_dir, texts, routes, warnings)
            else:
                kinds = sorted({unreadable[n] for n in wanted} - {"no text", "scanned page"})
                what = "no text layer" + (f" or {'; '.join(kinds)}" if kinds else "")
                if len(wanted) + len(blank) < len(pages):
                    warnings.append(f"pages {_page_ranges(wanted)}: {what}; {ocr.NOT_INSTALLED}")
                meta["empty_reason"] = f"{what}; {ocr.NOT_INSTALLED}"
        if routes["ocr"] and not (routes["fast"] or routes["layout"] or routes["pdfminer"]):
            found = sum(quality.readable_chars(t) for t in texts.values())
            if found < MIN_SCAN_CHARS:  # a scan OCR could not read ("It Doesn't" of a JBIG2 page)
                raise ExtractionError(f"scanned PDF: OCR recognised almost no text ({found} characters "
                                      f"on {n_pages} page{'s' if n_pages != 1 else ''})")
        if "empty_reason" not in meta:
            meta["empty_reason"] = "no text found" + (
                " (every page blank)" if len(blank) == len(pages) else
                f" ({'; '.join(warnings)})" if warnings else
                " (OCR read nothing)" if routes["ocr"] else "")
    finally:
        miner.close()
        pdf.close()
    result = Extracted(pages=[Page(n, texts[n]) for n in sorted(texts)], kind="pdf", meta=meta,
                       warnings=warnings)
    result.stats = {"pages": n_pages, **routes}
    return result
