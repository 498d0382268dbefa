"""Cutting extracted text into passages: paragraph-sized, whole sentences where possible."""
from __future__ import annotations

import re
import statistics

from indexer.analysis.textnorm import han_count, is_han

_TERMINAL_END = re.compile(r"[。！？；!?;:：.…”」』)）]$")
_MARKER_START = re.compile(
    r"^(\d{1,3}[.、．)]|\(\d{1,3}\)|（\d{1,3}）|\([ivxlc]+\)|[一二三四五六七八九十]+[、.．]|"
    r"[（(][一二三四五六七八九十]+[）)]|第[一二三四五六七八九十百零\d]+[章节条篇款]|[-•●■◆★*]\s)"
)
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;])\s*|(?<=[.])\s+(?=[A-Z(\"“])")


def weight(text: str) -> float:
    """Length in reading units: a Han character counts 1, other characters a half."""
    han = han_count(text)
    return han + (len(text) - han) / 2


def _cjk(ch: str) -> bool:
    """Chinese, Japanese kana and full-width punctuation: written without spaces between."""
    return is_han(ch) or "\u3000" <= ch <= "\u30ff" or "\uff00" <= ch <= "\uffef" or ch in "“”"


def join_lines(a: str, b: str) -> str:
    """Two wrapped lines glued: a word hyphenated across them re-joined, no space between Chinese."""
    if not a:
        return b
    if a.endswith(("\u00ad", "\x02")):  # soft hyphen (pdfium writes U+0002 for one at a line end)
        return a[:-1] + b
    if a.endswith("-") and len(a) > 1 and a[-2].isalpha() and b[:1].islower():
        return a[:-1] + b  # a word hyphenated across lines
    if _cjk(a[-1]) or _cjk(b[0]):
        return a + b
    return a + " " + b


def paragraphs(text: str) -> list[str]:
    """Lines joined into paragraphs: wrapped lines are glued back, short headings stand alone."""
    lines = [ln.strip() for ln in text.splitlines()]
    long_lines = [len(ln) for ln in lines if len(ln) > 8]
    full = statistics.quantiles(long_lines, n=5)[3] if len(long_lines) >= 5 else 80
    out: list[str] = []
    cur = ""
    prev = ""
    for line in lines:
        if not line:
            if cur and (_TERMINAL_END.search(prev) or len(prev) < 0.6 * full):
                out.append(cur)
                cur = ""
            continue
        if cur and (_MARKER_START.match(line) and (_TERMINAL_END.search(prev) or len(prev) < 0.6 * full)):
            out.append(cur)
            cur = ""
        cur = join_lines(cur, line)
        prev = line
    if cur:
        out.append(cur)
    return out


def _sentences(para: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(para) if s and s.strip()]


def _hard_split(text: str, limit: float) -> list[str]:
    """Split an over-long sentence at commas or spaces, as a last resort."""
    pieces, cur = [], ""
    for tok in re.split(r"(?<=[，,、 ])", text):
        if cur and weight(cur) + weight(tok) > limit:
            pieces.append(cur)
            cur = ""
        cur += tok
        while weight(cur) > limit:  # no break point at all
            cut = max(1, int(len(cur) * limit / max(weight(cur), 1)))
            pieces.append(cur[:cut])
            cur = cur[cut:]
    if cur:
        pieces.append(cur)
    return pieces


def cut_passages(text: str, target: float = 350, maximum: float = 700) -> list[str]:
    """Passages of about `target` reading units, never above `maximum`, breaking between paragraphs."""
    units: list[tuple[str, bool]] = []  # (text, starts a paragraph)
    for para in paragraphs(text):
        if weight(para) <= maximum:
            units.append((para, True))
            continue
        first = True
        for sent in _sentences(para):
            for piece in ([sent] if weight(sent) <= maximum else _hard_split(sent, maximum)):
                units.append((piece, first))
                first = False
    passages: list[str] = []
    cur, cur_w = "", 0.0
    for unit, new_para in units:
        w = weight(unit)
        if cur and (cur_w + w > maximum or (cur_w >= target * 0.5 and cur_w + w > target)):
            passages.append(cur)
            cur, cur_w = "", 0.0
        if cur:
            cur = cur + ("\n" if new_para else "") + unit if new_para else join_lines(cur, unit)
        else:
            cur = unit
        cur_w += w
    if cur:
        passages.append(cur)
    return [p.strip() for p in passages if p.strip()]
