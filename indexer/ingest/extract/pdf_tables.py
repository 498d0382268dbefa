"""Ruled tables on PDF pages, read cell by cell: each row one line, its cells whole, in column order.

Read as lines, a table is read straight across its columns: the first line of every cell, then the
second, giving "… with the Revised and adopt WCO rules aligned with WCO line with Revised Kyoto
Kyoto Convention …" (a landscape plan in the archive), which then looks like the best excerpt
for "Kyoto Convention". Here pdfplumber finds the tables from their rulings; every glyph inside a
cell is read with the cell's other glyphs only (over-prints removed, as for the page), a row is
its cells' texts in column order with " | " between them, and the text around the tables is read
as usual, each table's rows placed where the table stands. A header repeated at the top of the
table on every page is kept once. Glyphs are pdfium's, as for every page; pdfplumber only finds
the tables, and costs a quarter to half a second a page: a page is handed to it only when pdfium
sees straight rules or boxes on it on three or more columns and rows.
"""
from __future__ import annotations

from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from indexer.ingest.passages import join_lines

from .pdf_layout import Glyph, Line, layout_lines

MIN_ROWS = 2  # rows of two or more filled cells that make a table
MIN_EDGES = 3  # distinct vertical and horizontal edges a page needs to be looked at for tables
MAX_SEGMENTS = 6  # a rule or a box: move, three or four lines, close
EDGE_ROUND = 2.0  # points: edges closer than this are one
HEADER_ROWS = 2  # leading rows of a table that may repeat the header of the one before
SEPARATOR = " | "

Box = tuple[float, float, float, float]  # x0, top, x1, bottom


@dataclass
class Table:
    """A table found on a page: its box, and each row's cells (a cell's box, None where merged)."""

    bbox: Box
    rows: list[list[Box | None]]


def _straight(obj) -> bool:
    """A path of a few straight segments (a rule, a cell's box), not a curve of a logo or a chart."""
    n = raw.FPDFPath_CountSegments(obj.raw)
    if not 1 <= n <= MAX_SEGMENTS:
        return False
    return all(raw.FPDFPathSegment_GetType(raw.FPDFPath_GetPathSegment(obj.raw, i)) != raw.FPDF_SEGMENT_BEZIERTO
               for i in range(n))


def ruled(page) -> bool:
    """Does a pdfium page draw straight rules or boxes on at least three columns and three rows (a
    ruled table)? Only such pages are worth pdfplumber's time."""
    xs: set[int] = set()
    ys: set[int] = set()
    try:
        for obj in page.get_objects(filter=(raw.FPDF_PAGEOBJ_PATH,), max_depth=2):
            if not _straight(obj):
                continue
            left, bottom, right, top = obj.get_bounds()
            if right - left > EDGE_ROUND:
                ys.update((round(bottom / EDGE_ROUND), round(top / EDGE_ROUND)))
            if top - bottom > EDGE_ROUND:
                xs.update((round(left / EDGE_ROUND), round(right / EDGE_ROUND)))
            if len(xs) >= MIN_EDGES and len(ys) >= MIN_EDGES:
                return True
    except pdfium.PdfiumError:
        return False
    return False


def find(plumber_page) -> list[Table]:
    """The tables pdfplumber finds from a page's rulings that are tables: inside the page, with two
    rows of two or more filled cells (boxes of a designed page, drawn past its edges, are not)."""
    out = []
    w, h = plumber_page.width, plumber_page.height
    for t in plumber_page.find_tables():
        x0, top, x1, bottom = t.bbox
        if x0 < -1 or top < -1 or x1 > w + 1 or bottom > h + 1:
            continue
        filled = sum(1 for row in t.extract() if sum(1 for c in row if c and c.strip()) >= 2)
        if filled >= MIN_ROWS:
            out.append(Table(tuple(t.bbox), [list(r.cells) for r in t.rows]))
    return sorted(out, key=lambda t: t.bbox[1])


def _inside(g: Glyph, box: Box) -> bool:
    cx, cy = (g.x0 + g.x1) / 2, (g.top + g.bottom) / 2
    return box[0] <= cx <= box[2] and box[1] <= cy <= box[3]


def _row_texts(cells: list[list[Glyph]], width: float) -> list[str]:
    """A row's texts: one, its cells' texts in column order; or, when its cells hold lines side by
    side (a table ruled only around: several entries a cell), one per line across."""
    read = [layout_lines(c, width) for c in cells if c]
    read = [lines for lines in read if lines]
    if not read:
        return []
    k = len(read[0])
    if len(read) >= 2 and k >= 2 and all(len(lines) == k for lines in read) and all(
            abs(lines[i].cy - read[0][i].cy) <= 0.5 * read[0][i].size for lines in read for i in range(k)):
        return [SEPARATOR.join(lines[i].text.strip() for lines in read) for i in range(k)]
    texts = []
    for lines in read:
        text = ""
        for line in lines:
            text = join_lines(text, line.text.strip())
        texts.append(text)
    return [SEPARATOR.join(t for t in texts if t)]


def _row_lines(cells: list[list[Glyph]], boxes: list[Box | None], width: float) -> list[Line]:
    """A row as lines: one cell alone keeps its own lines and paragraphs (a table used for layout);
    several cells make one line (`_row_texts`) spanning the row."""
    filled = [c for c in cells if c]
    if len(filled) == 1:
        lines = layout_lines(filled[0], width)
        if lines:
            lines[0].new_para = True
        return lines
    found = [b for b in boxes if b is not None]
    sizes = sorted(g.bottom - g.top for c in filled for g in c)
    return [Line(text, min(b[0] for b in found), min(b[1] for b in found), max(b[2] for b in found),
                 max(b[3] for b in found), sizes[len(sizes) // 2] if sizes else 10.0, new_para=True)
            for text in _row_texts(cells, width)]


def table_lines(table: Table, glyphs: list[Glyph], width: float, headers: dict[str, list[str]]) -> list[Line]:
    """A table's rows as lines (see `_row_lines`). A table that starts with the first row of one read
    before (its header, repeated on the next page) loses the leading rows the two share; `headers`
    maps first rows to the leading rows read after them, and is updated."""
    rows: list[list[list[Glyph]]] = [[[] for _c in r] for r in table.rows]
    for g in glyphs:
        for ri, r in enumerate(table.rows):
            ci = next((ci for ci, box in enumerate(r) if box is not None and _inside(g, box)), None)
            if ci is not None:
                rows[ri][ci].append(g)
                break
    out = [line for boxes, cells in zip(table.rows, rows) for line in _row_lines(cells, boxes, width)]
    if not out:
        return out
    leading = [s.text for s in out[:HEADER_ROWS]]
    known = headers.get(leading[0])
    if known is None:
        headers[leading[0]] = leading
        return out
    same = 0
    while same < min(len(known), len(out)) and out[same].text == known[same]:
        same += 1
    return out[same:]


def page_lines(glyphs: list[Glyph], tables: list[Table], width: float, headers: dict[str, list[str]]) -> list[Line]:
    """A page's lines in reading order, each table's rows where the table stands: before the first
    line below its top under it (the column it stands in), else after the last line above it."""
    inside: list[list[Glyph]] = [[] for _t in tables]
    outside: list[Glyph] = []
    for g in glyphs:
        k = next((k for k, t in enumerate(tables) if _inside(g, t.bbox)), None)
        (outside if k is None else inside[k]).append(g)
    lines = layout_lines(outside, width)
    for k, t in enumerate(tables):
        rows = table_lines(t, inside[k], width, headers)
        if not rows:
            continue
        x0, top, x1, _bottom = t.bbox
        under = [i for i, s in enumerate(lines) if s.x0 < x1 and s.x1 > x0]
        at = next((i for i in under if lines[i].cy >= top), under[-1] + 1 if under else len(lines))
        if at < len(lines):
            lines[at].new_para = True
        lines[at:at] = rows
    return lines
