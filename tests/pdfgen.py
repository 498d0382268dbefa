"""Small PDFs the extraction tests write for themselves (reportlab, STSong-Light for Chinese)."""
from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
W, H = A4
ZH = "STSong-Light"
EN = "Times-Roman"


def wrap(text: str, width: int) -> list[str]:
    """Chinese text cut every `width` characters; English at word boundaries."""
    if any("\u4e00" <= c <= "\u9fff" for c in text):
        return [text[i:i + width] for i in range(0, len(text), width)]
    lines, cur = [], ""
    for word in text.split():
        if cur and len(cur) + 1 + len(word) > width:
            lines.append(cur)
            cur = word
        else:
            cur = f"{cur} {word}".strip()
    return lines + ([cur] if cur else [])


def wrap_to(text: str, font: str, size: float, width: float) -> list[str]:
    """English text wrapped as a typesetter does: a word goes to the next line when it does not fit."""
    lines, cur = [], ""
    for word in text.split():
        candidate = f"{cur} {word}".strip()
        if cur and pdfmetrics.stringWidth(candidate, font, size) > width:
            lines.append(cur)
            cur = word
        else:
            cur = candidate
    return lines + ([cur] if cur else [])


def columns_page(c: canvas.Canvas, columns: list[list[str]], font: str, size: float, top: float,
                 left: float = 60, gutter: float = 24, row_by_row: bool = True) -> None:
    """Columns of lines side by side; drawn row by row across the columns (the hard order) by default."""
    width = (W - 2 * left - gutter * (len(columns) - 1)) / len(columns)
    c.setFont(font, size)
    rows = max(len(col) for col in columns)
    if row_by_row:
        for r in range(rows):
            for k, col in enumerate(columns):
                if r < len(col):
                    c.drawString(left + k * (width + gutter), top - r * size * 1.5, col[r])
    else:
        for k, col in enumerate(columns):
            for r, line in enumerate(col):
                c.drawString(left + k * (width + gutter), top - r * size * 1.5, line)


def save(path: Path, draw_pages) -> Path:
    """A PDF whose pages are drawn by the callables in `draw_pages` (each gets the canvas)."""
    c = canvas.Canvas(str(path), pagesize=A4)
    for draw in draw_pages:
        draw(c)
        c.showPage()
    c.save()
    return path


def scan_of(source: Path, target: Path, dpi: int = 200) -> Path:
    """`target` made of page images of `source`: a scan with no text layer."""
    import io

    import pypdfium2 as pdfium
    from reportlab.lib.utils import ImageReader

    doc = pdfium.PdfDocument(str(source))
    c = canvas.Canvas(str(target), pagesize=A4)
    for page in doc:
        image = page.render(scale=dpi / 72).to_pil()
        buf = io.BytesIO()
        image.save(buf, format="PNG")
        buf.seek(0)
        c.drawImage(ImageReader(buf), 0, 0, width=W, height=H)
        c.showPage()
    c.save()
    doc.close()
    return target


def ruled_table(c: canvas.Canvas, rows: list[list[str]], widths: list[float], left: float, top: float,
                font: str = EN, size: float = 10) -> float:
    """A table ruled on every side of every cell, each cell's text wrapped to its column; drawn line by
    line across the row (the order that reads a table across its columns). Returns the table's bottom."""
    lead, pad = size * 1.3, 4
    c.setFont(font, size)
    y = top
    c.line(left, y, left + sum(widths), y)
    for row in rows:
        cells = [wrap_to(text, font, size, w - 2 * pad) for text, w in zip(row, widths)]
        height = max(len(lines) for lines in cells) * lead + 2 * pad
        for i in range(max(len(lines) for lines in cells)):
            x = left
            for lines, w in zip(cells, widths):
                if i < len(lines):
                    c.drawString(x + pad, y - pad - size - i * lead, lines[i])
                x += w
        x = left
        for w in [0] + widths:
            x += w
            c.line(x, y, x, y - height)
        y -= height
        c.line(left, y, left + sum(widths), y)
    return y
