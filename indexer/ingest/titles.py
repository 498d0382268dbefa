"""Finding a document's title in its first lines."""
from __future__ import annotations

import re
from pathlib import PurePosixPath

from indexer.analysis.textnorm import is_han

from .boilerplate import is_chrome
from .dates import first_date

_TERMINAL = re.compile(r"[。！？；;!?…]$|[^.]\.$")
_URL_OR_MAIL = re.compile(r"https?://|www\.|@\w+\.\w+")
_DOC_TYPE_END = re.compile(
    r"(声明|公报|纪要|备忘录|协定|议定书|宣言|报告|通知|公告|决定|意见|办法|规定|"
    r"Statement|Declaration|Communiqu[eé]|Minutes|Memorandum|Report|Notice)$", re.I)
_DANGLING = re.compile(r"\b(of|on|the|for|and|in|to|a|an|with|between|by|from|at)$", re.I)
MAX_TITLE = 120
TITLE_SEARCH_LINES = 8  # a title sits among the first few non-empty lines


def _meaningful(s: str) -> int:
    return sum(1 for c in s if c.isalpha() or is_han(c))


def _balanced(s: str) -> bool:
    for a, b in ("()", "（）", "《》", "[]", "“”"):
        if s.count(a) != s.count(b):
            return False
    return True


def _is_title_like(s: str, full_width: float = 1e9) -> bool:
    if not (4 <= _meaningful(s) and len(s) <= MAX_TITLE) or not _balanced(s):
        return False
    if len(s) >= 0.85 * full_width:
        return False  # a full-width line is wrapped prose
    if _TERMINAL.search(s) or "。" in s or _URL_OR_MAIL.search(s) or is_chrome(s):
        return False
    if first_date(s) and _meaningful(re.sub(r"\d|年|月|日", "", s)) < 6:
        return False  # a date line, not a title
    han = sum(1 for c in s if is_han(c))
    # a wrapped line of running Chinese prose is long and full of commas
    return not (han > 32 or s.count("，") + s.count(",") >= 3)


def _clean(s: str) -> str:
    s = re.sub(r"\s+", " ", s).strip(" \t*#=-_|")
    return re.sub(r"\s+[A-Za-z]$", "", s)  # a stray OCR letter after a Chinese heading


def find_title(lines: list[str]) -> str | None:
    """The first heading-like line near the top; a following "…声明"-type line is joined to it."""
    candidates = [c for c in (_clean(ln) for ln in lines) if c][:TITLE_SEARCH_LINES]
    widths = sorted(len(ln.strip()) for ln in lines if len(ln.strip()) > 8)
    full = widths[int(len(widths) * 0.8)] if len(widths) >= 10 else 1e9
    for i, s in enumerate(candidates):
        if not s or not _is_title_like(s, full):
            continue
        title = s
        for nxt in candidates[i + 1 : i + 4]:
            if len(title) + len(nxt) >= MAX_TITLE or not _is_title_like(nxt):
                break
            # the next line names the document type (…会议 / 海关合作委员会声明), or the title
            # stops on a word that cannot end it ("Guidelines for the Implementation of")
            if _DOC_TYPE_END.search(nxt) or _DANGLING.search(title):
                title = f"{title} {nxt}"
                if not _DANGLING.search(title):
                    break
            else:
                break
        return title
    return None


def title_from_filename(doc_id: str) -> str:
    """A readable title made from a file name, for documents that have none."""
    stem = PurePosixPath(doc_id).name
    for suffix in PurePosixPath(stem).suffixes:
        stem = stem[: -len(suffix)] if stem.endswith(suffix) else stem
    words = re.sub(r"[_\-]+", " ", stem).split()
    return " ".join(w.upper() if w.lower() in {"ocr", "wco", "asean", "carec", "aeo", "ipr"} else w.capitalize() if w.isascii() else w for w in words) or stem
