"""What pypdfium2 tells about a page: its text in content order as lines with boxes (the fast path),
each glyph with its box (for the layout path), and a rendering (for OCR).

pdfium is 20-50 times faster than pdfminer here. Coordinates are turned top-down to match
`pdf_layout`.
"""
from __future__ import annotations

import math
import re

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from . import ExtractionError
from .pdf_layout import Glyph, Line, find_gutters, is_wide

OVERPRINT_RATIO = 1.7  # a line whose characters need 1.7x the room they have is printed over itself
SPARSE_RATIO = 0.55  # ... and one that has twice the room it needs holds gaps (columns read across, a table)


def open_pdf(source) -> pdfium.PdfDocument:
    """The document (from a path or the file's bytes), or ExtractionError naming why it cannot be
    opened (encrypted, corrupt)."""
    try:
        return pdfium.PdfDocument(source if isinstance(source, bytes) else str(source))
    except pdfium.PdfiumError as e:
        msg = str(e)
        if "password" in msg.lower():
            raise ExtractionError("encrypted PDF (password required)") from None
        detail = re.search(r"PDFium: ([^)]+)", msg)
        raise ExtractionError(f"corrupt PDF: {detail.group(1) if detail else msg}") from None


def _top_of(page) -> float:
    return page.get_mediabox()[3]


def _loose_box(tp, i: int, rect) -> tuple[float, float, float, float]:
    raw.FPDFText_GetLooseCharBox(tp.raw, i, rect)
    return rect.left, rect.top, rect.right, rect.bottom


def _est_width(text: str, size: float) -> float:
    """Room a text needs at this line height: CJK glyphs are square, Latin ones about half as wide."""
    w = 0.0
    for ch in text:
        w += 0.87 if is_wide(ch) else (0.22 if ch == " " else 0.44)
    return w * size


def fast_lines(page) -> tuple[list[Line], str] | None:
    """The page's text lines in content order with their boxes, and the page text; None if they do not map."""
    tp = page.get_textpage()
    n = tp.count_chars()
    text = tp.get_text_range()
    if n == 0:
        return [], ""
    if len(text) != n:
        return None
    top = _top_of(page)
    rect = raw.FS_RECTF()
    lines: list[Line] = []
    start = 0
    for i in range(n + 1):
        if i < n and text[i] not in "\r\n":
            continue
        seg = text[start:i]
        stripped = seg.strip()
        if stripped:
            a = start + (len(seg) - len(seg.lstrip()))
            b = start + len(seg.rstrip()) - 1
            l0, t0, r0, b0 = _loose_box(tp, a, rect)
            l1, t1, r1, b1 = _loose_box(tp, b, rect)
            lines.append(Line(stripped, min(l0, l1), top - max(t0, t1), max(r0, r1), top - min(b0, b1),
                              max(t0 - b0, 0.1)))
        start = i + 1
    return lines, text


def is_simple(lines: list[Line]) -> bool:
    """True when content order can be trusted: one column, no over-printing, no lines read across gaps."""
    for s in lines:
        span = s.x1 - s.x0
        if len(s.text) < 6 or span <= 0:
            continue
        ratio = _est_width(s.text, s.size) / span
        if ratio > OVERPRINT_RATIO or (ratio < SPARSE_RATIO and span > 8 * s.size):
            return False
    return not find_gutters(lines)


def _quarter_turns(tp, n: int) -> int:
    """How many quarter turns (counter-clockwise) most of the page's text is drawn at."""
    votes = [0, 0, 0, 0]
    for i in range(0, n, max(1, n // 200)):
        angle = raw.FPDFText_GetCharAngle(tp.raw, i)
        if angle >= 0:
            votes[-round(angle / (math.pi / 2)) % 4] += 1  # pdfium measures clockwise
    return max(range(4), key=lambda q: votes[q])


def _turn(x: float, y: float, q: int) -> tuple[float, float]:
    """A point of PDF space turned back by q quarter turns, so that text drawn at q reads upright."""
    for _ in range(q):
        x, y = y, -x
    return x, y


def glyphs(page) -> tuple[list[Glyph], float, float]:
    """Every drawn character (pdfium's inserted spaces and line breaks left out) with its box, upright,
    and the page's width and height in that upright frame."""
    tp = page.get_textpage()
    n = tp.count_chars()
    q = _quarter_turns(tp, n) if n else 0
    left, bottom, right, top = page.get_mediabox()
    corners = [_turn(x, y, q) for x, y in ((left, bottom), (left, top), (right, bottom), (right, top))]
    ox, oy = min(c[0] for c in corners), max(c[1] for c in corners)
    width = max(c[0] for c in corners) - ox
    height = oy - min(c[1] for c in corners)
    rect = raw.FS_RECTF()
    out: list[Glyph] = []
    get_unicode, is_generated = raw.FPDFText_GetUnicode, raw.FPDFText_IsGenerated
    for i in range(n):
        if is_generated(tp.raw, i) == 1:
            continue
        code = get_unicode(tp.raw, i)
        if code in (0, 10, 13):
            continue
        ch = chr(code) if code < 0x110000 else "\ufffd"
        l, t, r, b = _loose_box(tp, i, rect)
        if q:
            (x0, y0), (x1, y1) = _turn(l, b, q), _turn(r, t, q)
            l, r, b, t = min(x0, x1), max(x0, x1), min(y0, y1), max(y0, y1)
        out.append(Glyph(ch, l - ox, oy - t, r - ox, oy - b))
    return out, width, height


def image_cover(page) -> float:
    """The share of the page covered by its largest image (a scan under a thin text layer)."""
    w, h = page.get_size()
    best = 0.0
    for obj in page.get_objects(filter=(raw.FPDF_PAGEOBJ_IMAGE,), max_depth=2):
        try:
            left, bottom, right, top = obj.get_bounds()
        except pdfium.PdfiumError:
            continue
        best = max(best, (right - left) * (top - bottom) / max(w * h, 1.0))
    return best


def is_blank(page) -> bool:
    """True for a page that draws nothing at all (no text, image or path objects)."""
    return raw.FPDFPage_CountObjects(page.raw) == 0


def render_scale(width: float, height: float, dpi: int, max_pixels: int) -> float:
    """Pixels per point for rendering a page at `dpi`, lowered so the image has at most `max_pixels`."""
    scale = dpi / 72
    pixels = width * height * scale * scale
    if pixels > max_pixels > 0:
        scale = math.sqrt(max_pixels / max(width * height, 1.0))
    return scale


def render_png(page, dpi: int, max_pixels: int = 0) -> bytes | None:
    """The page as a greyscale PNG at `dpi` (scaled down to at most `max_pixels`), None when it renders blank."""
    import io

    width, height = page.get_size()
    bitmap = page.render(scale=render_scale(width, height, dpi, max_pixels), grayscale=True)
    image = bitmap.to_pil()
    low, _high = image.getextrema()
    if low >= 250:  # white (or nearly) everywhere: nothing for OCR to read
        return None
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()

