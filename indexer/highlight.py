"""Marking query matches in passage text: HTML-escaped text with only <mark> tags added."""
from __future__ import annotations

from markupsafe import escape

from .analysis import bigram_spans, word_tokens
from .textnorm import fold


def match_spans(text: str, terms: set[str], strings: list[str], bigrams: set[str] | None = None) -> list[tuple[int, int]]:
    """Character spans to mark: analysed terms, literal (folded) Chinese strings, and query bigrams
    found in OCR-damaged text (only where two of them touch, so lone common bigrams stay unmarked)."""
    spans: list[tuple[int, int]] = []
    if bigrams:
        hits = bigram_spans(text, bigrams)
        for (s1, e1), (s2, e2) in zip(hits, hits[1:]):
            if s2 <= e1:
                spans += [(s1, e1), (s2, e2)]
    if terms:
        spans += [(s, e) for _term, _pos, s, e in word_tokens(text, "index", only=terms)]
    if strings:
        folded = fold(text).lower()
        for needle in strings:
            if not needle:
                continue
            start = folded.find(needle)
            while start != -1:
                spans.append((start, start + len(needle)))
                start = folded.find(needle, start + len(needle))
    return _merge(spans)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def render(text: str, spans: list[tuple[int, int]], start: int = 0, end: int | None = None) -> str:
    """`text[start:end]` escaped, with the spans inside it wrapped in <mark>."""
    end = len(text) if end is None else end
    parts: list[str] = []
    pos = start
    for s, e in spans:
        s, e = max(s, start), min(e, end)
        if s >= e:
            continue
        parts.append(str(escape(text[pos:s])))
        parts.append(f"<mark>{escape(text[s:e])}</mark>")
        pos = e
    parts.append(str(escape(text[pos:end])))
    return "".join(parts)


def snippet(text: str, spans: list[tuple[int, int]], width: int = 240) -> str:
    """A window of about `width` characters around the densest group of matches, as HTML."""
    if len(text) <= width:
        return render(text, spans)
    start = 0
    if spans:
        best, best_count = spans[0][0], 0
        for i, (s, _e) in enumerate(spans):
            count = sum(1 for s2, _ in spans[i:] if s2 < s + width * 0.8)
            if count > best_count:
                best, best_count = s, count
        start = max(0, min(best - width // 4, len(text) - width))
    start = _word_start(text, start)
    end = _word_end(text, min(len(text), start + width))
    html = render(text, spans, start, end)
    return ("…" if start > 0 else "") + html + ("…" if end < len(text) else "")


def _word_start(text: str, i: int) -> int:
    """Move back to the start of an English word, so a window does not begin mid-word."""
    limit = max(0, i - 20)
    while i > limit and text[i - 1].isascii() and text[i - 1].isalnum():
        i -= 1
    return i


def _word_end(text: str, i: int) -> int:
    limit = min(len(text), i + 20)
    while i < limit and text[i].isascii() and text[i].isalnum():
        i += 1
    return i
