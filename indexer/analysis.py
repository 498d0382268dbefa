"""Text analysis: the same terms at index and query time, for Whoosh and for highlighting.

Two analysed views of every text:
- words: jieba-segmented Chinese words (search mode adds dictionary sub-words at the position
  of their compound, so 海关 finds 海关总署 while phrases keep working), English words
  lower-cased and lemmatised (Organization stays organization), acronyms kept, a small stop list;
- bigrams: overlapping Chinese character bigrams, for text that segmentation or OCR damaged.
Everything is folded first (NFKC width folding, Traditional→Simplified) without changing the
text's length, so token offsets point into the original text.

Whoosh pickles the analyzers' import path into every index: do not move or rename these classes.
"""
from __future__ import annotations

import re
from functools import lru_cache

import simplemma
from whoosh.analysis import Token, Tokenizer

from .segment import get_segmenter
from .textnorm import fold, is_han

STOP_WORDS = frozenset(
    "a an and are as at be been but by for from has have had in into is it its of on or "
    "that the their this to was were which with will shall such there these those".split()
)
ANALYSIS_VERSION = "1"


@lru_cache(maxsize=200_000)
def english_term(word: str) -> str | None:
    """Index term for one Latin-script word: acronyms kept, other words lemmatised; None if stopped."""
    if word.isdigit():
        return word
    lower = word.lower()
    if lower in STOP_WORDS or (len(word) == 1 and not word.isdigit()):
        return None
    if len(word) >= 2 and word.isupper():
        return lower
    if not lower.isalpha():
        return lower
    return simplemma.lemmatize(lower, lang="en").lower()


def word_tokens(text: str, mode: str = "index") -> list[tuple[str, int, int, int]]:
    """(term, position, start, end) for `text`; mode "index" adds sub-words, "query" does not."""
    seg = get_segmenter()
    folded = fold(text)
    with_subwords = mode != "query"
    out: list[tuple[str, int, int, int]] = []
    append = out.append
    pos = -1
    for w, s, e in seg.tokenize(folded, False):
        c = w[0]
        if "\u4e00" <= c <= "\u9fff" or is_han(c):
            pos += 1
            append((w, pos, s, e))
            n = e - s
            if with_subwords and n > 2:
                # the dictionary words inside a compound, as jieba's search mode finds them
                for k in (2, 3):
                    for i in range(n - k + 1):
                        gram = w[i : i + k]
                        if gram != w and seg.has_word(gram):
                            append((gram, pos, s + i, s + i + k))
        elif c.isalnum():
            term = english_term(w)
            if term is not None:
                pos += 1
                append((term, pos, s, e))
    return out


_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def bigram_tokens(text: str) -> list[tuple[str, int, int, int]]:
    """(bigram, position, start, end) over runs of Han characters; a lone character stands alone."""
    out: list[tuple[str, int, int, int]] = []
    pos = 0
    for m in _HAN_RUN.finditer(fold(text)):
        run, i = m.group(), m.start()
        if len(run) == 1:
            out.append((run, pos, i, i + 1))
            pos += 2
            continue
        out.extend((run[k : k + 2], pos + k, i + k, i + k + 2) for k in range(len(run) - 1))
        pos += len(run)  # one gap so phrases do not run across punctuation
    return out


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


def word_analyzer():
    """The analyzer of the word fields."""
    return WordTokenizer()


def bigram_analyzer():
    """The analyzer of the bigram field."""
    return BigramTokenizer()
