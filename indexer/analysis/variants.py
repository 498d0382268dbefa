"""Name variants: spellings of partner and topic names that the taxonomy does not list.

Documents nobody curated write names in other ways: other transliterations (吉尔吉斯 in Taiwan and
Hong Kong usage, Kazakstan beside Kazakhstan), one-character slips (吉尔吉斯坦 for 吉尔吉斯斯坦,
Turkmenstan) and OCR misreadings (世界悔关组织). Nothing here lists such spellings; they come from
- rules applied to every name (`data/name_variants.yaml`): optional endings of transliterations,
  a doubled character written once, letter groups that transliterations write either way;
- one edit (an interior character dropped, swapped, mistyped or added) on long names;
- the OCR confusion table (`data/ocr_confusions.yaml`);
- the regional names of CLDR (Taiwan and Hong Kong Chinese), which taxonomy.py reads.

Two users: tagging (`TagVariants`, used by `Taxonomy.find`) and queries (`names.py`: `match_names`,
`suggest_name`). Tagging guards precision: a slip must not be a word of the dictionary, an edit
must fall inside the name, and a shortened name followed by 族 or 语 names a people or a language.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache
from typing import Callable

import ahocorasick
import yaml

from indexer.config import DATA_DIR

from .textnorm import fold, is_han

RULES_FILE = DATA_DIR / "name_variants.yaml"
OCR_FILE = DATA_DIR / "ocr_confusions.yaml"


@lru_cache(maxsize=1)
def rules() -> dict:
    """The variant rules from `data/name_variants.yaml`."""
    return yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def ocr_misreadings() -> dict[str, tuple[str, ...]]:
    """For each character, the characters OCR is known to read it as."""
    spec = yaml.safe_load(OCR_FILE.read_text(encoding="utf-8")) or {}
    return {right: tuple(wrongs) for right, wrongs in spec.items()}


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Edits (insert, delete, substitute, swap neighbours) between `a` and `b`; `limit + 1` when more."""
    if a == b:
        return 0
    la, lb = len(a), len(b)
    if abs(la - lb) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(lb + 1))
    for i in range(1, la + 1):
        ca = a[i - 1]
        cur = [i] + [0] * lb
        row_min = i
        for j in range(1, lb + 1):
            cb = b[j - 1]
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb and prev2[j - 2] + 1 < v:
                v = prev2[j - 2] + 1
            cur[j] = v
            if v < row_min:
                row_min = v
        if row_min > limit:
            return limit + 1
        prev2, prev = prev, cur
    return min(prev[lb], limit + 1)


def is_han_name(name: str) -> bool:
    """True for a name written in Han characters only."""
    return bool(name) and all(is_han(c) for c in name)


# --- generating variants -------------------------------------------------------------------------

def zh_variants(name: str) -> dict[str, str]:
    """Spellings of a Chinese name one rule away, each with its rule: "short form", "transliteration", "slip", "ocr"."""
    r = rules()["zh"]
    out: dict[str, str] = {}
    if not is_han_name(name):
        return out
    n = len(name)
    for suffix in r["optional_suffixes"]:
        if name.endswith(suffix) and n - len(suffix) >= r["min_stem"]:
            out.setdefault(name[: -len(suffix)], "short form")
    # a doubled syllable written once (吉尔吉斯斯坦 / 吉尔吉斯坦): where transliterations and typists differ most
    for i in range(1, n):
        if name[i] == name[i - 1] and n >= 4:
            out.setdefault(name[:i] + name[i + 1:], "transliteration")
    if n >= r["min_slip_length"]:
        # inside the name only: without its first or last character a name is often another word
        # (自由贸易区 → 自由贸易)
        for i in range(1, n - 1):
            out.setdefault(name[:i] + name[i + 1:], "slip")
        for i in range(1, n - 2):
            if name[i] != name[i + 1]:
                out.setdefault(name[:i] + name[i + 1] + name[i] + name[i + 2:], "slip")
    if n >= r["min_ocr_length"]:
        table = ocr_misreadings()
        for i, c in enumerate(name):
            for wrong in table.get(c, ()):
                out.setdefault(name[:i] + wrong + name[i + 1:], "ocr")
    out.pop(name, None)
    return out


def en_variants(name: str) -> dict[str, str]:
    """Lower-case spellings of an English name one transliteration alternation away (Kazakhstan → kazakstan)."""
    r = rules()["en"]
    words = name.lower().split()
    out: dict[str, str] = {}
    for wi, w in enumerate(words):
        if len(w) < r["min_word"] or not w.isalpha():
            continue
        forms: set[str] = set()
        for a, b in r["alternations"]:
            for src, dst in ((a, b), (b, a)):
                starts, i = [], w.find(src)
                while i != -1:
                    starts.append(i)
                    i = w.find(src, i + 1)
                for s in starts:  # at one place
                    forms.add(w[:s] + dst + w[s + len(src):])
                if len(starts) > 1:  # at every place (Kyrgyzstan / Kirgizstan)
                    forms.add(w.replace(src, dst))
        for f in forms:
            if f != w:
                out.setdefault(" ".join(words[:wi] + [f] + words[wi + 1:]), "transliteration")
    return out


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def _english_word_known(word: str) -> bool:
    import simplemma

    return simplemma.is_known(word, lang="en")


# --- tagging ------------------------------------------------------------------------------------

_LATIN_WORD = re.compile(r"[^\W\d_]+")
_WORD_CHAR = re.compile(r"[0-9A-Za-z]")


class TagVariants:
    """Automata of a taxonomy's names plus their variants, and approximate matching of long names.

    Built once per taxonomy, on its first `find`: the precision guards ask the segmenter's
    dictionary whether a variant is a word of its own, and the segmenter's dictionary is made
    from the taxonomy.
    """

    def __init__(self, tax, has_word: Callable[[str], bool] | None = None,
                 known_en: Callable[[str], bool] = _english_word_known,
                 cut: Callable[[str], list[tuple[str, int, int]]] | None = None):
        if has_word is None or cut is None:
            from .segment import get_segmenter

            seg = get_segmenter()
            has_word = has_word or seg.has_word
            cut = cut or (lambda text: seg.tokenize(text, False))
        self.has_word = has_word
        self.cut = cut
        self.known_en = known_en
        zr, er = rules()["zh"], rules()["en"]
        self.not_after = frozenset(zr["not_after_short_form"])
        self.min_slip = zr["min_slip_length"]
        self.min_slip_word = er["min_slip_word"]

        zh_exact: dict[str, set] = {}
        en_exact: dict[str, set] = {}
        zh_listed: dict[str, set] = {}  # regional names and calques from the taxonomy's data
        en_listed: dict[str, set] = {}
        for kind, entries in (("partner", tax.partners), ("topic", tax.topics)):
            for e in entries.values():
                t = (kind, e.id)
                for name in e.aliases_zh:
                    zh_exact.setdefault(fold(name).replace(" ", ""), set()).add(t)
                for name in e.aliases_en:
                    en_exact.setdefault(fold(name).lower(), set()).add(t)
                for name in getattr(e, "variants_zh", ()):
                    zh_listed.setdefault(fold(name).replace(" ", ""), set()).add(t)
                for name in getattr(e, "variants_en", ()):
                    en_listed.setdefault(fold(name).lower(), set()).add(t)

        zh_var: dict[str, set] = {}
        for key, targets in list(zh_exact.items()) + list(zh_listed.items()):
            for v, rule in zh_variants(key).items():
                if rule in ("slip", "ocr") and self.has_word(v):
                    continue  # a slip that spells another word is that word
                zh_var.setdefault(v, set()).update(targets)
        for key, targets in zh_listed.items():
            # a two-character regional name must be a word in its own right (澳洲, 印尼), else it is
            # more often two words that meet (广东加强 holds 东加, Tonga in Taiwan)
            if len(key) >= 3 or self.has_word(key):
                zh_var.setdefault(key, set()).update(targets)
        en_var: dict[str, set] = {}
        for key, targets in list(en_exact.items()) + list(en_listed.items()):
            for v in en_variants(key):
                if " " not in v and self.known_en(v):
                    continue
                en_var.setdefault(v, set()).update(targets)
        for key, targets in en_listed.items():
            en_var.setdefault(key, set()).update(targets)

        self.zh = self._automaton(zh_exact, zh_var)
        self.en = self._automaton(en_exact, en_var)
        self.zh_exact = zh_exact

        # anchors for one edit on long names: one of a name's two halves survives any single edit
        self.anchors = ahocorasick.Automaton()
        halves: dict[str, list] = {}
        for key, targets in zh_exact.items():
            n = len(key)
            if n >= self.min_slip and is_han_name(key) and len(targets) == 1:
                h = n // 2
                halves.setdefault(key[:h], []).append((key, "L", tuple(targets)))
                halves.setdefault(key[h:], []).append((key, "R", tuple(targets)))
        for half, entries in halves.items():
            self.anchors.add_word(half, (len(half), tuple(entries)))
        if len(self.anchors):
            self.anchors.make_automaton()
        self._slip_memo: dict[tuple[str, str], bool] = {}

        # English words of names, for words one edit away from them
        self.name_words: set[str] = set()
        for key in list(en_exact) + list(en_listed):
            self.name_words.update(w for w in key.split() if len(w) >= self.min_slip_word and w.isalpha())
        self._by_deletion: dict[str, set[str]] = {}
        for w in self.name_words:
            for d in _deletions(w) | {w}:
                self._by_deletion.setdefault(d, set()).add(w)
        self._fix_memo: dict[str, str | None] = {}
        self._unfixable: set[str] = set(self.name_words)
        # whole words only: "brazilië" holds no "brazili" (\b sees ë as a letter)
        self._long_word = re.compile(r"\b[a-z]{%d,}\b" % self.min_slip_word)

    @staticmethod
    def _automaton(exact: dict[str, set], variants: dict[str, set]):
        a = ahocorasick.Automaton()
        for key, targets in exact.items():
            if key:
                a.add_word(key, (len(key), tuple(sorted(targets)), False))
        for key, targets in variants.items():
            if key and key not in exact and len({i for _k, i in targets}) == 1:
                # a spelling that could be either of two names is neither
                a.add_word(key, (len(key), tuple(sorted(targets)), True))
        if len(a):
            a.make_automaton()
        return a

    # -- scanning ----------------------------------------------------------------------------------

    def scan_zh(self, compact: str) -> list[tuple[int, int, tuple]]:
        """(start, end, targets) of names and their variants in Han text with whitespace removed."""
        spans = _leftmost_longest(self.zh, compact, bounded=False)
        out = []
        for s, e, targets, variant in spans:
            if variant and e < len(compact) and compact[e] in self.not_after:
                continue  # 哈萨克族, 塔吉克语: a people, a language
            if variant and e - s <= 2 and not self._stands_alone(compact, s, e):
                continue  # 广东加强 holds 东加 (Tonga in Taiwan) across two words
            out.append((s, e, targets))
        return out + self._fuzzy_zh(compact, [(s, e) for s, e, _t in out])

    def _stands_alone(self, text: str, s: int, e: int) -> bool:
        """True when the segmenter cuts `text` at both ends of [s, e) (read in a window around it)."""
        w0 = max(0, s - 6)
        cuts = {0}
        for _w, _ts, te in self.cut(text[w0 : e + 6]):
            cuts.add(te)
        return (s - w0) in cuts and (e - w0) in cuts

    def _fuzzy_zh(self, compact: str, taken: list[tuple[int, int]]) -> list[tuple[int, int, tuple]]:
        if not len(self.anchors):
            return []
        found = []
        n_text = len(compact)
        starts = [ts for ts, _te in taken]  # taken spans are sorted and do not overlap
        for end, (alen, entries) in self.anchors.iter(compact):
            a_start = end - alen + 1
            for name, side, targets in entries:
                n = len(name)
                for size in (n, n - 1, n + 1):
                    s = a_start if side == "L" else end + 1 - size
                    e = s + size
                    # a slip keeps the name's first and last characters: most windows end here
                    if s < 0 or e > n_text or compact[s] != name[0] or compact[e - 1] != name[-1]:
                        continue
                    window = compact[s:e]
                    if window == name:
                        continue
                    i = bisect_left(starts, e)  # the last taken span starting before e overlaps if it ends after s
                    if i and taken[i - 1][1] > s:
                        continue
                    if self._is_slip(window, name):
                        found.append((s, e, targets))
        found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
        out, last = [], -1
        for s, e, t in found:
            if s >= last:
                out.append((s, e, t))
                last = e
        return out

    def _is_slip(self, window: str, name: str) -> bool:
        key = (window, name)
        hit = self._slip_memo.get(key)
        if hit is None:
            hit = (
                is_han_name(window)
                and window[0] == name[0] and window[-1] == name[-1]  # the edit falls inside the name
                and edit_distance(window, name, 1) == 1
                and window not in self.zh_exact
                and not self.has_word(window)
                and not (window.endswith(tuple(self.not_after)) and not name.endswith(tuple(self.not_after)))
            )
            if len(self._slip_memo) < 200_000:
                self._slip_memo[key] = hit
        return hit

    def scan_en(self, lower: str) -> list[tuple[int, int, tuple]]:
        """(start, end, targets) of English names, their variants, and names with one word one edit off."""
        spans = [(s, e, t) for s, e, t, _v in _leftmost_longest(self.en, lower, bounded=True)]
        # most words were seen before and fix nothing: set operations settle them without a loop
        words = set(self._long_word.findall(lower))
        words.difference_update(self._unfixable)
        if not words or not any(self._fix(w) for w in words):
            return spans
        fixes = []
        for m in _LATIN_WORD.finditer(lower):
            w = m.group()
            if w in words:
                fix = self._fix(w)
                if fix is not None:
                    fixes.append((m.start(), m.end(), fix))
        # read the text again with those words corrected, keeping a map back to the original offsets
        parts, where, last = [], [], 0
        for s, e, fix in fixes:
            parts.append(lower[last:s])
            where.extend(range(last, s))
            parts.append(fix)
            where.extend([s] * (len(fix) - 1) + [e - 1])
            last = e
        parts.append(lower[last:])
        where.extend(range(last, len(lower)))
        corrected = "".join(parts)
        fixed_at = {s for s, _e, _f in fixes}
        taken = [(s, e) for s, e, _t in spans]
        for s, e, t, _v in _leftmost_longest(self.en, corrected, bounded=True):
            os_, oe = where[s], where[e - 1] + 1
            if not any(os_ <= fs < oe for fs in fixed_at):
                continue  # found without a correction: already among the spans
            if any(os_ < te and ts < oe for ts, te in taken):
                continue
            spans.append((os_, oe, t))
        return spans

    def _fix(self, word: str) -> str | None:
        if word in self._fix_memo:
            return self._fix_memo[word]
        if not word.isascii():
            self._unfixable.add(word)
            return None
        cands = set()
        for d in _deletions(word) | {word}:
            cands |= self._by_deletion.get(d, set())
        cands = {c for c in cands if edit_distance(word, c, 1) == 1}
        fix = None
        if len(cands) == 1 and not self.known_en(word):
            fix = cands.pop()
        if len(self._fix_memo) < 200_000:
            self._fix_memo[word] = fix
            if fix is None:
                self._unfixable.add(word)
        return fix


def _leftmost_longest(automaton, text: str, bounded: bool) -> list[tuple[int, int, tuple, bool]]:
    if not len(automaton):
        return []
    spans = []
    for end, (length, targets, variant) in automaton.iter(text):
        start = end - length + 1
        if bounded:
            if start > 0 and _WORD_CHAR.match(text[start - 1]):
                continue
            if end + 1 < len(text) and _WORD_CHAR.match(text[end + 1]):
                continue
        spans.append((start, end + 1, targets, variant))
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
    out, last_end = [], -1
    for span in spans:
        if span[0] >= last_end:
            out.append(span)
            last_end = span[1]
    return out
