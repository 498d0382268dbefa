"""Names in queries: the partner or topic a typed surface names, exactly, by a variant spelling,
by a prefix or within a few edits, and the did-you-mean over names in both languages.

The variant spellings come from the rules of `variants.py`; the names from the taxonomy.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from .textnorm import fold, is_han
from .variants import edit_distance, en_variants, is_han_name, zh_variants


@dataclass(frozen=True)
class NameMatch:
    """A partner or topic that a query's surface names, and how it was recognised."""

    kind: str  # "partner" | "topic"
    id: str
    name: str  # the entity's name closest to what was typed, in the same script
    # "exact": one of its names; "alias": another accepted name (a regional name, a short form,
    # a calque); "variant": a misspelling a rule explains (吉尔吉斯坦, Kazakstan); "prefix"; "fuzzy":
    # within `max_edits` of a name
    how: str
    distance: int = 0


_HOW_RANK = {"exact": 0, "alias": 1, "variant": 2, "prefix": 3, "fuzzy": 4}


def normalise(surface: str) -> str:
    """A name or query folded for matching: Han text without spaces, Latin text lower-cased with single spaces."""
    s = fold(surface).strip()
    if any(is_han(c) for c in s):
        return re.sub(r"\s+", "", s)
    return re.sub(r"[\s\-_]+", " ", s.lower()).strip()


def max_edits(norm: str) -> int:
    """Edits a typed name may be from a real one: by characters for Han (1 from four, 2 from eight),
    by letters for Latin (1 from five, 2 from nine, 3 from fifteen)."""
    if any(is_han(c) for c in norm):
        n = len(norm)
        return 0 if n < 4 else 1 if n < 8 else 2
    n = sum(c.isalpha() for c in norm)
    return 0 if n < 5 else 1 if n < 9 else 2 if n < 15 else 3


class NameIndex:
    """Every name of the taxonomy's partners and topics in both languages, for queries."""

    def __init__(self, tax):
        self.names: list[tuple[str, str, str, str, bool]] = []  # (norm, display, kind, id, is acronym)
        self.exact: dict[str, list[int]] = {}
        self.variant: dict[str, list[tuple[str, str, str, str]]] = {}  # norm → (kind, id, display, how)
        for kind, entries in (("partner", tax.partners), ("topic", tax.topics)):
            for e in entries.values():
                names = list(dict.fromkeys([e.zh, e.en, *e.aliases_zh, *e.aliases_en]))
                for name in names + list(e.acronyms):
                    norm = normalise(name)
                    if not norm:
                        continue
                    i = len(self.names)
                    self.names.append((norm, name, kind, e.id, name in e.acronyms and name not in names))
                    self.exact.setdefault(norm, []).append(i)
                for name in names:
                    norm = normalise(name)
                    gen = zh_variants(norm) if is_han_name(norm) else en_variants(norm)
                    for v, rule in gen.items():
                        how = "alias" if rule == "short form" else "variant"
                        self.variant.setdefault(v, []).append((kind, e.id, name, how))
                for name in [*e.variants_zh, *e.variants_en]:
                    display = e.zh if is_han_name(normalise(name)) else e.en
                    self.variant.setdefault(normalise(name), []).append((kind, e.id, display, "alias"))
        self._by_script: dict[bool, list[int]] = {True: [], False: []}
        for i, (norm, _d, _k, _id, acronym) in enumerate(self.names):
            if not acronym:
                self._by_script[any(is_han(c) for c in norm)].append(i)

    def lookup(self, surface: str, fuzzy: bool = True) -> list[NameMatch]:
        """Partners and topics `surface` names, best first: exactly, by a variant spelling,
        by a prefix ("Kazakh*", "哈萨*"), or within `max_edits` of a name."""
        text = surface.strip()
        if text.endswith("*"):
            return self._prefix(normalise(text.rstrip("*? ")))
        norm = normalise(text)
        if not norm:
            return []
        out: dict[tuple[str, str], NameMatch] = {}
        for i in self.exact.get(norm, []):
            _n, display, kind, ident, _a = self.names[i]
            out.setdefault((kind, ident), NameMatch(kind, ident, display, "exact"))
        for kind, ident, display, how in sorted(self.variant.get(norm, []), key=lambda v: _HOW_RANK[v[3]]):
            out.setdefault((kind, ident), NameMatch(kind, ident, display, how, 0 if how == "alias" else 1))
        if not out and fuzzy:
            for m in self._fuzzy(norm):
                out.setdefault((m.kind, m.id), m)
        return sorted(out.values(), key=lambda m: (_HOW_RANK[m.how], m.distance))

    def _prefix(self, stem: str) -> list[NameMatch]:
        han = any(is_han(c) for c in stem)
        if len(stem) < (2 if han else 3):
            return []
        hits = sorted((len(norm), display, kind, ident) for norm, display, kind, ident, _a in self.names
                      if norm.startswith(stem))
        out: dict[tuple[str, str], NameMatch] = {}
        for _n, display, kind, ident in hits:
            out.setdefault((kind, ident), NameMatch(kind, ident, display, "prefix"))
        return list(out.values())

    def _fuzzy(self, norm: str) -> list[NameMatch]:
        limit = max_edits(norm)
        if limit == 0:
            return []
        han = any(is_han(c) for c in norm)
        chars = set(norm)
        found = []
        for i in self._by_script[han]:
            cand, display, kind, ident, _a = self.names[i]
            if abs(len(cand) - len(norm)) > limit or len(chars - set(cand)) > limit:
                continue
            d = edit_distance(norm, cand, limit)
            if 0 < d <= min(limit, max_edits(cand)):
                found.append((d, abs(len(cand) - len(norm)), len(cand), display, kind, ident))
        found.sort()
        return [NameMatch(kind, ident, display, "fuzzy", d) for d, _dl, _l, display, kind, ident in found]

    def suggest(self, text: str) -> tuple[str, str] | None:
        """The name `text` most likely meant, with its entity id, when `text` is no name but close to one."""
        matches = self.lookup(text)
        if not matches or matches[0].how in ("exact", "alias", "prefix"):
            return None
        best = matches[0]
        if best.how == "fuzzy" and len({m.id for m in matches if m.distance == best.distance}) > 1:
            return None  # two names equally near: no guess
        name = best.name
        if text.strip().islower() and not name.isupper():
            name = name.lower()  # "rules of orgin" → "rules of origin", as the user writes
        return name, best.id


_index_lock = threading.Lock()
_index: NameIndex | None = None


def name_index() -> NameIndex:
    """The process-wide name index over the taxonomy."""
    global _index
    if _index is None:
        with _index_lock:
            if _index is None:
                from .taxonomy import load_taxonomy

                _index = NameIndex(load_taxonomy())
    return _index


def match_names(surface: str, fuzzy: bool = True) -> list[NameMatch]:
    """Partners and topics a query's surface names (Kazakstan, Kazakh*, 吉尔吉斯坦, 知识产杈), best first."""
    return name_index().lookup(surface, fuzzy)


def suggest_name(text: str) -> tuple[str, str] | None:
    """Did-you-mean over partner and topic names: (name, entity id), or None when `text` is a name or near none."""
    return name_index().suggest(text)
