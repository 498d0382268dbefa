"""Index terms: the same terms at index and query time, for every backend and for highlighting.

Two analysed views of every text:
- words: jieba-segmented Chinese words (search mode adds dictionary sub-words at the position
  of their compound, so 海关 finds 海关总署 while phrases keep working), English words
  lower-cased, spelt the American way (organisation, labour, programme: organization, labor,
  program) and lemmatised (Organization stays organization), acronyms kept, a small stop list;
- bigrams: overlapping Chinese character bigrams, for text that segmentation or OCR damaged.
Everything is folded first (NFKC width folding, Traditional→Simplified) without changing the
text's length, so token offsets point into the original text.
"""
from __future__ import annotations

import re
from functools import lru_cache

import simplemma
import yaml
from breame.data.spelling_constants import BRITISH_ENGLISH_SPELLINGS

from indexer.config import DATA_DIR

from .segment import get_segmenter
from .textnorm import INVISIBLE, fold, is_han

STOP_WORDS = frozenset(
    "a an and are as at be been but by for from has have had in into is it its of on or "
    "that the their this to was were which with will shall such there these those".split()
)
ANALYSIS_VERSION = "8"  # 6: tags recognise name variants (analysis/variants.py); 7: invisible characters skipped;
# 8: British spellings indexed as American ones
MAX_ACRONYM = 4


@lru_cache(maxsize=200_000)
def english_term(word: str) -> str | None:
    """Index term for one Latin-script word: acronyms kept, other words lemmatised; None if stopped."""
    if word.isdigit():
        return word
    lower = word.lower()
    if lower in STOP_WORDS or (len(word) == 1 and not word.isdigit()):
        return None
    if 2 <= len(word) <= MAX_ACRONYM and word.isupper():
        return lower  # an acronym: WCO, AEO, SAFE (longer capitals are headings: lemmatised)
    if not lower.isalpha():
        return lower
    # one term for both spellings of a word: a query finds documents written either way, and
    # both count as one word for rarity and suggestions
    lower = BRITISH_ENGLISH_SPELLINGS.get(lower, lower)
    return simplemma.lemmatize(lower, lang="en").lower()


_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# What is dropped before tokenizing: whitespace between Han characters (an artifact of OCR, PDF
# and hard-wrapped lines: Chinese puts no spaces between words), invisible characters (zero-width
# spaces, soft hyphens, byte-order marks: 海\u200b关 is 海关, cus\u00adtoms is customs) and the dots
# of dotted acronyms (A.T.A. → ATA, U.S. → US).
_DROPPED = re.compile(f"(?<=[{_HAN}])[ \\t\u3000\\r\\n{INVISIBLE}]+(?=[{_HAN}])|[{INVISIBLE}]+"
                      f"|(?<=(?<![A-Za-z])[A-Z])\\.\\s?(?=[A-Z](?![a-z]))")


@lru_cache(maxsize=512)  # the word and bigram views (and highlighting) of one text join it once
def joined_text(text: str) -> tuple[str, list[int] | None]:
    """Folded text with those artifacts removed, and the map back to offsets in `text`
    (None when nothing was removed)."""
    folded = fold(text)
    if not _DROPPED.search(folded):
        return folded, None
    where: list[int] = []
    parts: list[str] = []
    last = 0
    for m in _DROPPED.finditer(folded):
        parts.append(folded[last : m.start()])
        where.extend(range(last, m.start()))
        last = m.end()
    parts.append(folded[last:])
    where.extend(range(last, len(folded)))
    where.append(len(folded))  # the end offset of the last character
    return "".join(parts), where


def word_tokens(text: str, mode: str = "index", only: set[str] | None = None) -> list[tuple[str, int, int, int]]:
    """(term, position, start, end) for `text`; mode "index" adds sub-words, "query" does not.
    With `only`, just the tokens whose term is in it (sub-words looked for only among those)."""
    seg = get_segmenter()
    joined, where = joined_text(text)
    with_subwords = mode != "query"
    wanted_subwords = None if only is None else [t for t in only if 2 <= len(t) <= 3]
    out: list[tuple[str, int, int, int]] = []
    append = out.append
    pos = -1
    for w, s, e in seg.tokenize(joined, False):
        c = w[0]
        # the main Han block tested inline, is_han only beyond it (a call per space and comma was slow)
        if "\u4e00" <= c <= "\u9fff" or (c >= "\u3400" and is_han(c)):
            pos += 1
            if only is None or w in only:
                append((w, pos, s, e))
            n = e - s
            if with_subwords and n > 2:
                # the dictionary words inside a compound, as jieba's search mode finds them
                if wanted_subwords is None:
                    for gram, i in seg.subwords(w):
                        append((gram, pos, s + i, s + i + len(gram)))
                else:
                    for gram in wanted_subwords:
                        if gram == w or len(gram) > n:
                            continue
                        i = w.find(gram)
                        while i != -1 and seg.has_word(gram):
                            append((gram, pos, s + i, s + i + len(gram)))
                            i = w.find(gram, i + 1)
        elif c.isalnum():
            term = english_term(w)
            if term is not None:
                pos += 1
                if only is None or term in only:
                    append((term, pos, s, e))
    if where is not None:
        out = [(t, p, where[s], where[e - 1] + 1) for t, p, s, e in out]
    return out


_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
OCR_CONFUSIONS_FILE = DATA_DIR / "ocr_confusions.yaml"


@lru_cache(maxsize=1)
def _ocr_confusions() -> dict[str, str]:
    spec = yaml.safe_load(OCR_CONFUSIONS_FILE.read_text(encoding="utf-8")) or {}
    return {wrong: right for right, wrongs in spec.items() for wrong in wrongs}


@lru_cache(maxsize=1)
def _confusable() -> frozenset[str]:
    return frozenset(_ocr_confusions())


@lru_cache(maxsize=200_000)
def _repairs_a_word(bigram: str, i: int, right: str) -> bool:
    seg = get_segmenter()
    return not seg.has_word(bigram) and seg.has_word(bigram[:i] + right + bigram[i + 1 :])


def ocr_repair_run(run: str) -> str:
    """A run of Han characters with OCR confusions undone: a character is replaced when that turns
    a neighbouring non-word bigram into a dictionary word (世界悔关细织 → 世界海关组织); real words
    are left alone (中间, 同意, 使用)."""
    if _confusable().isdisjoint(run):
        return run
    table = _ocr_confusions()
    chars = list(run)
    for i, c in enumerate(run):
        right = table.get(c)
        if right is None:
            continue
        if (i > 0 and _repairs_a_word(run[i - 1 : i + 1], 1, right)) or \
                (i + 1 < len(run) and _repairs_a_word(run[i : i + 2], 0, right)):
            chars[i] = right
    return "".join(chars)


def ocr_repair(bigram: str) -> str:
    """One bigram with OCR confusions undone (悔关 → 海关)."""
    return ocr_repair_run(bigram)


def bigram_runs(text: str) -> list[tuple[str, int, int]]:
    """(run, first position, start in the joined text) of each run of Han characters, OCR
    confusions repaired: the bigram view before it is cut into bigrams (the index builder codes
    the bigrams of whole runs at once)."""
    joined, _where = joined_text(text)
    out: list[tuple[str, int, int]] = []
    pos = 0
    for m in _HAN_RUN.finditer(joined):
        run = ocr_repair_run(m.group())
        out.append((run, pos, m.start()))
        pos += 2 if len(run) == 1 else len(run)  # one gap so phrases do not run across punctuation
    return out


def bigram_tokens(text: str) -> list[tuple[str, int, int, int]]:
    """(bigram, position, start, end) over runs of Han characters, OCR confusions repaired."""
    _joined, where = joined_text(text)
    out: list[tuple[str, int, int, int]] = []
    for run, pos, i in bigram_runs(text):
        if len(run) == 1:
            out.append((run, pos, i, i + 1))
        else:
            out.extend((run[k : k + 2], pos + k, i + k, i + k + 2) for k in range(len(run) - 1))
    if where is not None:
        out = [(t, p, where[s], where[e - 1] + 1) for t, p, s, e in out]
    return out


@lru_cache(maxsize=4096)
def _misreadings(bigram: str) -> tuple[str, ...]:
    """The bigram and every string one OCR confusion away that `ocr_repair` turns into it."""
    wrong_for: dict[str, list[str]] = {}
    for wrong, right in _ocr_confusions().items():
        wrong_for.setdefault(right, []).append(wrong)
    out = [bigram] if ocr_repair(bigram) == bigram else []
    for i in (0, 1):
        for wrong in wrong_for.get(bigram[i], ()):
            variant = bigram[:i] + wrong + bigram[i + 1 :]
            if ocr_repair(variant) == bigram:
                out.append(variant)
    return tuple(out)


def bigram_spans(text: str, bigrams: set[str]) -> list[tuple[int, int]]:
    """(start, end) wherever `bigram_tokens(text)` yields one of `bigrams`, in text order: found by
    searching for each bigram and its OCR misreadings instead of repairing every bigram of the text."""
    if any(len(b) != 2 for b in bigrams):
        return [(s, e) for b, _p, s, e in bigram_tokens(text) if b in bigrams]
    joined, where = joined_text(text)
    found: set[int] = set()
    for b in bigrams:
        for v in _misreadings(b):
            i = joined.find(v)
            while i != -1:
                found.add(i)
                i = joined.find(v, i + 1)
    if where is None:
        return [(i, i + 2) for i in sorted(found)]
    return [(where[i], where[i + 1] + 1) for i in sorted(found)]
