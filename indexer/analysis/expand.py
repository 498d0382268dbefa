"""Cross-lingual query expansion through the taxonomy and the glossary.

A query term that names a partner, a topic or a glossary concept in one language also
searches its names in the other: WCO ↔ 世界海关组织 ↔ World Customs Organization,
rules of origin ↔ 原产地规则, 哈萨克斯坦 ↔ Kazakhstan.
"""
from __future__ import annotations

import re
from functools import lru_cache

from .glossary import load_glossary
from .taxonomy import load_taxonomy
from .textnorm import fold


def _key(s: str) -> str:
    return re.sub(r"\s+", " ", fold(s).strip().lower())


class Expander:
    """Looks up equivalent names of a query term."""

    def __init__(self):
        tax = load_taxonomy()
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


@lru_cache(maxsize=1)
def get_expander() -> Expander:
    """The process-wide expander."""
    return Expander()
