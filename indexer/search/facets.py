"""Facets: year, partner, topic and language, each a small class with one protocol.

A facet knows its name, which values a search selects, whether a value meets the selection (one
rule, for a document's tags, a passage's tags and arrays of either), and how its counts are
listed (selected values kept, years in order, the rest by count). Backends, the service, the
pages, the exports and the knowledge pages all go through these classes, so the year filter
("one of these years, within this range") exists once.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Filters:
    """The facet selections of a search (several values of one facet are OR, facets are AND)."""

    years: tuple[int, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    partners: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    lang: str | None = None

    @property
    def empty(self) -> bool:
        """True when nothing is selected."""
        return not any(f.active(self) for f in FACETS)


@dataclass(frozen=True)
class FacetValue:
    """One value of a facet with the number of matching documents that have it."""

    value: str
    count: int
    selected: bool


class Facet:
    """The protocol; subclasses say where their values live and what a search selects."""

    name: str  # the facet's name and its URL parameter
    field: str  # the attribute of documents (and passages) holding its values
    passage_field: str = ""  # where a passage holds them, when not in `field`
    labelled: bool = False  # values are partner or topic ids, shown with their names

    def selected(self, filters: Filters) -> frozenset[str]:
        """The values ticked in this search, as strings."""
        raise NotImplementedError

    def active(self, filters: Filters) -> bool:
        """Does the search restrict this facet?"""
        return bool(self.selected(filters))

    def accepts(self, filters: Filters, value) -> bool:
        """Does one value meet the selection?"""
        return str(value) in self.selected(filters)

    def accepts_array(self, filters: Filters, values: np.ndarray) -> np.ndarray:
        """`accepts` for each element of an array (the same rule, vectorised)."""
        return np.isin(values, list(self.selected(filters)))

    def meets(self, filters: Filters, tags, passage: bool = False) -> bool:
        """Does a document (or a passage) meet the selection?"""
        if not self.active(filters):
            return True
        values = getattr(tags, (self.passage_field or self.field) if passage else self.field)
        values = [values] if isinstance(values, str) else values
        return any(self.accepts(filters, v) for v in values)

    def values(self, counts: dict[str, int], filters: Filters) -> list[FacetValue]:
        """The values to list: those with documents and every selected one, in the facet's order."""
        chosen = self.selected(filters)
        items = [FacetValue(v, c, v in chosen) for v, c in counts.items() if c or v in chosen]
        items += [FacetValue(v, 0, True) for v in chosen - set(counts)]  # selected, absent from the index
        return self.order(items)

    def order(self, items: list[FacetValue]) -> list[FacetValue]:
        """Most documents first."""
        return sorted(items, key=lambda it: (-it.count, it.value))


class YearFacet(Facet):
    """Years a document's passages are filed under (the years a passage names, else its document's
    date): chosen years, a range, or both (the years within the range)."""

    name, field, passage_field = "year", "years", "facet_years"

    def selected(self, filters: Filters) -> frozenset[str]:
        return frozenset(str(y) for y in filters.years)

    def active(self, filters: Filters) -> bool:
        return bool(filters.years) or filters.year_from is not None or filters.year_to is not None

    def accepts(self, filters: Filters, value) -> bool:
        y = int(value)
        return ((not filters.years or y in filters.years)
                and (filters.year_from is None or y >= filters.year_from)
                and (filters.year_to is None or y <= filters.year_to))

    def accepts_array(self, filters: Filters, values: np.ndarray) -> np.ndarray:
        years = values.astype(np.int64) if values.dtype.kind in "iu" else np.array([int(v) for v in values], dtype=np.int64)
        ok = np.ones(len(years), dtype=bool)
        if filters.years:
            ok &= np.isin(years, list(filters.years))
        if filters.year_from is not None:
            ok &= years >= filters.year_from
        if filters.year_to is not None:
            ok &= years <= filters.year_to
        return ok

    def order(self, items: list[FacetValue]) -> list[FacetValue]:
        """In time order."""
        return sorted(items, key=lambda it: it.value)


class TagFacet(Facet):
    """Partner or topic ids a document is tagged with."""

    labelled = True

    def __init__(self, name: str, field: str):
        self.name, self.field = name, field

    def selected(self, filters: Filters) -> frozenset[str]:
        return frozenset(getattr(filters, self.field))


class LangFacet(Facet):
    """The document's language."""

    name, field = "lang", "lang"

    def selected(self, filters: Filters) -> frozenset[str]:
        return frozenset([filters.lang]) if filters.lang else frozenset()


FACETS: tuple[Facet, ...] = (YearFacet(), TagFacet("partner", "partners"), TagFacet("topic", "topics"), LangFacet())
BY_NAME = {f.name: f for f in FACETS}
PASSAGE_FACETS = FACETS[:3]  # the facets a passage's own text carries (language is the document's)
