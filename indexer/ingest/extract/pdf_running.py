"""Running headers, footers and page numbers: lines at the top or bottom of pages that repeat.

A line in the top or bottom margin zone is dropped when the same text (digits aside, so that
"Page 3 of 9" matches "Page 4 of 9", and "47698 Federal Register" "Federal Register 47699") stands in that zone on at
least a third of the pages (and two) and its page has other lines, or when it is a bare page number
at the very top or bottom.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .pdf_layout import Line

ZONE = 0.12  # top and bottom share of the page height where running lines live
MIN_SHARE = 1 / 3

_PAGE_NUMBER = re.compile(
    r"^(?:[-–—(\[]?\s*(?:page|p\.|pg\.?)?\s*\d{1,5}\s*(?:(?:/|of|／)\s*\d{1,4})?\s*[-–—)\]]?|"
    r"第\s*\d{1,4}\s*页(?:\s*[/，,]?\s*共\s*\d{1,4}\s*页)?|[-–—]?\s*[ivxlcdm]{1,6}\s*[-–—]?)$",
    re.I,
)


@dataclass
class PageLines:
    """The lines of one page in reading order, with the page height (None when unknown, as after OCR)."""

    number: int
    lines: list[Line]
    height: float | None


def _key(text: str) -> str:
    # digits out: "47698 Federal Register" on one page is "Federal Register ... 47705" on another
    return re.sub(r"[\d\s]+", "", text.lower())


def _zone_lines(page: PageLines) -> list[Line]:
    if not page.height or not page.lines:
        return []
    h = page.height
    return [s for s in page.lines if s.bottom <= ZONE * h or s.top >= (1 - ZONE) * h]


def is_page_number(text: str) -> bool:
    """True for "12", "- 12 -", "Page 3 of 9", "第 3 页", "iv"."""
    return bool(_PAGE_NUMBER.match(text.strip()))


def remove_running_lines(pages: list[PageLines]) -> int:
    """Drop running headers, footers and page numbers in place; returns how many lines went."""
    counts = Counter()
    for page in pages:
        counts.update({_key(s.text) for s in _zone_lines(page)} - {""})
    need = max(2, int(len(pages) * MIN_SHARE + 0.999))
    removed = 0
    for page in pages:
        zone = _zone_lines(page)
        if not zone:
            continue
        tops = sorted(page.lines, key=lambda s: s.top)
        extremes = {id(s) for s in tops[:2] + tops[-2:]}
        numbers = {id(s) for s in zone if id(s) in extremes and is_page_number(s.text)}
        repeated = {id(s) for s in zone if len(pages) >= 2 and _key(s.text) and counts[_key(s.text)] >= need}
        # a running line stands beside a page's body: on a page that has nothing else (a register
        # of one numbered entry per page, "3. Agreement with ..."), the repeating line is the body
        drop = numbers | repeated if len(page.lines) > len(numbers | repeated) else numbers
        if drop:
            kept = [s for s in page.lines if id(s) not in drop]
            # the next line starts a paragraph when the one before it went
            for i, s in enumerate(page.lines):
                if id(s) in drop and i + 1 < len(page.lines) and id(page.lines[i + 1]) not in drop:
                    page.lines[i + 1].new_para = True
            removed += len(page.lines) - len(kept)
            page.lines = kept
    return removed
