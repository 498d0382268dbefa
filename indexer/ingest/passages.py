"""Cutting extracted text into passages: paragraph-sized, whole sentences where possible."""
from __future__ import annotations

import re
import statistics

from indexer.analysis.textnorm import is_han

_TABLE_ROW = " | "
_TERMINAL_END = re.compile(r"[。！？；!?;:：.…”」』)）]$")
_MARKER_START = re.compile(
    r"^(\d{1,3}[.、．)]|\(\d{1,3}\)|（\d{1,3}）|\([ivxlc]+\)|[一二三四五六七八九十]+[、.．]|"
    r"[（(][一二三四五六七八九十]+[）)]|第[一二三四五六七八九十百零\d]+[章节条篇款]|[-•●■◆★*]\s)"
)
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;])\s*|(?<=[.])\s+(?=[A-Z(\"“])")


_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]+")


def weight(text: str) -> float:
    """Length in reading units: a Han character counts 1, other characters a half."""
    han = sum(map(len, _HAN_RUN.findall(text)))  # counted by runs: a loop over characters cost a fifth of ingest time
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


def paragraphs(text: str, blocks: bool = False) -> list[str]:
    """Lines joined into paragraphs: wrapped lines are glued back, short headings stand alone.

    With `blocks` (text made from Markdown, HTML or Office structure), a blank line always ends a
    paragraph: there it separates blocks, not wrapped lines of a page.
    """
    lines = [ln.strip() for ln in text.splitlines()]
    long_lines = [len(ln) for ln in lines if len(ln) > 8]
    full = statistics.quantiles(long_lines, n=5)[3] if len(long_lines) >= 5 else 80
    out: list[str] = []
    cur: list[str] = []  # the paragraph's pieces, joined once: a text without blank lines is one paragraph
    tail = ""  # its last two characters: all that join_lines looks at
    prev = ""
    for line in lines:
        if not line:
            if cur and (blocks or _TERMINAL_END.search(prev) or len(prev) < 0.6 * full):
                out.append("".join(cur))
                cur, tail = [], ""
            continue
        if cur and ((_MARKER_START.match(line) and (_TERMINAL_END.search(prev) or len(prev) < 0.6 * full))
                    or _TABLE_ROW in line or _TABLE_ROW in prev):
            out.append("".join(cur))  # a table's row (cells joined by " | ", as the PDF and Word readers give them) stands alone
            cur, tail = [], ""
        if cur:
            seam = len(join_lines(tail, line)) - len(line) - len(tail)  # -1: drop a hyphen, 1: a space
            if seam < 0:
                while not cur[-1]:
                    cur.pop()
                cur[-1] = cur[-1][:-1]
                tail = tail[:-1]
            elif seam > 0:
                cur.append(" ")
                tail += " "
        cur.append(line)
        tail = (tail + line)[-2:]
        prev = line
    if cur:
        out.append("".join(cur))
    return out


def _sentences(para: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(para) if s and s.strip()]


def _prefix_weights(text: str):
    """Twice the weight of every prefix of `text` (numpy, so that a token of millions of characters is cut in one pass)."""
    import numpy as np

    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    han = ((codes >= 0x4E00) & (codes <= 0x9FFF)) | ((codes >= 0x3400) & (codes <= 0x4DBF)) | \
          ((codes >= 0xF900) & (codes <= 0xFAFF)) | ((codes >= 0x20000) & (codes <= 0x2FA1F))
    return np.concatenate(([0], np.cumsum(1 + han.astype(np.int64))))


def _hard_split(text: str, limit: float) -> list[str]:
    """Split an over-long sentence at commas or spaces, as a last resort."""
    pieces, cur = [], ""
    for tok in re.split(r"(?<=[，,、 ])", text):
        if cur and weight(cur) + weight(tok) > limit:
            pieces.append(cur)
            cur = ""
        cur += tok
        if weight(cur) > limit:  # no break point at all: cut where the weight allows
            pw, start, n = _prefix_weights(cur), 0, len(cur)
            while (rest := (pw[n] - pw[start]) / 2) > limit:
                cut = start + max(1, int((n - start) * limit / max(rest, 1)))
                pieces.append(cur[start:cut])
                start = cut
            cur = cur[start:]
    if cur:
        pieces.append(cur)
    return pieces


def cut_passages(text: str, target: float = 350, maximum: float = 700, blocks: bool = False) -> list[str]:
    """Passages of about `target` reading units, never above `maximum`, breaking between paragraphs."""
    units: list[tuple[str, bool]] = []  # (text, starts a paragraph)
    for para in paragraphs(text, blocks):
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


# -- laws and treaties: one passage per article ---------------------------------------------------
_ZH_NUMERAL = "一二三四五六七八九十百千零〇两"
# an article's heading at the start of a line: "第十二条 …", "Article 12", "ARTICLE 12", "Artikel 12"
_ARTICLE_START = re.compile(
    r"^[ \t\u3000]*(?:(第[" + _ZH_NUMERAL + r"\d]{1,7}条(?:之[" + _ZH_NUMERAL + r"\d]{1,3})?)(?=[\s\u3000]|$)"
    r"|((?:Article|ARTICLE|Artikel|ARTIKEL)[ \t]+(?:\d{1,3}[A-Za-z]?|[IVXLC]{1,6}|premier|first|1er))\.?(?=[ \t]*$|[ \t]+[A-Z“\"(]))",
    re.M)
# a heading that opens a larger division: "第二章 …", "CHAPTER II", "ANNEX", "Part 3"
_DIVISION_START = re.compile(
    r"^[ \t\u3000]*(?:第[" + _ZH_NUMERAL + r"\d]{1,4}[编章节](?=[\s\u3000]|$)|附\s*则|附\s*件|"
    r"(?:CHAPTER|Chapter|PART|Part|HOOFDSTUK|Hoofdstuk|TITLE|Title)[ \t]+[\dIVXLC]{1,6}\b|ANNEX\b|Annex[ \t]+[\dIVXLC]{1,4}\b|"
    r"(?:General|Specific)[ \t]+Annex\b|BIJLAGE\b)", re.M)
MIN_ARTICLES = 3  # a text with fewer article headings is not a law or treaty


def article_count(text: str) -> int:
    """How many article headings ("第X条", "Article N") begin a line of `text`."""
    return sum(1 for _ in _ARTICLE_START.finditer(text))


def _label(m: re.Match) -> str:
    return re.sub(r"\s+", " ", m.group(1) or m.group(2)).strip()


def article_segments(text: str, current: str | None = None) -> list[tuple[str, str | None]]:
    """`text` cut at article headings: (segment, article label or None). Text before the first
    heading continues `current` (an article running on from the previous page) unless it opens a
    division; a division's heading joins the article right after it."""
    marks = sorted([(m.start(), "article", _label(m)) for m in _ARTICLE_START.finditer(text)] +
                   [(m.start(), "division", None) for m in _DIVISION_START.finditer(text)])
    if not marks:
        return [(text, current)] if text.strip() else []
    segments: list[tuple[str, str | None]] = []
    head = text[:marks[0][0]]
    if head.strip():
        segments.append((head, current))
    pending = ""  # division headings waiting for the article they introduce
    for i, (pos, kind, label) in enumerate(marks):
        end = marks[i + 1][0] if i + 1 < len(marks) else len(text)
        piece = text[pos:end]
        if kind == "division":
            nxt = marks[i + 1] if i + 1 < len(marks) else None
            # "第二章 知识产权的备案" then "第七条 …": the heading belongs to the article
            if nxt is not None and nxt[1] == "article" and len(piece.strip()) <= 200:
                pending += piece
                continue
            if nxt is not None and nxt[1] == "division" and len(piece.strip()) <= 200:
                pending += piece
                continue
            segments.append((pending + piece, None))
            pending = ""
        else:
            segments.append((pending + piece, label))
            pending = ""
    if pending.strip():
        segments.append((pending, None))
    return segments


def cut_structured(pages: list[tuple[int | None, str]], target: float = 350, maximum: float = 700,
                   blocks: bool = False) -> list[tuple[int | None, str, str | None]]:
    """Passages of every page as (page, text, article): in a law or treaty (at least MIN_ARTICLES
    article headings) one passage per article, long articles cut into several that keep the
    label; elsewhere plain `cut_passages`."""
    structured = sum(article_count(t) for _n, t in pages) >= MIN_ARTICLES
    out: list[tuple[int | None, str, str | None]] = []
    current: str | None = None
    for number, text in pages:
        segments = article_segments(text, current) if structured else [(text, None)]
        for seg, label in segments:
            for chunk in cut_passages(seg, target, maximum, blocks):
                out.append((number, chunk, label))
            current = label
    return out
