"""The domain glossary: concepts named in Chinese and English, kept as data."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import yaml

from indexer.config import DATA_DIR

from .textnorm import fold, is_han

GLOSSARY_FILE = DATA_DIR / "glossary.yaml"


@dataclass(frozen=True)
class Concept:
    """One concept with its Chinese and English names."""

    zh: tuple[str, ...]
    en: tuple[str, ...]

    def names(self) -> tuple[str, ...]:
        """All names, Chinese first."""
        return self.zh + self.en


class Glossary:
    """The list of concepts with lookups used by the segmenter and query expansion."""

    def __init__(self, concepts: list[Concept]):
        self.concepts = concepts

    def zh_words(self) -> list[str]:
        """Chinese names of at least two Han characters, for the segmenter's dictionary."""
        out = set()
        for c in self.concepts:
            for w in c.zh:
                w = fold(w)
                if len(w) >= 2 and all(is_han(ch) for ch in w):
                    out.add(w)
        return sorted(out)


@lru_cache(maxsize=1)
def load_glossary() -> Glossary:
    """The glossary from `data/glossary.yaml`."""
    spec = yaml.safe_load(GLOSSARY_FILE.read_text(encoding="utf-8"))
    return Glossary([Concept(tuple(c.get("zh", [])), tuple(c.get("en", []))) for c in spec["concepts"]])
