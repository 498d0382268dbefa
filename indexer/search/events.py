"""The events register: what was agreed, held, launched or joined, with whom and when.

Events are read at build time (indexer/ingest/events.py) and stored by every backend; here they
are held in memory once per opened generation and searched: by partner, topic and kind (several
values of one are OR, different ones AND), by a year range on the event's own date, and by words
(each word, or one of its cross-lingual equivalents, in the event's sentence or summary). Facet
counts leave each facet's own selection out, as the search does. Oldest first: a chronicle.
"""
from __future__ import annotations

import threading
import weakref
from collections import Counter
from dataclasses import dataclass, field

from indexer.analysis.textnorm import fold
from indexer.analysis.tokens import word_tokens
from indexer.index.records import EventRecord

from .facets import FacetValue

KINDS = ("agreement", "meeting", "entry-into-force", "launch", "accession", "certification", "other")
EVENT_FACETS = ("kind", "partner", "topic", "year")
DEFAULT_PER_PAGE = 20


@dataclass(frozen=True)
class EventQuery:
    """A validated request of the register."""

    partners: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    q: str = ""
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    newest_first: bool = False


@dataclass
class EventsResult:
    """A page of events with the facet counts of the whole selection."""

    query: EventQuery
    total: int
    events: list[EventRecord]
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)


class EventRegister:
    """The events of one opened generation."""

    def __init__(self, events: list[EventRecord]):
        self.events = sorted(events, key=lambda e: (e.date, e.doc_id, e.n))
        self._words: list[frozenset[str]] | None = None
        self._lock = threading.Lock()

    def _tokens(self) -> list[frozenset[str]]:
        with self._lock:
            if self._words is None:  # the sentences' words, on first search by words only
                self._words = [frozenset(t for t, _p, _s, _e in word_tokens(f"{e.summary} {e.evidence}"))
                               for e in self.events]
            return self._words

    def search(self, query: EventQuery, plan=None) -> EventsResult:
        """Events meeting every selection, and per facet the counts with its own selection left out."""
        keep = self._matching(query, plan)
        tests = {name: self._test(name, query) for name in EVENT_FACETS}
        chosen = [i for i in keep if all(t(self.events[i]) for t in tests.values())]
        facets = {}
        for name in EVENT_FACETS:
            counts: Counter = Counter()
            others = [t for other, t in tests.items() if other != name]
            for i in keep:
                e = self.events[i]
                if all(t(e) for t in others):
                    counts.update(_values(e, name))
            facets[name] = _facet_values(name, counts, _selected(name, query))
        if query.newest_first:
            chosen.reverse()
        start = (query.page - 1) * query.per_page
        return EventsResult(query, len(chosen), [self.events[i] for i in chosen[start : start + query.per_page]],
                            facets)

    def _matching(self, query: EventQuery, plan) -> list[int]:
        """Events whose sentence holds every clause of the words asked for (all of them without words)."""
        if plan is None or plan.empty:
            return list(range(len(self.events)))
        words = self._tokens()
        clauses = [[set(a.words) for a in c.alternatives if a.words] for c in plan.positive]
        strings = [[fold(a.surface).replace(" ", "") for a in c.alternatives if a.has_han] for c in plan.positive]
        out = []
        for i, (e, have) in enumerate(zip(self.events, words)):
            text = fold(f"{e.summary}{e.evidence}").replace(" ", "")
            if all(any(alt <= have for alt in alts) or any(s in text for s in subs)
                   for alts, subs in zip(clauses, strings)):
                out.append(i)
        return out

    @staticmethod
    def _test(name: str, query: EventQuery):
        if name == "kind":
            return (lambda e: e.kind in query.kinds) if query.kinds else (lambda e: True)
        if name == "partner":
            return (lambda e: any(p in query.partners for p in e.partners)) if query.partners else (lambda e: True)
        if name == "topic":
            return (lambda e: any(t in query.topics for t in e.topics)) if query.topics else (lambda e: True)
        lo = query.year_from if query.year_from is not None else -10**6
        hi = query.year_to if query.year_to is not None else 10**6
        return lambda e: lo <= e.year <= hi

    def of_entity(self, kind: str, ident: str) -> list[EventRecord]:
        """The events a partner or topic takes part in, oldest first."""
        return [e for e in self.events if ident in (e.partners if kind == "partner" else e.topics)]


def _values(e: EventRecord, name: str) -> list[str]:
    return {"kind": [e.kind], "partner": e.partners, "topic": e.topics, "year": [str(e.year)]}[name]


def _selected(name: str, query: EventQuery) -> frozenset[str]:
    return frozenset({"kind": query.kinds, "partner": query.partners, "topic": query.topics, "year": ()}[name])


def _facet_values(name: str, counts: Counter, chosen: frozenset[str]) -> list[FacetValue]:
    items = [FacetValue(v, c, v in chosen) for v, c in counts.items()]
    items += [FacetValue(v, 0, True) for v in chosen - set(counts)]
    if name == "year":
        return sorted(items, key=lambda it: it.value)
    if name == "kind":
        return sorted(items, key=lambda it: KINDS.index(it.value) if it.value in KINDS else len(KINDS))
    return sorted(items, key=lambda it: (-it.count, it.value))


_registers: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_registers_lock = threading.Lock()


def get_register(service) -> EventRegister:
    """The events register of an opened generation, built on first use and kept as long as it is open."""
    with _registers_lock:
        r = _registers.get(service)
        if r is None:
            r = EventRegister(list(service.backend.events()))
            _registers[service] = r
        return r
