"""Dating what the archive says of a partner or topic, and choosing the excerpt that tells each year.

A passage's years are the years its text names; a passage that names none takes its document's
year ("dated by the document"), so a 2005 statement that mentions Kazakhstan without repeating
the year still places it in 2005. A passage naming several years speaks of a partner or topic in
the year written next to its mention ("2004年11月22日，世界海关组织和中国海关联合举办…"), not in
all of them. Each year is told by its most telling passages: those naming the year close to the
mention, about one year rather than ten, mentioning the partner or topic more than once.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from indexer.analysis.taxonomy import load_taxonomy
from indexer.analysis.textnorm import fold, is_han

from .results import Snippet

NEAR = 160  # a year written this close to the mention is taken to date it
SNIPPET_CHARS = {"zh": 130, "en": 260}


@dataclass(frozen=True)
class PassageTags:
    """One passage's tags, as held in memory."""

    pid: int
    doc: int  # index into the knowledge base's documents
    n: int
    page: int | None
    years: tuple[int, ...]  # years the text names
    partners: tuple[str, ...]
    topics: tuple[str, ...]


def mentions_in(text: str, kind: str, ident: str) -> list[tuple[int, int]]:
    """Character spans of a partner's or topic's names in a text."""
    return [(s, e) for s, e, k, x in load_taxonomy().find(text) if k == kind and x == ident]


def attributed_years(text: str, mentions: list[tuple[int, int]], years: tuple[int, ...]) -> tuple[int, ...]:
    """The years written nearest each mention (a year written before it counts as nearer);
    a range ("2004—2006 年") counts as all its years."""
    folded = fold(text)
    written: dict[int, tuple[int, ...]] = {m.start(): (int(m.group()),) for m in _WRITTEN_YEAR.finditer(folded)}
    for m in _YEAR_RANGE.finditer(folded):
        a, b = int(m.group(1)), int(m.group(2))
        if a < b <= a + 10:
            written[m.start(1)] = written[m.start(2)] = tuple(range(a, b + 1))
    spots = [(pos, tuple(y for y in ys if y in years)) for pos, ys in written.items()]
    spots = [(pos, ys) for pos, ys in spots if ys]
    if not mentions or not spots:
        return years
    out: set[int] = set()
    for ms, _me in mentions:
        _pos, ys = min(spots, key=lambda w: (ms - w[0]) if w[0] <= ms else (w[0] - ms) * 1.5)
        out.update(ys)
    return tuple(sorted(out))


def year_spans(text: str, year: int) -> list[tuple[int, int]]:
    """Where `text` writes the year (full-width digits too)."""
    return [m.span() for m in re.finditer(rf"(?<!\d){year}(?!\d)", fold(text))]


def event_score(mentions, spans, p: PassageTags, dated_by: str) -> tuple[float, int]:
    """How well a passage tells what happened with the partner or topic that year, and where."""
    score = 0.0
    center = mentions[0][0] if mentions else 0
    if spans:
        score += 2.0
        if mentions:
            dist, ys, ms = min((abs(ys - ms), ys, ms) for ys, _ in spans for ms, _ in mentions)
            score += max(0.0, 1.0 - dist / NEAR) * 2.0
            # both in view when they are close; else the mention nearest the year
            center = (ys + ms) // 2 if dist <= NEAR * 0.75 else ms
    elif dated_by == "document":
        score += 0.5  # a dated document's undated paragraph still speaks of its own time
    score += 1.0 / max(1, len(p.years))  # a passage about one year tells that year best
    score += min(len(mentions), 3) * 0.2
    return score, center


def around(text: str, spans: list[tuple[int, int]], center: int, width: int) -> Snippet:
    """About `width` characters of `text` around `center`, whitespace tidied, with the spans marked."""
    start = max(0, min(center - width // 2, len(text) - width))
    end = min(len(text), start + width)
    while start > 0 and text[start - 1].isascii() and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isascii() and text[end].isalnum():
        end += 1
    parts: list[tuple[str, bool]] = []
    pos = start
    for s, e in sorted(set(spans)):
        s, e = max(s, pos), min(e, end)
        if s >= e:
            continue
        parts.append((_tidy(text[pos:s]), False))
        parts.append((_tidy(text[s:e]), True))
        pos = e
    parts.append((_tidy(text[pos:end]), False))
    if not parts[0][1]:
        parts[0] = (parts[0][0].lstrip(), False)
    if not parts[-1][1]:
        parts[-1] = (parts[-1][0].rstrip(), False)
    return Snippet(tuple(parts), start > 0, end < len(text))


_WRITTEN_YEAR = re.compile(r"(?<!\d)(?:1[89]|20)\d\d(?!\d)")
_YEAR_RANGE = re.compile(r"(?<!\d)((?:1[89]|20)\d\d)\s*(?:年\s*)?[-–—~～至到]\s*((?:1[89]|20)\d\d)(?!\d)")
_SPACE = re.compile(r"\s+")
_CJK_PUNCT = "，。、；：（）"


def _tidy(s: str) -> str:
    """Whitespace collapsed, and removed between Han characters (OCR and PDF text is full of it)."""
    s = _SPACE.sub(" ", s)
    out = []
    for k, ch in enumerate(s):
        if ch == " " and 0 < k < len(s) - 1 and (is_han(s[k - 1]) or is_han(s[k + 1]) or s[k - 1] in _CJK_PUNCT
                                                  or s[k + 1] in _CJK_PUNCT):
            continue
        out.append(ch)
    return "".join(out)
