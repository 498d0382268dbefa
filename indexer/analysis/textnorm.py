"""Text folding shared by indexing, querying, tagging and highlighting."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

_T2S = opencc.OpenCC("t2s")

# Characters that show nothing and break words when matched: soft hyphen, combining grapheme
# joiner, Mongolian vowel separator, zero-width space / non-joiner / joiner, word joiner,
# invisible operators, byte-order mark (zero-width no-break space). `fold` keeps them (it keeps
# the text's length so that offsets map back); the tokenizers and the tagger skip them
# (`tokens.joined_text`, `taxonomy`), at index and query time alike.
INVISIBLE = "\u00ad\u034f\u180e\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff"


def is_han(ch: str) -> bool:
    """True for a CJK ideograph (the main block and extension A, plus compatibility ideographs)."""
    o = ord(ch)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x2FA1F


_NOT_HAN = re.compile("[^\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff\U00020000-\U0002fa1f]+")


def han_count(text: str) -> int:
    """How many characters of `text` are Han (`is_han`), counted by the regex engine: a Python loop
    over every character of every file was a sixth of a build."""
    return len(_NOT_HAN.sub("", text))


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    nf = unicodedata.normalize("NFKC", ch)
    return nf if len(nf) == 1 else ch


def fold(text: str) -> str:
    """NFKC width folding and Traditional→Simplified, keeping the length so offsets map back
    (invisible characters are kept: see INVISIBLE)."""
    if text.isascii():
        return text  # NFKC and Traditional→Simplified leave ASCII as it is
    nf = text if unicodedata.is_normalized("NFKC", text) else unicodedata.normalize("NFKC", text)
    if len(nf) != len(text):
        nf = "".join(_fold_char(c) for c in text)
    out = _T2S.convert(nf)
    if len(out) != len(nf):
        out = "".join(c2 if len(c2 := _T2S.convert(c)) == 1 else c for c in nf)
    return out
