"""Reading order of a PDF page from glyph positions: over-prints removed, lines, columns, paragraphs.

Works on plain glyph boxes in top-down page coordinates, whichever library produced them, so it
can be tested on hand-made glyphs. Columns are found from the layout itself: a gutter is an
x-band that (almost) no text crosses, with prose columns of similar height on both sides; a
title that crosses the gutter cuts the page into bands that are read one after the other, each
band column by column. Vertical (CJK top-to-bottom) pages are turned a quarter so that the same
code reads their columns right to left.
"""
from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

import numpy as np

from indexer.analysis.textnorm import is_han
from indexer.ingest.passages import join_lines

OVERPRINT_TOLERANCE = 0.3  # copies of a glyph within this fraction of its size are one glyph
SEGMENT_GAP = 1.1  # a horizontal gap wider than this many ems separates two pieces of text
MIN_COLUMN_EMS = 6  # a column narrower than this (in ems) is a list marker or table cell, not a column
MIN_COLUMN_FILL = 0.5  # in a prose column the median line fills at least half the column's width


@dataclass(slots=True)
class Glyph:
    """One drawn character with its box (top < bottom)."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float


@dataclass(slots=True)
class Line:
    """A line (or a piece of one) of text with its box, in reading order."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    new_para: bool = False
    row: int = -1  # the glyph row a piece was cut from (-1: a whole line)

    @property
    def cy(self) -> float:
        """Vertical centre."""
        return (self.top + self.bottom) / 2


def is_wide(ch: str) -> bool:
    """A full-width character: CJK ideographs, kana, Hangul, full-width forms."""
    return is_han(ch) or "\u3000" <= ch <= "\u30ff" or "\uff00" <= ch <= "\uffef" or "\uac00" <= ch <= "\ud7af"


def dedupe(glyphs: list[Glyph], tolerance: float = OVERPRINT_TOLERANCE) -> list[Glyph]:
    """Drop over-printed copies (fake bold drawn 2-4 times with a small offset), keeping the first."""
    kept: list[Glyph] = []
    grid: dict[tuple, list[Glyph]] = {}
    for g in glyphs:
        h = max(g.bottom - g.top, 0.5)
        w = max(g.x1 - g.x0, 0.5)
        tol = tolerance * min(h, w)
        cell = max(h, 1.0)
        fx, fy = g.x0 / cell, g.top / cell
        cx, cy = int(fx), int(fy)
        # tol < cell/2: a copy can only sit in this cell or the neighbours on the near sides
        nx = cx - 1 if fx - cx < 0.5 else cx + 1
        ny = cy - 1 if fy - cy < 0.5 else cy + 1
        duplicate = any(abs(k.x0 - g.x0) <= tol and abs(k.top - g.top) <= tol
                        for key in ((g.text, cx, cy), (g.text, nx, cy), (g.text, cx, ny), (g.text, nx, ny))
                        for k in grid.get(key, ()))
        if not duplicate:
            kept.append(g)
            grid.setdefault((g.text, cx, cy), []).append(g)
    return kept


def is_vertical(glyphs: list[Glyph]) -> bool:
    """True when most glyphs continue straight below rather than to the right (vertical CJK writing)."""
    solid = [g for g in glyphs if not g.text.isspace()]
    if len(solid) < 20 or sum(1 for g in solid if is_wide(g.text[0])) < 0.3 * len(solid):
        return False  # only CJK is written top to bottom
    sizes = sorted(g.bottom - g.top for g in solid)
    cell = max(sizes[len(sizes) // 2], 1.0)
    grid: dict[tuple[int, int], list[Glyph]] = {}
    for g in solid:
        grid.setdefault((int(g.x0 // cell), int(g.top // cell)), []).append(g)
    below = right = 0
    sample = solid[:: max(1, len(solid) // 400)]  # a few hundred glyphs tell the direction
    for g in sample:
        h, w = g.bottom - g.top, g.x1 - g.x0
        gx, gy = int(g.x0 // cell), int(g.top // cell)
        found_below = found_right = False
        for dx in (-1, 0, 1, 2):
            for dy in (-1, 0, 1, 2):
                for k in grid.get((gx + dx, gy + dy), ()):
                    if k is g:
                        continue
                    if abs(k.x0 - g.x0) < 0.3 * w and 0.6 * h < k.top - g.top < 1.6 * h:
                        found_below = True
                    if abs(k.top - g.top) < 0.3 * h and 0.6 * w < k.x0 - g.x0 < 1.6 * w:
                        found_right = True
        below += found_below and not found_right
        right += found_right and not found_below
    return below > 2 * right and below > 0.3 * len(sample)


def quarter_turn(glyphs: list[Glyph], width: float) -> list[Glyph]:
    """Vertical writing turned so that its columns (right to left) become lines (top to bottom)."""
    return [Glyph(g.text, g.top, width - g.x1, g.bottom, width - g.x0) for g in glyphs]


def _rows(glyphs: list[Glyph]) -> list[list[Glyph]]:
    """Glyphs grouped by baseline, each row sorted left to right."""
    rows: list[list[Glyph]] = []
    cur: list[Glyph] = []
    cur_cy = cur_h = 0.0
    for g in sorted(glyphs, key=lambda g: (g.top + g.bottom) / 2):
        cy, h = (g.top + g.bottom) / 2, g.bottom - g.top
        if cur and abs(cy - cur_cy) <= 0.4 * max(h, cur_h):
            cur.append(g)
            cur_cy += (cy - cur_cy) / len(cur)
            cur_h = max(cur_h, h)
        else:
            if cur:
                rows.append(sorted(cur, key=lambda g: g.x0))
            cur, cur_cy, cur_h = [g], cy, h
    if cur:
        rows.append(sorted(cur, key=lambda g: g.x0))
    return rows


def _space_between(prev: Glyph, g: Glyph, size: float, pending_space: bool) -> bool:
    gap = g.x0 - prev.x1
    cjk = is_wide(prev.text[-1]) or is_wide(g.text[0])
    return (pending_space and not (cjk and gap < 0.2 * size)) or gap > (0.6 if cjk else 0.13) * size


def _words(row: list[Glyph], row_id: int) -> list[Line]:
    """A row cut into words where a space falls (CJK runs stay whole)."""
    solid = [g for g in row if not g.text.isspace()]
    if not solid:
        return []
    size = statistics.median(g.bottom - g.top for g in solid)
    words: list[Line] = []
    cur: list[Glyph] = []
    pending_space = False

    def flush():
        if cur:
            words.append(Line("".join(g.text for g in cur), min(g.x0 for g in cur), min(g.top for g in cur),
                              max(g.x1 for g in cur), max(g.bottom for g in cur), size, row=row_id))

    for g in row:
        if g.text.isspace():
            pending_space = bool(cur)
            continue
        if cur and _space_between(cur[-1], g, size, pending_space):
            flush()
            cur = []
        cur.append(g)
        pending_space = False
    flush()
    return words


def _join_words(words: list[Line]) -> Line:
    return Line(" ".join(w.text for w in words), words[0].x0, min(w.top for w in words),
                max(w.x1 for w in words), max(w.bottom for w in words), words[0].size, row=words[0].row)


def segments(glyphs: list[Glyph]) -> list[Line]:
    """Pieces of text: rows cut wherever a gap is wider than an em or so, or where a column gutter runs."""
    words: list[Line] = []
    for i, row in enumerate(_rows(glyphs)):
        words += _words(row, i)
    gutters = find_gutters(words)
    out: list[Line] = []
    cur: list[Line] = []
    for w in words:
        gap = w.x0 - cur[-1].x1 if cur else 0.0
        # a gap that holds a gutter cuts the row, unless it is a mere word space (a title across)
        if cur and (w.row != cur[-1].row or gap > SEGMENT_GAP * w.size
                    or any(cur[-1].x1 <= (a + b) / 2 <= w.x0 and gap >= max(0.5 * (b - a), 0.5 * w.size)
                           for a, b in gutters)):
            out.append(_join_words(cur))
            cur = []
        cur.append(w)
    if cur:
        out.append(_join_words(cur))
    return out


def _median_size(lines: list[Line]) -> float:
    return statistics.median(s.size for s in lines) if lines else 10.0


def _column_fill(lines: list[Line], c0: float, c1: float) -> tuple[int, float]:
    """How many rows a column holds and how much of its width its median row fills."""
    extents: dict[object, list[float]] = {}
    for s in lines:
        if s.x0 >= c0 - 1 and s.x1 <= c1 + 1:
            key = s.row if s.row >= 0 else id(s)
            e = extents.setdefault(key, [s.x0, s.x1])
            e[0], e[1] = min(e[0], s.x0), max(e[1], s.x1)
    if not extents or c1 <= c0:
        return 0, 0.0
    return len(extents), statistics.median(b - a for a, b in extents.values()) / (c1 - c0)


def find_gutters(lines: list[Line]) -> list[tuple[float, float]]:
    """Vertical gutters between prose columns: x-bands crossed by few words, with full columns each side."""
    if len(lines) < 6:
        return []
    size = _median_size(lines)
    left = min(s.x0 for s in lines)
    right = max(s.x1 for s in lines)
    n = int(math.ceil(right - left)) + 2
    delta = np.zeros(n + 1)
    for s in lines:
        delta[int(s.x0 - left)] += 1
        delta[min(n, int(math.ceil(s.x1 - left)))] -= 1
    coverage = np.cumsum(delta)[:n]
    rows = len({s.row if s.row >= 0 else id(s) for s in lines})
    allowed = max(1, rows // 6)  # titles, author blocks and footnotes may cross a gutter
    low = coverage <= allowed
    bands: list[tuple[float, float]] = []
    i = 0
    while i < n:
        if low[i]:
            j = i
            while j < n and low[j]:
                j += 1
            if i > 0 and j < n - 1 and j - i >= max(0.8 * size, 4):
                bands.append((left + i, left + j))
            i = j
        else:
            i += 1
    while bands:
        edges = [left] + [x for b in bands for x in b] + [right]
        worst, worst_fill = None, None
        for c in range(len(bands) + 1):
            c0, c1 = edges[2 * c], edges[2 * c + 1]
            count, fill = _column_fill(lines, c0, c1)
            ok = count >= 3 and c1 - c0 >= MIN_COLUMN_EMS * size and fill >= MIN_COLUMN_FILL
            if not ok and (worst_fill is None or fill < worst_fill):
                worst, worst_fill = c, fill
        if worst is None:
            break
        # merge the failing column with a neighbour by dropping the narrower of its gutters
        candidates = [b for b in (worst - 1, worst) if 0 <= b < len(bands)]
        bands.pop(min(candidates, key=lambda b: bands[b][1] - bands[b][0]))
    if not bands:
        return []
    # the columns must stand side by side, not one above the other
    edges = [left] + [x for b in bands for x in b] + [right]
    sides = []
    for c in range(len(bands) + 1):
        inside = [s for s in lines if s.x0 >= edges[2 * c] - 1 and s.x1 <= edges[2 * c + 1] + 1]
        sides.append((min(s.top for s in inside), max(s.bottom for s in inside)))
    for (a0, a1), (b0, b1) in zip(sides, sides[1:]):
        if min(a1, b1) - max(a0, b0) < 0.3 * min(a1 - a0, b1 - b0):
            return []
    return bands


def _crosses(s: Line, band: tuple[float, float]) -> bool:
    return s.x0 < band[0] - 1 and s.x1 > band[1] + 1


def order(lines: list[Line], hint: list[tuple[float, float]] | None = None, depth: int = 0) -> list[list[Line]]:
    """Blocks in reading order: bands cut at spanning lines, each band column by column, left to right."""
    if not lines:
        return []
    gutters = find_gutters(lines) if depth < 8 else []
    if not gutters and hint:
        # a short band between two titles keeps the gutters of the page around it
        gutters = [b for b in hint if not any(_crosses(s, b) for s in lines)
                   and any(s.x1 <= b[0] + 1 for s in lines) and any(s.x0 >= b[1] - 1 for s in lines)]
    if not gutters:
        return [lines]
    spanning = sorted((s for s in lines if any(_crosses(s, b) for b in gutters)), key=lambda s: s.top)
    if spanning:
        rest = [s for s in lines if not any(_crosses(s, b) for b in gutters)]
        slots: list[list[Line]] = [[] for _ in range(len(spanning) + 1)]
        for s in rest:
            slots[sum(1 for c in spanning if c.cy < s.cy)].append(s)
        blocks: list[list[Line]] = []
        for i, slot in enumerate(slots):
            blocks += order(slot, gutters, depth + 1)
            if i < len(spanning):
                if blocks and blocks[-1] and blocks[-1][-1] in spanning:
                    blocks[-1].append(spanning[i])
                else:
                    blocks.append([spanning[i]])
        return blocks
    edges = [-math.inf] + [b[0] for b in gutters] + [math.inf]
    blocks = []
    for c0, c1 in zip(edges, edges[1:]):
        column = [s for s in lines if c0 <= (s.x0 + s.x1) / 2 < c1]
        blocks += order(column, None, depth + 1)
    return blocks


def _merge_row(pieces: list[Line]) -> Line:
    pieces = sorted(pieces, key=lambda s: s.x0)
    text = " ".join(p.text for p in pieces)
    return Line(text, pieces[0].x0, min(p.top for p in pieces), max(p.x1 for p in pieces),
                max(p.bottom for p in pieces), statistics.median(p.size for p in pieces))


def block_lines(block: list[Line]) -> list[Line]:
    """The pieces of one block regrouped into lines, top to bottom."""
    out: list[Line] = []
    cur: list[Line] = []
    for s in sorted(block, key=lambda s: s.cy):
        if cur and abs(s.cy - statistics.fmean(c.cy for c in cur)) <= 0.4 * max(s.size, cur[0].size):
            cur.append(s)
        else:
            if cur:
                out.append(_merge_row(cur))
            cur = [s]
    if cur:
        out.append(_merge_row(cur))
    return out


_TERMINAL = tuple("。！？；.!?;:：")


def mark_paragraphs(lines: list[Line]) -> None:
    """Set `new_para` on lines of one block that start a paragraph (gap, indent, short line before, size change)."""
    if not lines:
        return
    left = min(s.x0 for s in lines)
    pitches = sorted(b.top - a.top for a, b in zip(lines, lines[1:]) if b.top > a.top)
    # the tight spacing inside paragraphs, not the gaps between them
    pitch = pitches[len(pitches) // 5] if len(pitches) >= 2 else 1.4 * lines[0].size
    lines[0].new_para = True
    for i in range(1, len(lines)):
        prev, line = lines[i - 1], lines[i]
        size = max(line.size, 1.0)
        right = max(s.x1 for s in lines[max(0, i - 3): i + 3])  # the local right margin
        # the line before ended early: the first word of this one would have fitted after it
        first = line.text.split(" ", 1)[0]
        if first and is_wide(first[0]):
            first = first[0]
        first_width = (line.x1 - line.x0) * len(first) / max(len(line.text), 1)
        short_before = right - prev.x1 > first_width + 0.6 * size and not prev.text.endswith("-")
        indented = line.x0 > left + 0.8 * size and line.x0 > prev.x0 + 0.8 * size
        line.new_para = (line.top - prev.top > 1.45 * pitch + 0.5 or abs(line.size - prev.size) > 0.18 * size
                         or short_before or indented)


def read_blocks(blocks: list[list[Line]]) -> list[Line]:
    """Lines of all blocks in order, paragraph starts marked; a paragraph may run on into the next column."""
    out: list[Line] = []
    for block in blocks:
        lines = block_lines(block)
        mark_paragraphs(lines)
        if out and lines:
            prev, first = out[-1], lines[0]
            block_left = min(s.x0 for s in lines)
            prev_full = len(out) >= 2 and prev.x1 >= max(s.x1 for s in out[-3:]) - 1.5 * prev.size
            if prev_full and not prev.text.endswith(_TERMINAL) and first.x0 <= block_left + 0.5 * first.size \
                    and abs(first.size - prev.size) <= 0.18 * prev.size:
                first.new_para = False
        out += lines
    return out


def layout_lines(glyphs: list[Glyph], width: float) -> list[Line]:
    """A page's glyphs as lines in reading order with paragraph starts marked."""
    glyphs = dedupe([g for g in glyphs if g.text and g.x1 >= g.x0 and g.bottom > g.top])
    if not glyphs:
        return []
    if is_vertical(glyphs):
        glyphs = quarter_turn(glyphs, width)
    return read_blocks(order(segments(glyphs)))


def paragraphs_text(lines: list[Line]) -> str:
    """Lines joined into paragraphs (hyphenation repaired), paragraphs separated by blank lines."""
    paras: list[str] = []
    cur = ""
    for line in lines:
        text = line.text.strip()
        if not text:
            continue
        if line.new_para and cur:
            paras.append(cur)
            cur = ""
        cur = join_lines(cur, text)
    if cur:
        paras.append(cur)
    return "\n\n".join(paras)
