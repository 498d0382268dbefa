"""Two-column pages that OCR read across: de-interleave "left line + space + right line" text.

A scanned yearbook page in two columns, read straight across by OCR, gives lines like
`杰邀请美国、法因、韩同、以色列、哈萨克斯 设、 WTO 贸易便利化谈判` followed by `坦驻华使馆海关专员…`:
each line is the left column's line, a space, and the right column's line, so names and
sentences are cut in two. When most lines of a text can be split at a space so that one side
has the width of a column (half the usual line), the lines are split there and each run of such
lines is given back as its left column, then its right column. Pages (a line starting with a
space, or a form feed) are kept apart. Nothing changes unless the pattern is clear, and only
Chinese text is examined (English has a space between every word, so widths alone cannot tell).
"""
from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from itertools import islice

from indexer.analysis.textnorm import is_han

MIN_LINES = 12  # fewer read-across lines than this is no evidence
MIN_SHARE = 0.6  # share of the long lines that must split cleanly
MIN_COLUMN = 8.0  # a column narrower than this many Han characters is a table, not prose
TOLERANCE = 0.13  # a full column line is within this share of the column width
_SENTENCE_END = tuple("。！？；：.!?;:\"”）)")
OVERFULL = 1.25  # no column line is wider than this (OCR adds stray marks)


DETECT_LINES = 4000
_LINE = re.compile(r"[^\n]*\S[^\n]*")  # a line with something on it
_HAN = re.compile("[\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff\U00020000-\U0002fa1f]")  # is_han's ranges
_WIDE = re.compile("[\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff\U00020000-\U0002fa1f\u3000-\u303f\uff00-\uffef]")
_SPACE = re.compile(r"\s")


def width(text: str) -> float:
    """Printed width in Han characters: CJK 1, Latin letters and digits a half, OCR's spaces nothing."""
    wide = len(_WIDE.findall(text))
    spaces = len(_SPACE.findall(text))
    # U+3000 (ideographic space) is both wide and space: as a space it counts nothing
    wide -= text.count("\u3000")
    return wide + (len(text) - spaces - wide) / 2


@dataclass
class Split:
    """One read-across line cut into its two columns' lines."""

    left: str
    right: str


def _continues(tail: str, head: str) -> bool:
    """True when the end of one line and the start of the next make a dictionary word (公 + 约 = 公约)."""
    from indexer.analysis.segment import get_segmenter

    tail, head = "".join(tail.split())[-2:], "".join(head.split())[:2]
    seg = get_segmenter()
    return any(all(is_han(c) for c in w) and seg.has_word(w)
               for a in (1, 2) for b in (1, 2) if len(w := tail[-a:] + head[:b]) == a + b)


def split_line(line: str, column: float, prev_right: str = "") -> Split | None:
    """The line cut at the space that leaves both sides most like column lines, or None.

    A side is a full column line (its width near the column's) or the short last line of a
    paragraph; at least one side must be full, neither may be much wider than a column. When
    the cut is in doubt, the one whose right side continues the previous right line wins.
    """
    tol = max(1.5, TOLERANCE * column)
    s = line.strip()
    scored: list[tuple[float, Split]] = []
    for m in re.finditer(r" +", s):
        left, right = s[: m.start()], s[m.end():]
        lw, rw = width(left), width(right)
        if not lw or not rw or max(lw, rw) > OVERFULL * column:
            continue
        if lw < column - tol and rw < column - tol:
            continue
        # a full left line is the rule; a short right one is a paragraph's end or an indented start
        score = 1.1 * (abs(lw - column) if lw >= column - tol else tol)
        score += abs(rw - column) if rw >= column - tol else tol
        scored.append((score, Split(left.strip(), right.strip())))
    if not scored:
        return None
    scored.sort(key=lambda t: t[0])
    if prev_right and len(scored) > 1 and scored[1][0] - scored[0][0] < tol:
        for score, split in scored[:3]:
            if score - scored[0][0] < tol and _continues(prev_right, split.right):
                return split
    return scored[0][1]


def column_width(lines: list[str]) -> float | None:
    """Half the usual width of the long lines: the column width if the text is read across."""
    widths = [width(ln) for ln in lines if width(ln) >= 2 * MIN_COLUMN]
    if len(widths) < MIN_LINES:
        return None
    return statistics.median(widths) / 2


def detect(text: str) -> float | None:
    """The column width when `text` is confidently two columns read across, else None.

    Judged on the first DETECT_LINES lines: a scan read across shows it from its first page, and
    trying every cut of every line of a whole book cost 28 bytes of memory per byte of text."""
    lines = list(islice((m.group() for m in _LINE.finditer(text)), DETECT_LINES))
    solid = "".join("".join(lines).split())
    if len(_HAN.findall(solid)) < 0.5 * len(solid):
        return None  # between English words a space falls everywhere: widths alone cannot tell
    column = column_width(lines)
    if column is None or column < MIN_COLUMN:
        return None
    long_lines = [ln for ln in lines if width(ln) >= 1.5 * column]
    splits = sum(1 for ln in long_lines if split_line(ln, column))
    if splits < MIN_LINES or splits < MIN_SHARE * len(long_lines):
        return None
    return column


def _column_text(parts: list[str], column: float) -> list[str]:
    """A column's lines, with a blank line after each that ends a paragraph: short, closing a sentence.

    (A short line that does not close a sentence is the indented first line of a paragraph.)
    """
    out: list[str] = []
    for part in parts:
        out.append(part)
        if width(part) < column - max(1.5, TOLERANCE * column) and part.endswith(_SENTENCE_END):
            out.append("")
    return out


def deinterleave(text: str, column: float) -> tuple[str, int]:
    """The text with each run of read-across lines given back column by column; also how many lines were split."""
    out: list[str] = []
    left: list[str] = []
    right: list[str] = []
    split_count = 0

    def flush():
        if left or right:
            out.extend(_column_text(left, column))
            out.append("")
            out.extend(_column_text(right, column))
            out.append("")
            left.clear()
            right.clear()

    for raw in text.split("\n"):
        if not raw.strip():
            continue
        if raw.startswith((" ", "\t", "\f")):
            flush()  # a new page
        s = split_line(raw, column, right[-1] if right else "") if width(raw) > column + 1.5 else None
        if s is None:
            # a row with one column's line only (the other column ended): it goes on the column
            # whose last line was left mid-sentence
            line = raw.strip()
            if width(line) <= OVERFULL * column and left and not left[-1].endswith(_SENTENCE_END):
                left.append(line)
            elif width(line) <= OVERFULL * column and right and not right[-1].endswith(_SENTENCE_END):
                right.append(line)
            else:
                flush()
                out.append(line)
                out.append("")
            continue
        left.append(s.left)
        right.append(s.right)
        split_count += 1
    flush()
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip("\n"), split_count


def fix_read_across(text: str) -> tuple[str, int]:
    """`text` de-interleaved when it is two columns read across (else unchanged), and the lines split."""
    column = detect(text)
    if column is None:
        return text, 0
    return deinterleave(text, column)
