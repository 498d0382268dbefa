"""Writing real PDF and Word files for the tests (reportlab, python-docx): nothing is read from outside."""
from __future__ import annotations

import io
from pathlib import Path


def pdf_bytes(pages: list[list[str]], title: str | None = None, encrypt=None, chinese: bool = False) -> bytes:
    """A PDF with one text line per entry, page by page; `encrypt` is a user password or a StandardEncryption."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, encrypt=encrypt, invariant=1)
    if title is not None:
        c.setTitle(title)
    font = "Helvetica"
    if chinese:
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont

        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
        font = "STSong-Light"
    for lines in pages:
        c.setFont(font, 11)
        y = 800
        for line in lines:
            c.drawString(60, y, line)
            y -= 16
        c.showPage()
    c.save()
    return buf.getvalue()


def owner_only_encryption():
    """Encryption with an empty user password: anyone may open and read the file."""
    from reportlab.lib.pdfencrypt import StandardEncryption

    return StandardEncryption("", ownerPassword="owner-secret", canPrint=0, canModify=0, canCopy=0)


def docx_bytes(paragraphs: list[str], title: str | None = None) -> bytes:
    """A Word document with the given paragraphs."""
    import docx

    d = docx.Document()
    if title is not None:
        d.core_properties.title = title
    for p in paragraphs:
        d.add_paragraph(p)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def write(path: Path, data: bytes) -> Path:
    """Write bytes, creating folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
