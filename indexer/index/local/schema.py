"""The engine schema of a passage, and our analysis fed to Whoosh without its Token objects.

One engine document per passage: `pid` (our passage id, a column only: it maps engine document
numbers to passages and is never searched), `doc_id` (for deleting a document's passages), the word-analysed `text` and `title` (title only on a
document's first passage, so a title match lifts the document once), and `bigrams`, the
Chinese character bigrams of title and text for damaged or oddly segmented text.

Whoosh pickles the analyzers' and the format's import paths into every index: moving or
renaming these classes makes existing indexes unopenable (bump PASSAGE_VERSION when you do).
"""
from __future__ import annotations

import struct
import sys
from array import array
from itertools import accumulate

from whoosh.analysis import Token, Tokenizer
from whoosh.columns import NumericColumn
from whoosh.fields import COLUMN, ID, TEXT, Schema
from whoosh.formats import Positions

from indexer.analysis.tokens import bigram_tokens, word_tokens

TITLE_BOOST = 2.5
_COUNT = struct.Struct("!I")  # Whoosh's count of positions before the value
_SWAP = sys.byteorder != "little"  # position arrays are stored little-endian


def _le(a: array) -> array:
    if _SWAP:
        a.byteswap()
    return a


class _TokenStream(Tokenizer):
    """Adapts a (term, pos, start, end) function to Whoosh's tokenizer protocol."""

    def _tokens(self, value: str, mode: str):
        raise NotImplementedError

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for term, pos, s, e in self._tokens(value, mode):
            t.text = term
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = term
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar = start_char + s
                t.endchar = start_char + e
            yield t


class WordTokenizer(_TokenStream):
    """Whoosh tokenizer for the word view."""

    def _tokens(self, value, mode):
        return word_tokens(value, "query" if mode == "query" else "index")


class BigramTokenizer(_TokenStream):
    """Whoosh tokenizer for the Chinese bigram view."""

    def _tokens(self, value, mode):
        return bigram_tokens(value)


class TokenPositions(Positions):
    """Whoosh's Positions format fed straight from our (term, position, start, end) lists, without
    a Token object per token (a fifth of the build's time). A posting's positions are stored as
    Whoosh's 4-byte count, then a width byte and the deltas as a little array (Whoosh pickles a
    list): decoding them was the largest cost of checking phrases. Values that start with a
    pickle (written before) still decode."""

    def encode(self, poslist):
        deltas = array("L", (p - q for p, q in zip(poslist, [0] + poslist[:-1])))
        if not deltas or max(deltas) < 0x10000:
            return _COUNT.pack(len(deltas)) + b"\x02" + _le(array("H", deltas)).tobytes()
        return _COUNT.pack(len(deltas)) + b"\x04" + _le(array("I", deltas)).tobytes()

    def decode_positions(self, valuestring):
        kind = valuestring[4:5]
        if kind == b"\x02":
            return list(accumulate(_le(array("H", valuestring[5:]))))
        if kind == b"\x04":
            return list(accumulate(_le(array("I", valuestring[5:]))))
        return super().decode_positions(valuestring)

    def word_values(self, value, analyzer, **kwargs):
        if not isinstance(value, str) or not isinstance(analyzer, _TokenStream):
            yield from super().word_values(value, analyzer, **kwargs)
            return
        poses: dict[str, list[int]] = {}
        for term, pos, _s, _e in analyzer._tokens(value, kwargs.get("mode", "")):
            found = poses.get(term)
            if found is None:
                poses[term] = [pos]
            else:
                found.append(pos)
        fb, encode = self.field_boost, self.encode
        for term, positions in poses.items():
            yield term, len(positions), len(positions) * fb, encode(positions)


def word_analyzer():
    """The analyzer of the word fields."""
    return WordTokenizer()


def bigram_analyzer():
    """The analyzer of the bigram field."""
    return BigramTokenizer()


def _text(analyzer, field_boost: float = 1.0) -> TEXT:
    field = TEXT(analyzer=analyzer, phrase=True, field_boost=field_boost)
    field.format = TokenPositions(field_boost=field.format.field_boost)
    return field


def schema() -> Schema:
    """The engine schema of a passage."""
    return Schema(
        # a column, not indexed: as a NUMERIC field it cost 16 terms per passage that nothing searched
        pid=COLUMN(NumericColumn("Q")),
        doc_id=ID(stored=False),
        title=_text(word_analyzer(), TITLE_BOOST),
        text=_text(word_analyzer()),
        bigrams=_text(bigram_analyzer()),
    )
