"""A generated archive: zh/en documents shaped like corpus/, at a chosen number of passages.

The sentences of the sample corpus are the shapes. Partner names, topic terms and years in them
are slots, filled per document; about one content word in five is swapped for a word of the same
length drawn by frequency from jieba's dictionary (Chinese) or simplemma's English word list, so
the vocabulary keeps growing with size as a real archive's does. Years grow towards the present,
partners and topics follow Zipf-like spreads, a few Chinese documents are OCR-damaged or in
Traditional characters, some files are Markdown with front matter. Everything follows from the
seed: document n is drawn from its own generator seeded by (seed, n), so a smaller corpus is the
start of a larger one.

    .venv/bin/python -m bench.corpus_gen --passages 10000 --out /tmp/corpus-10k
"""
from __future__ import annotations

import argparse
import bisect
import itertools
import math
import random
import re
import shutil
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from indexer.analysis.textnorm import is_han
from indexer.config import PROJECT_ROOT

SAMPLE_CORPUS = PROJECT_ROOT / "corpus"
YEARS = range(1985, 2025)
ZH_SHARE = 0.62
SWAP_RATE = 0.2  # share of content words replaced by a dictionary word of the same length
OCR_SHARE = 0.04  # Chinese documents with OCR damage
TRADITIONAL_SHARE = 0.03
MARKDOWN_SHARE = 0.15
PASSAGE_WEIGHT = (230, 380)  # reading units per paragraph: each paragraph becomes one passage
# The partners a Chinese customs archive speaks of most, most frequent first; the rest of the
# taxonomy follows in a long tail.
PROMINENT_PARTNERS = [
    "WCO", "ASEAN", "RUS", "KAZ", "USA", "EU", "JPN", "KOR", "MNG", "KGZ", "VNM", "SGP", "WTO",
    "APEC", "CAREC", "SCO", "TJK", "UZB", "THA", "HKG", "MAC", "PAK", "DEU", "GBR", "FRA", "AUS",
    "NZL", "MYS", "IDN", "LAO", "MMR", "KHM", "PHL", "ADB", "UN", "INTERPOL", "WIPO", "GMS", "BRICS",
    "RCEP", "BLR", "TUR", "ITA", "EAEU", "OECD", "WB", "ICC", "ASEM", "CZE", "NLD", "BEL", "ESP",
]
ZH_TITLES = [
    "{y}年中国海关与{p}{t}合作会议纪要", "中国海关与{p}{t}研讨会综述（{y}年）", "{p}海关代表团访华：{t}交流",
    "关于{t}的{p}双边海关合作声明", "{y}年海关国际合作年鉴：{p}", "{p}与中国海关签署{t}合作文件",
    "{y}年{t}工作情况通报", "中{p}海关第{n}次{t}工作组会议",
]
EN_TITLES = [
    "{p} and China Customs meeting on {t}, {y}", "Joint statement on {t} cooperation with {p} ({y})",
    "{y} seminar on {t}: {p} and China Customs", "Annual report {y}: customs cooperation with {p}",
    "Briefing on {p} {t} cooperation", "Minutes of the {n}th {p} working group on {t}",
]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]


@dataclass
class Template:
    """A sentence shape: literal text, slots (P partner, T topic, Y year) and swappable words."""

    lang: str
    parts: list  # str (literal) | ("P",) | ("T",) | ("Y",) | ("W", word)
    weight: float


@dataclass
class Sources:
    """Everything drawn from corpus/, the taxonomy and the dictionaries; built once per run."""

    templates: dict[str, list[Template]]
    words: dict[str, dict[int, tuple[list[str], list[float]]]]  # lang → length → (words, cumulative weights)
    partners: list[str]
    partner_cum: list[float]
    topics: list[str]
    topic_cum: list[float]
    names: dict[tuple[str, str], list[str]]  # (id, lang) → names, the usual one first
    corpus_words: dict[str, Counter] = field(default_factory=dict)
    phrases: dict[str, list[str]] = field(default_factory=dict)


def _weight(text: str) -> float:
    han = sum(1 for c in text if is_han(c))
    return han + (len(text) - han) / 2


def _cumulative(weights) -> list[float]:
    return list(itertools.accumulate(weights))


def _pick(rng: random.Random, items: list, cum: list[float]):
    return items[bisect.bisect_left(cum, rng.random() * cum[-1])]


def _sample_texts() -> list[tuple[str, str]]:
    from indexer.ingest.extract.text import decode

    return [(p.name, decode(p.read_bytes())) for p in sorted(SAMPLE_CORPUS.glob("*.txt"))]


_SENT = re.compile(r"(?<=[。！？；])|(?<=[.!?])\s+(?=[A-Z(“\"])")
_YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20[0-2]\d)(?!\d)")
_EN_WORD = re.compile(r"\b[a-z]{4,}\b")


def _sentences(text: str) -> list[str]:
    from indexer.ingest.passages import paragraphs

    out = []
    for para in paragraphs(text):
        out.extend(s.strip() for s in _SENT.split(para) if s and s.strip())
    return out


@lru_cache(maxsize=1)
def load_sources() -> Sources:
    """Sentence shapes, vocabularies and name lists (deterministic: no randomness here)."""
    from indexer.analysis.segment import get_segmenter
    from indexer.analysis.taxonomy import load_taxonomy

    tax = load_taxonomy()
    seg = get_segmenter()
    zh_names = sorted({n for e in [*tax.partners.values(), *tax.topics.values()] for n in e.aliases_zh if len(n) >= 2},
                      key=len, reverse=True)
    en_names = sorted({n for e in [*tax.partners.values(), *tax.topics.values()]
                       for n in [*e.aliases_en, *e.acronyms] if len(n) >= 2}, key=len, reverse=True)
    topic_names = {n for e in tax.topics.values() for n in [*e.aliases_zh, *e.aliases_en, *e.acronyms]}
    name_re = {
        "zh": re.compile("|".join(re.escape(n) for n in zh_names)),
        "en": re.compile(r"\b(" + "|".join(re.escape(n) for n in en_names) + r")\b"),
    }
    templates: dict[str, list[Template]] = {"zh": [], "en": []}
    corpus_words = {"zh": Counter(), "en": Counter()}
    phrases: dict[str, list[str]] = {"zh": [], "en": []}
    for name, text in _sample_texts():
        if "ocr" in name:  # damaged shapes would be damaged twice
            continue
        for s in _sentences(text):
            han = sum(1 for c in s if is_han(c))
            latin = sum(1 for c in s if c.isascii() and c.isalpha())
            if han >= 8 and han * 3 >= latin and 10 <= len(s) <= 160:
                lang = "zh"
            elif han == 0 and latin >= 30 and 6 <= len(s.split()) <= 70 and s[0].isupper():
                lang = "en"
            else:
                continue
            parts: list = []
            last = 0
            spans = [(m.start(), m.end(), "T" if m.group(0) in topic_names else "P") for m in name_re[lang].finditer(s)]
            spans += [(m.start(), m.end(), "Y") for m in _YEAR.finditer(s)]
            spans.sort()
            pieces: list = []
            for a, b, kind in spans:
                if a < last:
                    continue
                pieces.append(s[last:a])
                pieces.append((kind,))
                last = b
            pieces.append(s[last:])
            for piece in pieces:
                if isinstance(piece, tuple):
                    parts.append(piece)
                elif lang == "zh":
                    for w, _s, _e in seg.tokenize(piece, False):
                        if len(w) >= 2 and all(is_han(c) for c in w):
                            parts.append(("W", w))
                            corpus_words["zh"][w] += 1
                        else:
                            parts.append(w)
                else:
                    pos = 0
                    for m in _EN_WORD.finditer(piece):
                        parts.append(piece[pos : m.start()])
                        parts.append(("W", m.group(0)))
                        corpus_words["en"][m.group(0)] += 1
                        pos = m.end()
                    parts.append(piece[pos:])
            parts = [p for p in parts if p != ""]
            templates[lang].append(Template(lang, parts, _weight(s)))
            words = s.split() if lang == "en" else None
            if words and len(words) >= 4:
                phrases["en"].append(" ".join(w.strip(".,;:()“”\"") for w in words[1:3]))
    words = {"zh": _zh_vocabulary(corpus_words["zh"]), "en": _en_vocabulary(corpus_words["en"])}
    order = [p for p in PROMINENT_PARTNERS if p in tax.partners]
    order += sorted(p for p in tax.partners if p not in set(order))
    topics = list(tax.topics)
    names: dict = {}
    for e in [*tax.partners.values(), *tax.topics.values()]:
        # a partner's label is its usual name; a topic's label is a heading, its terms are what text says
        first = [] if e.kind == "topic" else [e.zh]
        zh = [n for n in dict.fromkeys([*first, *e.aliases_zh]) if n and any(is_han(c) for c in n)]
        en = [n for n in dict.fromkeys([*([] if e.kind == "topic" else [e.en]), *e.aliases_en, *e.acronyms]) if n]
        names[(e.id, "zh")] = zh or en
        names[(e.id, "en")] = en or zh
    return Sources(
        templates=templates, words=words,
        partners=order, partner_cum=_cumulative(1 / (r + 1) ** 1.1 for r in range(len(order))),
        topics=topics, topic_cum=_cumulative(1 / (r + 1) ** 0.8 for r in range(len(topics))),
        names=names, corpus_words=corpus_words, phrases=phrases,
    )


def _by_length(pairs) -> dict[int, tuple[list[str], list[float]]]:
    grouped: dict[int, list[tuple[str, float]]] = {}
    for w, f in pairs:
        grouped.setdefault(len(w), []).append((w, f))
    return {n: ([w for w, _ in ws], _cumulative(f for _, f in ws)) for n, ws in grouped.items()}


def _zh_vocabulary(corpus: Counter) -> dict[int, tuple[list[str], list[float]]]:
    """Words of jieba's dictionary by frequency, the sample corpus's own words weighted up."""
    import jieba

    path = Path(jieba.__file__).parent / "dict.txt"
    freq: dict[str, float] = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2 and 2 <= len(parts[0]) <= 4 and all(is_han(c) for c in parts[0]):
                n = int(parts[1])
                if n >= 5:
                    freq[parts[0]] = n ** 0.8  # flatter than raw counts: an archive is not a newspaper
    boost = max(freq.values()) / 50
    for w, n in corpus.items():
        freq[w] = freq.get(w, 0) + boost * n
    return _by_length(sorted(freq.items()))


def _en_vocabulary(corpus: Counter) -> dict[int, tuple[list[str], list[float]]]:
    """simplemma's English word forms on a Zipf curve (in a fixed shuffled order), plus the corpus's words."""
    from simplemma.strategies.dictionaries.dictionary_factory import (
        DefaultDictionaryFactory,
    )

    lexicon = sorted(w for w in DefaultDictionaryFactory().get_dictionary("en").keys()
                     if w.isascii() and w.isalpha() and w.islower() and 4 <= len(w) <= 12)
    random.Random(7).shuffle(lexicon)
    freq = {w: 1000 / (r + 20) for r, w in enumerate(lexicon)}
    for w, n in corpus.items():
        freq[w] = freq.get(w, 0) + 20 * n
    return _by_length(sorted(freq.items()))


# -- documents -------------------------------------------------------------------------------
@dataclass
class GeneratedDoc:
    """One generated file's facts (what the bench needs to know without re-reading it)."""

    path: str
    lang: str
    year: int
    partners: list[str]
    topics: list[str]
    passages: int
    bytes: int


class _Doc:
    def __init__(self, src: Sources, rng: random.Random, n: int, passages: int):
        self.src, self.rng, self.n = src, rng, n
        self.lang = "zh" if rng.random() < ZH_SHARE else "en"
        years = list(YEARS)
        self.year = _pick(rng, years, _cumulative(math.exp(0.06 * (y - YEARS.start)) for y in years))
        self.partners = [_pick(rng, src.partners, src.partner_cum)]
        if rng.random() < 0.5:
            self.partners.append(_pick(rng, src.partners, src.partner_cum))
        self.topics = [_pick(rng, src.topics, src.topic_cum)]
        if rng.random() < 0.4:
            self.topics.append(_pick(rng, src.topics, src.topic_cum))
        self.passages = passages

    def _name(self, ident: str) -> str:
        names = self.src.names[(ident, self.lang)]
        return names[0] if self.rng.random() < 0.6 else self.rng.choice(names)

    def _slot(self, kind: str) -> str:
        r = self.rng.random()
        if kind == "Y":
            return str(self.year if r < 0.75 else self.year - self.rng.randint(1, 12))
        pool, everyone, cum = ((self.partners, self.src.partners, self.src.partner_cum) if kind == "P"
                               else (self.topics, self.src.topics, self.src.topic_cum))
        ident = pool[0] if r < 0.5 else (pool[-1] if r < 0.7 else _pick(self.rng, everyone, cum))
        return self._name(ident)

    def _swap(self, word: str) -> str:
        table = self.src.words[self.lang].get(len(word))
        if not table or self.rng.random() >= SWAP_RATE:
            return word
        return _pick(self.rng, *table)

    def sentence(self) -> str:
        t = self.rng.choice(self.src.templates[self.lang])
        out = []
        for p in t.parts:
            if isinstance(p, str):
                out.append(p)
            elif p[0] == "W":
                out.append(self._swap(p[1]))
            else:
                out.append(self._slot(p[0]))
        return "".join(out)

    def paragraph(self) -> str:
        goal = self.rng.uniform(*PASSAGE_WEIGHT)
        sep = "" if self.lang == "zh" else " "
        out, w = [], 0.0
        while w < goal:
            s = self.sentence()
            sw = _weight(s)
            if w and w + sw > PASSAGE_WEIGHT[1] + 150:
                continue  # would overflow one passage
            if sw > PASSAGE_WEIGHT[1] + 150:
                continue
            out.append(s)
            w += sw
        para = sep.join(out)
        if self.lang == "zh" and para[-1] not in "。！？；":
            para += "。"
        elif self.lang == "en" and para[-1] not in ".!?":
            para += "."
        return para

    def title(self) -> str:
        tpl = self.rng.choice(ZH_TITLES if self.lang == "zh" else EN_TITLES)
        return tpl.format(y=self.year, p=self._name(self.partners[0]), t=self._name(self.topics[0]),
                          n=self.rng.randint(2, 19))

    def date(self) -> tuple[str, str]:
        m, d = self.rng.randint(1, 12), self.rng.randint(1, 28)
        iso = f"{self.year}-{m:02d}-{d:02d}"
        return iso, (f"{self.year}年{m}月{d}日" if self.lang == "zh" else f"{d} {MONTHS[m - 1]} {self.year}")


def _ocr_damage(text: str, rng: random.Random) -> str:
    """Misread characters (the confusions of indexer/data/ocr_confusions.yaml) and hard-wrapped, spaced lines."""
    from indexer.analysis.tokens import _ocr_confusions

    wrong_for: dict[str, list[str]] = {}
    for wrong, right in _ocr_confusions().items():
        wrong_for.setdefault(right, []).append(wrong)
    chars = [rng.choice(wrong_for[c]) if c in wrong_for and rng.random() < 0.08 else c for c in text]
    out, line = [], 0
    for c in chars:
        out.append(c)
        line += 1
        if c == "\n":
            line = 0
        elif line >= 38 and is_han(c):
            out.append("\n")
            line = 0
        elif is_han(c) and rng.random() < 0.02:
            out.append(" ")
    return "".join(out)


_to_traditional = None


def _traditional(text: str) -> str:
    global _to_traditional
    if _to_traditional is None:
        import opencc

        _to_traditional = opencc.OpenCC("s2t")
    return _to_traditional.convert(text)


def passages_per_document(rng: random.Random) -> int:
    """Most records are a few pages; a few yearbooks and reports are long (log-normal, median 6)."""
    return max(1, min(150, round(math.exp(rng.gauss(math.log(6), 0.9)))))


def render(src: Sources, seed: int, n: int, passages: int | None = None) -> tuple[str, str, _Doc]:
    """Document n of the archive of `seed`: (relative path, file text, facts)."""
    rng = random.Random(seed * 1_000_003 + n)
    count = passages_per_document(rng)
    doc = _Doc(src, rng, n, passages or count)
    title = doc.title()
    iso, shown = doc.date()
    body = "\n\n".join(doc.paragraph() for _ in range(doc.passages))
    markdown = rng.random() < MARKDOWN_SHARE
    if markdown:
        text = f"---\ntitle: \"{title}\"\ndate: {iso}\n---\n\n# {title}\n\n{shown}\n\n{body}\n"
    else:
        text = f"{title}\n{shown}\n\n{body}\n"
    if doc.lang == "zh" and not markdown:
        r = rng.random()
        if r < OCR_SHARE:
            text = _ocr_damage(text, rng)
        elif r < OCR_SHARE + TRADITIONAL_SHARE:
            text = _traditional(text)
    ext = ".md" if markdown else ".txt"
    return f"{doc.year}/{doc.lang}-{n:07d}{ext}", text, doc


def plan(seed: int, passages: int) -> list[int]:
    """Passages of each document, summing to `passages` (the last document is cut to fit)."""
    counts: list[int] = []
    total = 0
    n = 0
    while total < passages:
        rng = random.Random(seed * 1_000_003 + n)
        c = min(passages_per_document(rng), passages - total)
        counts.append(c)
        total += c
        n += 1
    return counts


def generate(out: Path, passages: int, seed: int = 42) -> dict:
    """Write the archive into `out` (emptied first); returns its manifest (counts and sizes)."""
    src = load_sources()
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    docs: list[GeneratedDoc] = []
    total_bytes = 0
    for n, count in enumerate(plan(seed, passages)):
        rel, text, d = render(src, seed, n, count)
        data = text.encode("utf-8")
        path = out / rel
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
        total_bytes += len(data)
        docs.append(GeneratedDoc(rel, d.lang, d.year, d.partners, d.topics, count, len(data)))
    langs = Counter(d.lang for d in docs)
    return {
        "seed": seed, "passages_planned": passages, "documents": len(docs), "bytes": total_bytes,
        "languages": dict(langs), "files": [d.path for d in docs], "docs": docs,
    }


def main(argv=None) -> int:
    """Write a corpus and print its size."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--passages", type=int, default=10_000)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--out", type=Path, required=True)
    a = p.parse_args(argv)
    m = generate(a.out, a.passages, a.seed)
    print(f"{m['documents']} documents, {m['passages_planned']} passages, {m['bytes'] / 1e6:.1f} MB in {a.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
