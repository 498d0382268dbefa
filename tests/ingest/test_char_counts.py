"""Character counts done by the regex engine give exactly what the per-character loops gave.

Extraction counted Han characters, widths and control characters one Python call per character
(a quarter of a build's time); the regex versions are checked here on every code point, so any
text gives the same counts, widths, languages and passage weights as before."""
import random
import sys

import pytest

from indexer.analysis.textnorm import han_count, is_han
from indexer.ingest import columns_text, documents, passages
from indexer.ingest.extract import ExtractionError
from indexer.ingest.extract.text import decode

EVERY = "".join(chr(o) for o in range(sys.maxunicode + 1) if not 0xD800 <= o <= 0xDFFF)


def _width(text: str) -> float:  # columns_text.width as it was
    w = 0.0
    for ch in text:
        if ch.isspace():
            continue
        w += 1.0 if is_han(ch) or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef" else 0.5
    return w


def _bad(text: str) -> int:  # extract.text.decode's count as it was
    return sum(1 for c in text if (ord(c) < 32 and c not in "\t\n\r\f") or c == "\ufffd")


def test_every_code_point_counts_as_before():
    for c in EVERY:
        assert han_count(c) == is_han(c), hex(ord(c))
        assert columns_text.width(c) == _width(c), hex(ord(c))
        assert sum(map(len, documents._LATIN.findall(c))) == (c.isascii() and c.isalpha()), hex(ord(c))
        assert sum(map(len, documents._HAN.findall(c))) == is_han(c), hex(ord(c))
        assert len(decode.__globals__["_NOT_BAD"].sub("", c)) == _bad(c), hex(ord(c))


@pytest.mark.parametrize("seed", range(20))
def test_texts_give_the_same_widths_languages_and_weights(seed):
    rng = random.Random(seed)
    pool = "海关合作世界組織 \u3000，。ＡＢ１ab12\t\n\u00a0\u2028x\U00020001\uf900"
    text = "".join(rng.choice(pool) for _ in range(rng.randrange(0, 400)))
    assert columns_text.width(text) == _width(text)
    assert han_count(text) == sum(1 for c in text if is_han(c))
    han = sum(1 for c in text if is_han(c))
    latin = sum(1 for c in text if c.isascii() and c.isalpha())
    assert documents.detect_lang(text) == ("zh" if han * 3 >= latin else "en")
    assert passages.weight(text) == han + (len(text) - han) / 2


def test_binary_content_is_still_refused():
    with pytest.raises(ExtractionError, match="binary"):
        decode(b"ab\x00\x01\x02\x03\x04\x05" * 10)
    assert decode("海关\tok\f\n".encode()) == "海关\tok\f\n"
