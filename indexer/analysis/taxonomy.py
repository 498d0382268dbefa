"""The bilingual taxonomy of partners and topics, and tagging text with it."""
from __future__ import annotations

import re
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


def _compact(text: str) -> tuple[str, list[int]]:
    """Drop whitespace next to Han characters (OCR and PDF text is full of it) and invisible
    characters (zero-width spaces, soft hyphens); keep a map back."""
    out: list[str] = []
    where: list[int] = []
    n = len(text)
    for i, ch in enumerate(text):
        if ch in INVISIBLE:
            continue
        if ch.isspace():
            prev = out[-1] if out else ""
            j = i + 1
            while j < n and text[j].isspace():
                j += 1
            nxt = text[j] if j < n else ""
            if (prev and is_han(prev)) or (nxt and is_han(nxt)):
                continue
        out.append(ch)
        where.append(i)
    return "".join(out), where


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

    def find(self, text: str) -> list[tuple[int, int, str, str]]:
        """Mentions in `text` as (start, end, kind, id), leftmost-longest, non-overlapping per script."""
        folded = fold(text)
        found: list[tuple[int, int, str, str]] = []
        compact, where = _compact(folded)
        found += self._scan(self._zh, compact, where, bounded=False)
        lower = folded.lower()
        found += self._scan(self._en, lower, None, bounded=True)
        found += self._scan(self._acr, folded, None, bounded=True)
        found.sort()
        return found

    @staticmethod
    def _scan(automaton, text: str, where: list[int] | None, bounded: bool):
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
        short_zh = zh
        for suffix in ("特别行政区",):
            if short_zh.endswith(suffix):
                short_zh = short_zh[: -len(suffix)].removeprefix("中国")
        out[a3] = Entry(
            id=a3, kind="country", zh=short_zh or en, en=_short_en(en),
            aliases_zh=list(dict.fromkeys(aliases_zh)), aliases_en=list(dict.fromkeys(aliases_en)),
            acronyms=list(add.get("acronyms", [])),
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
    topics = {}
    for ident, t in spec["topics"].items():
        acronyms = [w for w in t.get("en_terms", []) if w.isupper()]
        names_en = [w for w in t.get("en_terms", []) if w not in acronyms]
        topics[ident] = Entry(
            id=ident, kind="topic", zh=t["zh"], en=t["en"],
            aliases_zh=list(t.get("zh_terms", [])), aliases_en=names_en, acronyms=acronyms,
        )
    return Taxonomy(partners, topics)
