"""Cross-lingual query expansion from every bilingual source the project has.

A query term that names a partner, a topic or a glossary concept in one language also searches
its names in the other: WCO ↔ 世界海关组织 ↔ World Customs Organization, rules of origin ↔
原产地规则, 哈萨克斯坦 ↔ Kazakhstan. `Expander.expansions` (the read side's entry point) draws, in
this order of trust, on
1. curated names: partner names (CLDR and taxonomy.yaml), topic labels, glossary concepts;
2. name variants: a misspelt or regional name stands for its partner or topic (吉尔吉斯坦, Kazakstan,
   哈萨克; one edit from a long name when the surface is no word of its own: 知识产杈);
3. topic terms across languages: a topic's signal word in one language finds the topic's terms in
   the other that translate it best (国际公路运输公约 → TIR Convention), else the topic's label
   there (单证册 → ATA Carnet);
4. the general lexicon (CC-CEDICT), only for words none of the above covers, constrained by
   `keep` to terms that occur in the index.
Each expansion carries its surface, its source and a weight below the user's own words (1.0):
curated names above topic terms above lexicon translations.

`Expander.expand` is the earlier interface (curated names only, (surface, source) pairs), kept
unchanged for its callers.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

from .glossary import load_glossary
from .taxonomy import load_taxonomy
from .textnorm import fold, is_han

NAME_WEIGHT = 0.7  # another curated name of the same thing (as plan.EXPANSION_WEIGHT)
VARIANT_WEIGHT = 0.7  # the names of the partner or topic a variant spelling stands for
FUZZY_WEIGHT = 0.5  # the name one edit away from what was typed
TERM_WEIGHT = 0.6  # a topic's term in the other language that translates the typed one
LABEL_WEIGHT = 0.5  # the topic's label in the other language, when no term translates it
LEXICON_WEIGHT = 0.4  # the best lexicon translation; lower ones down to half of it
MAX_TERMS = 2


def _key(s: str) -> str:
    return re.sub(r"\s+", " ", fold(s).strip().lower())


def _lang(s: str) -> str:
    return "zh" if any(is_han(c) for c in s) else "en"


@dataclass(frozen=True)
class Expansion:
    """One equivalent of a query term: what to search, where the equivalence comes from, how much it weighs."""

    surface: str
    source: str  # "partner:KAZ", "topic:ata-carnet", "glossary", "lexicon"
    weight: float  # relative to the user's own words (1.0)
    lang: str  # "zh" | "en": the language of `surface`
    kind: str  # "name" | "variant" | "fuzzy" | "term" | "label" | "translation"


class Expander:
    """Looks up equivalent names of a query term."""

    def __init__(self):
        tax = load_taxonomy()
        self.tax = tax
        self.groups: list[tuple[str, list[str]]] = []
        for e in tax.partners.values():
            self.groups.append((f"partner:{e.id}", [n for n in e.names() if len(n) >= 2]))
        for e in tax.topics.values():
            self.groups.append((f"topic:{e.id}", [e.zh, e.en]))
        for c in load_glossary().concepts:
            self.groups.append(("glossary", list(c.names())))
        self.by_name: dict[str, list[int]] = {}
        for gi, (_src, names) in enumerate(self.groups):
            for n in names:
                self.by_name.setdefault(_key(n), []).append(gi)
        multi = sorted({_key(n) for _s, names in self.groups for n in names if " " in n.strip()}, key=len, reverse=True)
        self._multi = re.compile(r"(?<![\w\"])(" + "|".join(re.escape(m) for m in multi) + r")(?![\w\"])", re.I) if multi else None
        # a topic's signal words in both languages (taxonomy.yaml zh_terms / en_terms, and what tagging
        # recognises besides), for expansion across languages
        self.topic_terms: dict[str, list[str]] = {}
        for e in tax.topics.values():
            for n in [*e.aliases_zh, *e.aliases_en, *e.acronyms, *e.variants_zh, *e.variants_en]:
                ids = self.topic_terms.setdefault(_key(n), [])
                if e.id not in ids:
                    ids.append(e.id)
        self._align_lock = threading.Lock()
        self._english_of: dict[str, frozenset[str]] = {}

    # -- the earlier interface ---------------------------------------------------------------------

    def expand(self, surface: str) -> list[tuple[str, str]]:
        """Other names of the concept `surface` names, each with where the equivalence comes from."""
        out: list[tuple[str, str]] = []
        key = _key(surface)
        seen = {key}
        for gi in self.by_name.get(key, []):
            source, names = self.groups[gi]
            for n in names:
                k = _key(n)
                if k not in seen:
                    seen.add(k)
                    out.append((n, source))
        return out

    def quote_known_phrases(self, text: str) -> str:
        """Quote multi-word names typed without quotes ("rules of origin"), so they stay one clause."""
        if self._multi is None or '"' in text:
            return text
        return self._multi.sub(lambda m: f'"{m.group(1)}"', text)

    # -- every source, with weights ----------------------------------------------------------------

    def expansions(self, surface: str, keep: Callable[[str], bool] | None = None, lexicon: bool = True,
                   max_lexicon: int = 3) -> list[Expansion]:
        """Equivalents of `surface` from every bilingual source, most trusted first.

        `keep(index_term)` constrains lexicon translations to terms the index holds (see
        `lexicon.Lexicon.translations`); curated equivalents are not filtered. With
        `lexicon=False`, curated sources only.
        """
        key = _key(surface)
        if not key:
            return []
        out: list[Expansion] = []
        seen = {key}

        def add(s: str, source: str, weight: float, kind: str) -> None:
            k = _key(s)
            if k and k not in seen:
                seen.add(k)
                out.append(Expansion(s, source, round(weight, 3), _lang(s), kind))

        for s, source in self.expand(surface):
            add(s, source, NAME_WEIGHT, "name")
        if not out:
            self._variants(surface, add)
        named = bool(out)
        by_topic = self._topic_terms(surface, key, add)
        if lexicon and not named:
            from .lexicon import get_lexicon

            found = get_lexicon().translations(surface, keep=keep, limit=max_lexicon)
            if any(not t.composed for t in found):
                found = [t for t in found if not t.composed]  # the dictionary's own word beats guesses
            if by_topic:
                # a topic's terms translate it already: only the dictionary's own words (保税区: bonded area)
                found = [t for t in found if not t.composed][:2]
            for i, t in enumerate(found):
                add(t.surface, t.source, LEXICON_WEIGHT * max(0.5, 1 - 0.2 * i), "translation")
        return out

    def compound(self, surface: str, keep: Callable[[str], bool] | None = None) -> list[Expansion]:
        """Translations of several English words as one term ("tariff law" → 关税法), when the dictionary
        has the whole term or its parts make a word the index holds; [] when they translate only apart."""
        from .lexicon import get_lexicon

        if len(surface.split()) < 2 or _lang(surface) != "en":
            return []
        whole = [t for t in get_lexicon().translations(surface, "zh", keep=keep, limit=3)
                 if not t.composed or (keep is not None and keep(fold(t.surface)))]
        return [Expansion(t.surface, t.source, round(LEXICON_WEIGHT, 3), t.lang, "translation") for t in whole[:2]]

    def _variants(self, surface: str, add) -> None:
        """A spelling the taxonomy does not list stands for its partner or topic: search that one's names."""
        from .variants import match_names

        for m in match_names(surface, fuzzy=False):
            if m.how in ("alias", "variant"):
                self._names_of(m.kind, m.id, add, VARIANT_WEIGHT, "variant")
                return
        if not _is_word(surface):
            fuzzy = [m for m in match_names(surface) if m.how == "fuzzy"]
            if fuzzy and len({m.id for m in fuzzy if m.distance == fuzzy[0].distance}) == 1:
                m = fuzzy[0]
                add(m.name, f"{m.kind}:{m.id}", FUZZY_WEIGHT, "fuzzy")

    def _names_of(self, kind: str, ident: str, add, weight: float, how: str) -> None:
        e = self.tax.entry(ident)
        if e is None:
            return
        names = e.names() if kind == "partner" else [e.zh, e.en]
        for n in names:
            if len(n) >= 2:
                add(n, f"{kind}:{ident}", weight, how)

    def _topic_terms(self, surface: str, key: str, add) -> bool:
        """A topic's signal word finds the topic's terms in the other language that translate it;
        True when one translates it fully (then the lexicon has nothing to add)."""
        lang = _lang(surface)
        full = False
        for ident in self.topic_terms.get(key, []):
            e = self.tax.topics[ident]
            others = [*e.aliases_en, *e.acronyms] if lang == "zh" else list(e.aliases_zh)
            scored = sorted(((self._alignment(surface, o), o) for o in others), key=lambda x: -x[0])
            best = scored[0][0] if scored else 0.0
            terms = [o for s, o in scored if s > 0 and s >= 0.8 * best][:MAX_TERMS]
            for o in terms:
                add(o, f"topic:{ident}", TERM_WEIGHT, "term")
            full |= best >= 0.99
            if not terms:
                add(e.en if lang == "zh" else e.zh, f"topic:{ident}", LABEL_WEIGHT, "label")
        return full

    def _alignment(self, a: str, b: str) -> float:
        """How much of the English side's words the Chinese side's translations cover (0–1)."""
        zh, en = (a, b) if _lang(a) == "zh" else (b, a)
        words = _english_words(en)
        if not words:
            return 0.0
        return len(words & self._english(zh)) / len(words)

    def _english(self, zh: str) -> frozenset[str]:
        """English words of a Chinese term's lexicon translations, with the Latin words it contains (TIR公约)."""
        found = self._english_of.get(zh)
        if found is None:
            from .lexicon import get_lexicon

            words = set(_english_words(" ".join(re.findall(r"[A-Za-z]+", zh))))
            han = "".join(c for c in zh if is_han(c))
            if han:
                for t in get_lexicon().translations(han, "en", limit=10):
                    words |= _english_words(t.surface)
            found = frozenset(words)
            with self._align_lock:
                self._english_of[zh] = found
        return found


_FUNCTION = frozenset("of and the a an for to in on by with".split())


def _english_words(text: str) -> frozenset[str]:
    from .lexicon import english_key

    return frozenset(w for w in english_key(text).split() if w not in _FUNCTION)


def _is_word(surface: str) -> bool:
    """True when `surface` is a word in its own right (then no name one edit away is meant)."""
    s = fold(surface).strip()
    if any(is_han(c) for c in s):
        from .lexicon import get_lexicon

        lex = get_lexicon()
        s = s.replace(" ", "")
        if lex.is_word(s):
            return True
        # two words that read as a compound (风险管控) are no slip; a stray character is (知识产杈)
        parts = lex._segment_zh(s)
        return bool(parts) and all(len(p) >= 2 for p in parts)
    import simplemma

    return all(simplemma.is_known(w, lang="en") for w in s.lower().split())


@lru_cache(maxsize=1)
def get_expander() -> Expander:
    """The process-wide expander."""
    return Expander()
