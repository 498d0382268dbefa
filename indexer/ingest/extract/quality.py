"""Is a page's text layer readable? Garbage comes as `(cid:N)` runs, replacement or private-use
characters, control codes, or symbol soup from fonts whose codes map to the wrong letters."""
from __future__ import annotations

import re
import unicodedata

_CID = re.compile(r"\(cid:\d+\)")
MIN_CHARS = 4  # fewer readable characters than this and a page has no text to speak of
MAX_BAD_SHARE = 0.25  # more unreadable characters than this and the text layer is garbage


def _bad(ch: str) -> bool:
    if ch == "\ufffd" or "\ue000" <= ch <= "\uf8ff":
        return True
    cat = unicodedata.category(ch)
    return cat in ("Cc", "Co", "Cs", "Cn") and ch not in "\t\n\r\f"


def readable_chars(text: str) -> int:
    """Letters, digits and CJK characters in `text`, after `(cid:N)` codes are taken out."""
    return sum(1 for ch in _CID.sub("", text) if ch.isalnum() and not _bad(ch))


def garbage_reason(text: str) -> str | None:
    """Why a page's text cannot be used ("no text", "unmapped glyphs (cid:N)", ...), or None if it reads."""
    solid = "".join(text.split())
    if not solid:
        return "no text"
    cids = _CID.findall(solid)
    if cids:
        cid_chars = sum(len(c) for c in cids)
        if cid_chars > MAX_BAD_SHARE * len(solid):
            return "glyphs without Unicode mapping (cid:N)"
        solid = _CID.sub("\ufffd", solid)
    bad = sum(1 for ch in solid if _bad(ch))
    if bad > MAX_BAD_SHARE * len(solid):
        return "unreadable characters (font without Unicode map)"
    good = sum(1 for ch in solid if ch.isalnum() and not _bad(ch))
    if good < 0.5 * len(solid) and len(solid) >= 2 * MIN_CHARS:
        return "symbols instead of text (font maps to the wrong characters)"
    if good < MIN_CHARS:
        return "no text"
    return None


def clean(text: str) -> str:
    """Text with `(cid:N)` codes, replacement and control characters taken out."""
    text = _CID.sub("", text)
    return "".join(ch for ch in text if not _bad(ch) or ch in "\n\t")


def suspicious_chars(text: str) -> int:
    """Characters a wrong CMap tends to produce: Han outside GBK, modifier letters, replacement marks."""
    n = 0
    for ch in text:
        o = ord(ch)
        if 0x2B0 <= o <= 0x2FF or ch == "\ufffd":
            n += 1
        elif o >= 0x3400 and (0x3400 <= o <= 0x4DBF or 0x4E00 <= o <= 0x9FFF or o >= 0x20000):
            try:
                ch.encode("gbk")
            except UnicodeEncodeError:
                n += 1
    return n
