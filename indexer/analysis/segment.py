"""Chinese word segmentation (jieba's dictionary and algorithm) with the domain dictionary loaded.

Two interchangeable back ends segment with the same dictionary: rjieba (jieba-rs, ~20x faster)
and the reference Python jieba. Index and query must use the same one; the back end's name is
part of the analysis fingerprint stored with every index, so switching forces a rebuild.
"""
from __future__ import annotations

import hashlib
import threading
from functools import lru_cache
from pathlib import Path

from indexer.config import DATA_DIR, JIEBA_CACHE_DIR, SEGMENTER

USERDICT_FILE = DATA_DIR / "userdict.txt"
BACKEND = SEGMENTER

_lock = threading.Lock()


def _userdict_entries() -> list[tuple[str, int | None]]:
    entries = []
    for line in USERDICT_FILE.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if not parts or parts[0].startswith("#"):
            continue
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        entries.append((parts[0], freq))
    return entries


def domain_words() -> list[tuple[str, int | None]]:
    """The user dictionary plus every Chinese name and signal word of the taxonomy and glossary."""
    from .glossary import load_glossary
    from .taxonomy import load_taxonomy

    words = dict(_userdict_entries())
    for w in load_taxonomy().zh_words():
        words.setdefault(w, None)
    for w in load_glossary().zh_words():
        words.setdefault(w, None)
    return sorted(words.items())


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """Identifies the segmenter and its dictionary; an index built with another one is rebuilt."""
    h = hashlib.sha1(BACKEND.encode())
    for w, f in domain_words():
        h.update(f"{w}\t{f}\n".encode())
    return h.hexdigest()[:16]


class _Segmenter:
    """What both back ends add to their segmentation: sub-words of compounds, remembered per word."""

    MEMO = 100_000  # words whose sub-words are remembered (a corpus repeats its words): ~20 MB

    def subwords(self, word: str) -> tuple[tuple[str, int], ...]:
        """(sub-word, offset) of the dictionary words of two and three characters inside `word`,
        as jieba's search mode finds them: by length, then from the left."""
        memo = self._subwords
        hit = memo.get(word)
        if hit is None:
            n = len(word)
            hit = tuple((word[i : i + k], i) for k in (2, 3) for i in range(n - k + 1)
                        if word[i : i + k] != word and self.has_word(word[i : i + k]))
            if len(memo) < self.MEMO:
                memo[word] = hit
        return hit


class _Rjieba(_Segmenter):
    def __init__(self):
        import rjieba

        self._subwords: dict[str, tuple] = {}
        self._j = rjieba.Jieba()
        for word, freq in domain_words():
            self._j.add_word(word, freq, None)

    def tokenize(self, text: str, search: bool) -> list[tuple[str, int, int]]:
        return self._j.tokenize(text, "search" if search else "default", True)

    def has_word(self, word: str) -> bool:
        return self._j.has_word(word)


class _Jieba(_Segmenter):
    def __init__(self, cache_dir: Path):
        import logging

        import jieba

        self._subwords: dict[str, tuple] = {}
        jieba.setLogLevel(logging.WARNING)
        self._t = jieba.Tokenizer()
        cache_dir.mkdir(parents=True, exist_ok=True)
        self._t.tmp_dir = str(cache_dir)  # jieba #26, #274, #903: not a shared /tmp file
        self._t.initialize()
        for word, freq in domain_words():
            self._t.add_word(word, freq)

    def tokenize(self, text: str, search: bool) -> list[tuple[str, int, int]]:
        return list(self._t.tokenize(text, mode="search" if search else "default", HMM=True))

    def has_word(self, word: str) -> bool:
        return bool(self._t.FREQ.get(word))


_segmenter = None


def get_segmenter():
    """The process-wide segmenter, created on first use (load it at start-up to avoid a slow first query)."""
    global _segmenter
    if _segmenter is None:
        with _lock:
            if _segmenter is None:
                if BACKEND == "jieba":
                    from indexer.config import Settings

                    # jieba's own default is a shared file in /tmp; keep it in our instance folder
                    cache = JIEBA_CACHE_DIR or Settings.from_env().cache_dir
                    _segmenter = _Jieba(Path(cache))
                else:
                    _segmenter = _Rjieba()
    return _segmenter
