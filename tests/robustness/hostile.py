"""Hostile files, as issue 17 found them: small files that cost a reader gigabytes or minutes, valid
files that were refused or garbled, and names that forge report lines. Everything is generated here.

`write_corpus(root)` writes them all next to a few ordinary records and returns what a build must
make of each: the good files (with a word only that file contains), the bad ones (with a pattern
of their one-line reason) and the files indexed with a warning (with a pattern of the warning).
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from .files import docx_bytes, write

# ~600 bytes of YAML whose aliases expand to 9**9 strings (the "billion laughs")
YAML_BOMB = "a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n" + "".join(
    f"{b}: &{b} [{', '.join(['*' + a] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi"))
YAML_BOMB += "title: *i\npartners: *i\n"

JAPANESE = ("日本の税関と中国の税関は、東京で協力会議を開催し、知的財産権の保護について意見を交換しました。\n"
            "会議では、認定事業者の相互承認と通関の簡素化についても話し合われました。標記語 shiftjisword。\n")
KOREAN = ("한국 관세청과 중국 해관은 서울에서 협력 회의를 개최하고 지식재산권 보호에 관하여 의견을 교환하였습니다.\n"
          "회의에서는 수출입 통관 절차의 간소화도 논의되었습니다. 표지어 euckrword.\n")
UTF16_NOBOM = ("Singapore customs and China customs signed the AEO mutual recognition arrangement.\n"
               "新加坡海关与中国海关签署经认证的经营者互认安排，标记词 nobomword。\n")
INVISIBLE = ("中国海\u200b关与蒙古海\u00ad关在二连浩特举行口岸合作会谈\ufeff，双方同意扩大农产品快速通关试点。\n"
             "The cus\u00adtoms services agreed on a single win\u200bdow pilot; marker invisi\u200bbleword.\n")


@dataclass
class Expected:
    """What a build must make of the corpus."""

    good: dict[str, str] = field(default_factory=dict)  # doc_id -> a word only it contains
    bad: dict[str, str] = field(default_factory=dict)  # path in the report -> pattern of its reason
    warned: dict[str, str] = field(default_factory=dict)  # path -> pattern of one of its warnings
    texts: dict[str, list[str]] = field(default_factory=dict)  # doc_id -> strings its text must hold


def _zip_replace(data: bytes, member: str, new: bytes) -> bytes:
    """A copy of a zip package with one member's bytes replaced."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            z.writestr(info, new if info.filename == member else src.read(info.filename))
    return out.getvalue()


def docx_bomb(unpacked_mb: int = 400) -> bytes:
    """A ~1 MB Word file whose document.xml unpacks to `unpacked_mb` MB of paragraphs."""
    base = docx_bytes(["placeholder"])
    xml = zipfile.ZipFile(io.BytesIO(base)).read("word/document.xml").decode()
    head, tail = xml.split("<w:body>", 1)
    para = "<w:p><w:r><w:t>bomb paragraph of the customs archive</w:t></w:r></w:p>" * 2000
    chunk = para.encode()
    n = unpacked_mb * 1024 * 1024 // len(chunk)

    def stream():
        yield (head + "<w:body>").encode()
        for _ in range(n):
            yield chunk
        yield ("<w:sectPr/></w:body>" + tail.split("</w:body>", 1)[1]).encode()

    z = zipfile.ZipFile(io.BytesIO(base))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for info in z.infolist():
            if info.filename == "word/document.xml":
                member = zipfile.ZipInfo(info.filename)
                member.compress_type = zipfile.ZIP_DEFLATED
                with dst.open(member, "w", force_zip64=True) as f:
                    for piece in stream():
                        f.write(piece)
            else:
                dst.writestr(info, z.read(info.filename))
    return out.getvalue()


def docx_with_comment(paragraphs: list[str]) -> bytes:
    """A Word file with XML comments inside its body and inside a paragraph (Word keeps them)."""
    base = docx_bytes(paragraphs)
    xml = zipfile.ZipFile(io.BytesIO(base)).read("word/document.xml").decode()
    xml = xml.replace("<w:body>", "<w:body><!-- exported by the archive's converter -->", 1)
    xml = xml.replace("<w:r>", "<w:r><!-- run -->", 1)
    return _zip_replace(base, "word/document.xml", xml.encode())


def xlsx_far_cell(first: str, far: str) -> bytes:
    """A few-KB spreadsheet with text in A1 and in the last cell of the sheet (XFD1048576)."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Register"
    sheet["A1"] = first
    sheet["XFD1048576"] = far
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def pdf_pages(pages: list[tuple[tuple[float, float], list[str]]], top: float = 60) -> bytes:
    """A PDF of pages of given sizes (points), each with its lines of text from `top` points down."""
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1)
    for size, lines in pages:
        c.setPageSize(size)
        c.setFont("Helvetica", 11)
        y = size[1] - top
        for line in lines:
            c.drawString(60, y, line)
            y -= 16
        c.showPage()
    c.save()
    return buf.getvalue()


def pdf_text_around_a_huge_drawing(size: float = 14400.0) -> bytes:
    """Two text pages around a huge page that draws a frame and no text: only OCR could read it."""
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1)
    for page in ("first", "huge", "third"):
        c.setPageSize((size, size) if page == "huge" else A4)
        if page == "huge":
            c.setLineWidth(20)
            c.rect(size * 0.1, size * 0.1, size * 0.8, size * 0.8)
        else:
            c.setFont("Helvetica", 11)
            c.drawString(60, 780, f"The {page} page of the record {page}pageword.")
        c.showPage()
    c.save()
    return buf.getvalue()


def pdf_scanned_pages(n: int) -> bytes:
    """A PDF of `n` A4 pages, each a scan (an image, no text layer) of a few typed lines."""
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1)
    for k in range(n):
        img = Image.new("L", (1240, 1754), 255)
        draw = ImageDraw.Draw(img)
        for i in range(12):
            draw.text((120, 150 + 60 * i), f"Scanned page {k + 1}, line {i + 1} of the customs archive", fill=0,
                      font_size=28)
        c.drawImage(ImageReader(img), 0, 0, 595, 842)
        c.showPage()
    c.save()
    return buf.getvalue()


A4 = (595.0, 842.0)


def write_corpus(root: Path, blank_pages: int = 300, scanned_pages: int = 0) -> Expected:
    """Write every hostile file of issue 17, and a few ordinary records, under `root`; with
    `scanned_pages`, also a scan of that many pages, more than OCR reads in its time per file."""
    e = Expected()

    def good(rel: str, data: bytes, word: str, *texts: str) -> None:
        write(root / rel, data)
        e.good[rel] = word
        if texts:
            e.texts[rel] = list(texts)

    for i in range(6):
        good(f"records/note-{i}.txt", f"第{i}份纪要：中国海关与蒙古海关会谈，marker noteword{i}。\n".encode(), f"noteword{i}")

    # YAML alias bombs: in front matter (read by a reader) and in a sidecar (read while scanning)
    good("bomb-front-matter.md", f"---\n{YAML_BOMB}---\n\n# Minutes\n\nThe body survives frontbombword.\n".encode(),
         "frontbombword")
    e.warned["bomb-front-matter.md"] = r"^front matter ignored: YAML .*alias"
    good("bomb-sidecar.txt", "中国海关与东盟海关会谈 sidecarbombword。".encode(), "sidecarbombword")
    write(root / "bomb-sidecar.txt.meta.yaml", YAML_BOMB.encode())
    e.warned["bomb-sidecar.txt.meta.yaml"] = r"^sidecar not read: YAML .*alias"

    # zip-based formats: a docx that unpacks to 400 MB, a spreadsheet with one far cell
    write(root / "bomb.docx", docx_bomb(400))
    e.bad["bomb.docx"] = r"^docx unpacks to \d+ MB > limit \d+ MB"
    good("far-cell.xlsx", xlsx_far_cell("Register of visits farregisterword", "far corner farcellword"),
         "farcellword", "farregisterword")

    # PDFs: one 14,400-point blank page; hundreds of blank pages; text pages around a huge blank one;
    # pages of one numbered line each
    write(root / "huge-blank-page.pdf", pdf_pages([((14400.0, 14400.0), [])]))
    e.bad["huge-blank-page.pdf"] = r"^no text found"
    write(root / "blank-pages.pdf", pdf_pages([(A4, [])] * blank_pages))
    e.bad["blank-pages.pdf"] = r"^no text found"
    good("three-pages-and-a-huge-one.pdf",
         pdf_pages([(A4, ["First page of the customs record threepageword."]),
                    (A4, ["Second page on rules of origin."]), (A4, ["Third page on transit."]),
                    ((14400.0, 14400.0), [])]),
         "threepageword", "Second page on rules of origin", "Third page on transit")
    numbered = [f"{n}. Agreement number {n} between China Customs and partner {n} numberedword." for n in range(1, 9)]
    good("numbered-lines.pdf", pdf_pages([(A4, [line]) for line in numbered]), "numberedword", *numbered)

    if scanned_pages:
        good("scanned.pdf", pdf_scanned_pages(scanned_pages), "archive")
        e.warned["scanned.pdf"] = r"^pages \d+-\d+: not read: the file's OCR time ran out"

    # valid files that were refused or garbled
    good("comment.docx", docx_with_comment(["Word minutes with a comment commentword.", "第二段：知识产权。"]),
         "commentword", "第二段")
    good("utf16le-nobom.txt", UTF16_NOBOM.encode("utf-16-le"), "nobomword", "经认证的经营者互认安排")
    good("shift-jis.txt", JAPANESE.encode("shift_jis"), "shiftjisword", "知的財産権の保護")
    good("euc-kr.txt", KOREAN.encode("euc_kr"), "euckrword", "지식재산권 보호")
    deep = "<div>" * 3000 + "<p>Deeply nested page text deephtmlword about the customs union.</p>" + "</div>" * 3000
    good("deep.html", f"<html><body>{deep}</body></html>".encode(), "deephtmlword")
    good("invisible.txt", INVISIBLE.encode(), "invisibleword")

    # names that would forge report lines or colour the terminal (unknown type: reported)
    write(root / "forged\nfailed: records: all lost.png", b"\x89PNG\r\n\x1a\n")
    e.bad["forged\nfailed: records: all lost.png"] = r"^unknown type \.png$"
    write(root / "\x1b[31mred\x1b[0m.png", b"\x89PNG\r\n\x1a\n")
    e.bad["\x1b[31mred\x1b[0m.png"] = r"^unknown type \.png$"
    return e
