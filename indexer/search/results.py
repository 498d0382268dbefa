"""What a search gives back, as data: the pages, the JSON API, the exports and the command line
each present it their own way (web/api_json.py is the serialisation of API.md)."""
from __future__ import annotations

from dataclasses import dataclass, field

from indexer.index.records import DocumentRecord, PassageRecord

from .facets import FacetValue, Filters
from .plan import Expansion
from .request import SearchRequest


@dataclass(frozen=True)
class Snippet:
    """A piece of passage text cut for display: plain and marked parts, and whether text was cut off."""

    parts: tuple[tuple[str, bool], ...]  # (text, marked)
    cut_before: bool = False
    cut_after: bool = False

    def plain(self) -> str:
        """The text as read, with "…" where it was cut."""
        return ("…" if self.cut_before else "") + "".join(t for t, _m in self.parts) + ("…" if self.cut_after else "")


@dataclass(frozen=True)
class Excerpt:
    """A passage shown under a hit: where it is, the years it names, and its marked snippet."""

    n: int
    page: int | None
    years: list[int]
    snippet: Snippet


@dataclass(frozen=True)
class Hit:
    """One matching document with its best passages."""

    doc: DocumentRecord
    score: float
    excerpts: list[Excerpt]
    missing: list[str] = field(default_factory=list)  # words of a relaxed match the document lacks


@dataclass(frozen=True)
class Suggestion:
    """A respelled query and how many documents it finds."""

    q: str
    total: int


@dataclass
class SearchResult:
    """A page of results with the facet counts of the whole result set."""

    request: SearchRequest
    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    expansions: list[Expansion] = field(default_factory=list)
    suggestion: Suggestion | None = None
    relaxed: bool = False
    generation: str = ""

    @property
    def filters(self) -> Filters:
        """The filters the search applied."""
        return self.request.filters


@dataclass
class DocumentView:
    """A document with all its passages."""

    doc: DocumentRecord
    passages: list[PassageRecord]
