"""The seam between the search service and a search engine: what a backend must do, and nothing more.

Read side, on one published generation (`SearchBackend`):
- match a query plan under filters: a document matches when each positive clause matches one of
  its passages, no negated clause matches any, and its tags meet every filter;
- count facets over a match, each facet with its own selection left out (drill-sideways);
- rank the matching documents by their best passages, or order them by date;
- match documents sharing some of a plan's clauses (for "more like this": the service picks the
  clauses from a passage, the backend only matches and ranks them);
- look up documents and passages, statistics, and the vocabulary (for did-you-mean, and the
  passage frequencies "more like this" weighs terms by).
Write side (`IndexTarget`): the previous generation's file states, then a new generation where
documents are added, replaced and deleted, published atomically or abandoned.

The search service (indexer.search) parses and plans queries, cuts and highlights excerpts,
offers respellings and serialises nothing; the backend never sees HTML, URLs or labels.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import ContextManager, Iterable, Protocol

from indexer.ingest.documents import Document
from indexer.search.facets import Filters
from indexer.search.plan import QueryPlan

from .records import DocumentRecord, EventRecord, FileState, IndexStats, PassageRecord


class IndexUnavailable(Exception):
    """No published index can be opened (never built, or the engine cannot serve)."""


class Match(Protocol):
    """The documents matching a plan under filters (a backend's own handle on them)."""

    total: int


@dataclass
class RankedDocument:
    """A document in result order, with its best passages as (pid, score), best first."""

    doc_id: str
    score: float | None
    passages: list[tuple[int, float]] = field(default_factory=list)


class SearchBackend(Protocol):
    """One published generation of an index, opened for searching."""

    generation: str

    def match(self, plan: QueryPlan, filters: Filters, relaxed: bool = False) -> Match:
        """Documents matching every positive clause (relaxed: most of them), no negated one, and the filters."""

    def matched_clauses(self, plan: QueryPlan, doc_ids: list[str]) -> dict[str, set[int]]:
        """For each document, the positions (in `plan.positive`) of the clauses it matches."""

    def facet_counts(self, match: Match) -> dict[str, dict[str, int]]:
        """Matching documents per value of each facet, counted with that facet's own selection left out."""

    def rank(self, match: Match, plan: QueryPlan, start: int, count: int, per_document: int) -> list[RankedDocument]:
        """Up to `start + count` matching documents by their best passage; those from `start` on come
        with their best `per_document` passages of all (as `best_passages` gives them). Passages that
        themselves meet the match's filters count for more.

        Documents that match only through clauses spread over several passages may be missing:
        the service places them after, newest first."""

    def match_some(self, plan: QueryPlan, least: int, exclude: list[str]) -> Match:
        """Documents, but those in `exclude`, in whose passages at least `least` of the plan's positive
        clauses match (each in some passage); `rank` then orders them by their best passages."""

    def by_date(self, match: Match, start: int, count: int) -> list[str]:
        """Matching document ids, newest first (undated last), from `start`."""

    def best_passages(self, match: Match, plan: QueryPlan, doc_ids: list[str],
                      per_document: int) -> dict[str, list[tuple[int, float]]]:
        """Each document's best passages for the plan, exactly those `rank` gives it (date order shows them)."""

    def document(self, doc_id: str) -> DocumentRecord | None:
        """One document's metadata."""

    def documents(self) -> list[DocumentRecord]:
        """Every document, in a stable order."""

    def passages_of(self, doc_id: str) -> list[PassageRecord]:
        """A document's passages in order."""

    def passages(self, pids: list[int]) -> dict[int, PassageRecord]:
        """Passages by id."""

    def passage_tags(self) -> Iterable[PassageRecord]:
        """Every passage without its text (empty), for the knowledge pages."""

    def events(self) -> Iterable[EventRecord]:
        """Every event read at build time, in document and passage order."""

    def stats(self) -> IndexStats:
        """Counts of this generation."""

    def term_frequency(self, term: str) -> int:
        """How often the index holds this word term (0 when it does not know it)."""

    def similar_terms(self, term: str, max_distance: int, prefix: int) -> list[str]:
        """Index word terms within `max_distance` edits that share the first `prefix` characters, best first."""

    def passage_frequencies(self, terms: list[str]) -> dict[str, int]:
        """For each word term, how many live passages hold it in their text or title (0: none)."""

    def doc_count(self) -> int:
        """Live passages; raises when the engine cannot serve (the health check)."""

    def close(self) -> None:
        """Release files and connections."""


@dataclass
class PreviousGeneration:
    """What an incremental build needs of the published generation."""

    name: str
    fingerprint: str | None
    file_states: dict[str, FileState]


class GenerationWriter(Protocol):
    """A new generation being written; nothing is visible before `publish`."""

    def delete(self, doc_id: str) -> None:
        """Remove a document and its passages."""

    def add(self, doc: Document, state: FileState) -> None:
        """Add a new document with its passages and file state."""

    def replace(self, doc: Document, state: FileState) -> None:
        """Replace an indexed document (its passages get new passage ids)."""

    def keep(self, doc_id: str, state: FileState) -> None:
        """Record a new file state for an unchanged document (touched, same content)."""

    def publish(self, meta: dict[str, str]) -> str:
        """Write everything, switch readers to it atomically; returns the generation's name."""

    def abandon(self) -> None:
        """Drop everything written; the published generation stays as it was."""


class IndexTarget(Protocol):
    """Where a build writes: one backend's index (a local folder, a cluster)."""

    def locked(self) -> ContextManager[None]:
        """Held for the whole build: one build at a time; leftovers of killed builds are collected."""

    def previous(self) -> PreviousGeneration | None:
        """The published generation, or None when there is none (or it cannot be read)."""

    def begin(self, previous: PreviousGeneration | None, documents: int) -> GenerationWriter:
        """A new generation: a copy of `previous` to change, or empty; `documents` to (re)index, as a size hint."""
