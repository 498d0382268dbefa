"""The bilingual taxonomy of partners and topics, and tagging text with it."""
from __future__ import annotations

import re
import threading
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache

import ahocorasick
import pycountry
import yaml
from babel import Locale

from indexer.config import DATA_DIR

from .textnorm import INVISIBLE, fold, is_han

TAXONOMY_FILE = DATA_DIR / "taxonomy.yaml"


@dataclass
class Entry:
    """One partner or topic with its names in both languages."""

    id: str
    kind: str  # "organisation" | "country" | "topic"
    zh: str
    en: str
    aliases_zh: list[str] = field(default_factory=list)
    aliases_en: list[str] = field(default_factory=list)
    acronyms: list[str] = field(default_factory=list)
    # other spellings recognised in text and queries but never shown: regional names (CLDR's
    # Taiwan and Hong Kong Chinese) and Chinese calques of English terms (data/calques.yaml)
    variants_zh: list[str] = field(default_factory=list)
    variants_en: list[str] = field(default_factory=list)

    def label(self, lang: str | None = None) -> str:
        """Display label: one language, or both ("世界海关组织 World Customs Organization")."""
        if lang == "zh":
            return self.zh or self.en
        if lang == "en":
            return self.en or self.zh
        return f"{self.zh} {self.en}".strip() if self.zh != self.en else self.zh

    def names(self) -> list[str]:
        """Every surface form, for query expansion and display."""
        seen: dict[str, None] = {}
        for name in [self.zh, self.en, *self.aliases_zh, *self.aliases_en, *self.acronyms]:
            if name:
                seen.setdefault(name, None)
        return list(seen)


_WORD_CHAR = re.compile(r"[0-9A-Za-z]")


_HAN_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"  # as textnorm.is_han
# invisible characters, and a whitespace run with a Han character on either side (invisible ones in
# between too; str.isspace and \s agree on what is space)
_SPACE_BY_HAN = re.compile(f"[{INVISIBLE}]+|(?<=[{_HAN_CLASS}])[\\s{INVISIBLE}]+|[\\s{INVISIBLE}]+(?=[{_HAN_CLASS}])")


class _OffsetMap:
    """Where each character of a compacted text was in the original: a few kept pieces, looked up
    by bisection (a list of every character's offset was a tenth of tagging's time)."""

    __slots__ = ("starts", "origins")

    def __init__(self, starts: list[int], origins: list[int]):
        self.starts = starts  # where each kept piece begins in the compacted text
        self.origins = origins  # and where it began in the original

    def __getitem__(self, i: int) -> int:
        k = bisect_right(self.starts, i) - 1
        return self.origins[k] + i - self.starts[k]


def _compact(text: str) -> tuple[str, _OffsetMap]:
    """Drop whitespace next to Han characters (OCR and PDF text is full of it) and invisible
    characters (zero-width spaces, soft hyphens); keep a map back."""
    parts: list[str] = []
    starts: list[int] = [0]
    origins: list[int] = [0]
    size = last = 0
    for m in _SPACE_BY_HAN.finditer(text):
        parts.append(text[last : m.start()])
        size += m.start() - last
        last = m.end()
        starts.append(size)
        origins.append(last)
    if not parts:
        return text, _OffsetMap(starts, origins)
    parts.append(text[last:])
    return "".join(parts), _OffsetMap(starts, origins)


class Taxonomy:
    """Partners and topics loaded from data, with a fast multi-pattern tagger."""

    def __init__(self, partners: dict[str, Entry], topics: dict[str, Entry]):
        self.partners = partners
        self.topics = topics
        self._zh = ahocorasick.Automaton()
        self._en = ahocorasick.Automaton()  # lower-cased names, matched case-insensitively
        self._acr = ahocorasick.Automaton()  # acronyms, matched case-sensitively
        for kind, entries in (("partner", partners), ("topic", topics)):
            for e in entries.values():
                for name in e.aliases_zh:
                    key = fold(name).replace(" ", "")
                    self._add(self._zh, key, kind, e.id)
                for name in e.aliases_en:
                    self._add(self._en, fold(name).lower(), kind, e.id)
                for name in e.acronyms:
                    self._add(self._acr, fold(name), kind, e.id)
        for a in (self._zh, self._en, self._acr):
            if len(a):
                a.make_automaton()
        self._variants = None
        self._variants_lock = threading.Lock()

    @staticmethod
    def _add(automaton, key: str, kind: str, ident: str) -> None:
        if not key:
            return
        existing = automaton.get(key, None)
        targets = set(existing[1]) if existing else set()
        targets.add((kind, ident))
        automaton.add_word(key, (len(key), tuple(sorted(targets))))

    def entry(self, ident: str) -> Entry | None:
        """The partner or topic with this id, if any."""
        return self.partners.get(ident) or self.topics.get(ident)

    def variants(self):
        """The automata of names with their variants (variants.TagVariants), built on first use."""
        if self._variants is None:
            with self._variants_lock:
                if self._variants is None:
                    from .variants import TagVariants

                    self._variants = TagVariants(self)
        return self._variants

    def find(self, text: str, variants: bool = True) -> list[tuple[int, int, str, str]]:
        """Mentions in `text` as (start, end, kind, id), leftmost-longest, non-overlapping per script;
        with `variants`, also other spellings of the names (variants.py)."""
        folded = fold(text)
        found: list[tuple[int, int, str, str]] = []
        compact, where = _compact(folded)
        lower = folded.lower()
        if variants:
            tv = self.variants()
            for s, e, targets in tv.scan_zh(compact):
                s, e = where[s], where[e - 1] + 1
                found += [(s, e, kind, ident) for kind, ident in targets]
            for s, e, targets in tv.scan_en(lower):
                found += [(s, e, kind, ident) for kind, ident in targets]
        else:
            found += self._scan(self._zh, compact, where, bounded=False)
            found += self._scan(self._en, lower, None, bounded=True)
        found += self._scan(self._acr, folded, None, bounded=True)
        found.sort()
        return found

    @staticmethod
    def _scan(automaton, text: str, where: _OffsetMap | None, bounded: bool):
        if not len(automaton):
            return []
        spans = []
        for end, (length, targets) in automaton.iter(text):
            start = end - length + 1
            if bounded:
                if start > 0 and _WORD_CHAR.match(text[start - 1]):
                    continue
                if end + 1 < len(text) and _WORD_CHAR.match(text[end + 1]):
                    continue
            spans.append((start, end + 1, targets))
        spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
        out = []
        last_end = -1
        for start, end, targets in spans:
            if start < last_end:
                continue
            last_end = end
            s, e = (where[start], where[end - 1] + 1) if where is not None else (start, end)
            for kind, ident in targets:
                out.append((s, e, kind, ident))
        return out

    def tag(self, text: str) -> tuple[list[str], list[str]]:
        """Partner ids and topic ids mentioned in `text`, each sorted."""
        partners: set[str] = set()
        topics: set[str] = set()
        for _s, _e, kind, ident in self.find(text):
            (partners if kind == "partner" else topics).add(ident)
        return sorted(partners), sorted(topics)

    def zh_words(self) -> list[str]:
        """Chinese names and signal words, for the segmenter's dictionary."""
        words = set()
        for entries in (self.partners, self.topics):
            for e in entries.values():
                for name in e.aliases_zh:
                    w = fold(name).replace(" ", "")
                    if len(w) >= 2 and all(is_han(c) for c in w):
                        words.add(w)
        return sorted(words)


def _country_entries(spec: dict) -> dict[str, Entry]:
    zh_loc, en_loc = Locale("zh"), Locale("en")
    # Taiwan and Hong Kong name many countries otherwise (哈薩克, 紐西蘭, 義大利): recognised, not shown
    regional = [Locale.parse("zh_Hant"), Locale.parse("zh_Hant_HK")]
    exclude_zh = set(spec.get("exclude", {}).get("zh", []))
    exclude_en = {n.lower() for n in spec.get("exclude", {}).get("en", [])}
    extra = spec.get("add", {})
    out: dict[str, Entry] = {}
    for country in pycountry.countries:
        a2, a3 = country.alpha_2, country.alpha_3
        zh = zh_loc.territories.get(a2, "")
        en = en_loc.territories.get(a2, "") or country.name
        names_en = [en, country.name, getattr(country, "common_name", ""), getattr(country, "official_name", "")]
        add = extra.get(a3, {})
        aliases_zh = [n for n in [zh, *add.get("zh", [])] if n and n not in exclude_zh]
        aliases_en = [
            n for n in [*names_en, *add.get("en", [])]
            if n and "," not in n and n.lower() not in exclude_en
        ]
        regional_zh = []
        if en.lower() not in exclude_en and zh not in exclude_zh:  # Georgia's 喬治亞 is also the US state
            for loc in regional:
                name = fold(loc.territories.get(a2, ""))
                if name and all(is_han(c) for c in name) and name not in aliases_zh and name not in exclude_zh:
                    regional_zh.append(name)
        short_zh = zh
        for suffix in ("特别行政区",):
            if short_zh.endswith(suffix):
                short_zh = short_zh[: -len(suffix)].removeprefix("中国")
        out[a3] = Entry(
            id=a3, kind="country", zh=short_zh or en, en=_short_en(en),
            aliases_zh=list(dict.fromkeys(aliases_zh)), aliases_en=list(dict.fromkeys(aliases_en)),
            acronyms=list(add.get("acronyms", [])), variants_zh=list(dict.fromkeys(regional_zh)),
        )
    return out


def _short_en(name: str) -> str:
    return name.replace(" SAR China", "")


@lru_cache(maxsize=1)
def load_taxonomy() -> Taxonomy:
    """The taxonomy from `data/taxonomy.yaml` plus country names from Babel and pycountry."""
    spec = yaml.safe_load(TAXONOMY_FILE.read_text(encoding="utf-8"))
    partners = _country_entries(spec.get("countries", {}))
    for ident, o in spec["organisations"].items():
        partners[ident] = Entry(
            id=ident, kind="organisation", zh=o["zh"], en=o["en"],
            aliases_zh=list(o.get("aliases_zh", [])), aliases_en=list(o.get("aliases_en", [])),
            acronyms=list(o.get("acronyms", [])),
        )
    from .calques import load_calques

    calques = load_calques()
    topics = {}
    for ident, t in spec["topics"].items():
        acronyms = [w for w in t.get("en_terms", []) if w.isupper()]
        names_en = [w for w in t.get("en_terms", []) if w not in acronyms]
        topics[ident] = Entry(
            id=ident, kind="topic", zh=t["zh"], en=t["en"],
            aliases_zh=list(t.get("zh_terms", [])), aliases_en=names_en, acronyms=acronyms,
            variants_zh=list(calques.get(ident, {})),
        )
    _lend_glossary_names(topics)
    return Taxonomy(partners, topics)


def _lend_glossary_names(topics: dict[str, Entry]) -> None:
    """A glossary concept that shares a name with one topic lends that topic its other names, to be
    recognised in text (联合控制 / joint customs control, beside the topic's "joint control").
    Only a specific shared name makes the link (a phrase, or four Chinese characters: "workshop"
    would make every 研讨会 a training), and single English words and one- or two-character Chinese
    names are too ambiguous to lend."""
    from .glossary import load_glossary

    def key(name: str) -> str:
        return re.sub(r"\s+", " ", fold(name).strip().lower())

    owners: dict[str, set[str]] = {}
    for e in topics.values():
        for name in [e.zh, e.en, *e.aliases_zh, *e.aliases_en]:
            owners.setdefault(key(name), set()).add(e.id)
    def specific(name: str) -> bool:  # "joint control", 联合监管; not "workshop", 自动化
        k = key(name)
        return " " in k if k.isascii() else len(k.replace(" ", "")) >= 4

    for concept in load_glossary().concepts:
        ids = set().union(*(owners.get(key(n), set()) for n in concept.names() if specific(n)))
        if len(ids) != 1:
            continue  # a concept of two topics (or none) lends to neither
        e = topics[ids.pop()]
        have = {key(n) for n in [*e.aliases_zh, *e.aliases_en, *e.variants_zh, *e.variants_en]}
        for name in concept.zh:
            if len(fold(name).replace(" ", "")) >= 3 and key(name) not in have:
                e.variants_zh.append(name)
                have.add(key(name))
        for name in concept.en:
            if " " in name.strip() and key(name) not in have:
                e.variants_en.append(name)
                have.add(key(name))
