"""The knowledge base: what the archive says of one partner or one topic, year by year, as data.

Built from the passage tags of one generation (loaded once per generation, on first use): a
timeline of the years a partner or topic is spoken of, each year told by its most telling
passages (see chronicle.py), the topics or partners most discussed alongside, the documents, and
counts. web/ turns these records into pages and JSON (labels, links, HTML).
"""
from __future__ import annotations

import threading
import weakref
from collections import Counter, OrderedDict, defaultdict
from dataclasses import dataclass, field

from indexer.analysis.taxonomy import load_taxonomy
from indexer.index.records import DocumentRecord

from .chronicle import (SNIPPET_CHARS, PassageTags, around, attributed_years, event_score, mentions_in,
                        year_spans)
from .facets import BY_NAME
from .results import Snippet

KINDS = ("partner", "topic")
EVENTS_PER_YEAR = 3  # dated excerpts kept per year (the page shows the first ones)
CANDIDATES_PER_YEAR = 24  # passages read to choose a year's events from
RELATED_LIMIT = 12
DOCUMENTS_LIMIT = 200
_CACHE_SIZE = 128


@dataclass(frozen=True)
class Mention:
    """A dated excerpt telling what happened with a partner or topic in one year."""

    doc: DocumentRecord
    n: int
    page: int | None
    dated_by: str  # "passage" or "document"
    names_year: bool
    snippet: Snippet


@dataclass(frozen=True)
class YearEntry:
    """One year of a timeline: its passages, its best excerpts and how many more there are."""

    year: int
    passages: int
    mentions: list[Mention]
    more: int


@dataclass(frozen=True)
class Related:
    """A partner or topic spoken of alongside."""

    kind: str
    id: str
    passages: int
    documents: int
    share: float


@dataclass(frozen=True)
class DocumentShare:
    """A document tagged with the partner or topic, and how many of its passages speak of it."""

    doc: DocumentRecord
    passages: list[int]  # the passage numbers that do
    of: int


@dataclass(frozen=True)
class Summary:
    """A partner or topic in the index of all: counts and the years first and last spoken of."""

    kind: str
    id: str
    type: str  # organisation | country | topic
    documents: int
    passages: int
    first_year: int | None
    last_year: int | None


@dataclass
class Entity:
    """The knowledge page of a partner or topic."""

    summary: Summary
    undated_passages: int
    years: list[tuple[int, int, int]]  # (year, passages, documents)
    peak_year: int | None
    timeline: list[YearEntry]
    related: dict[str, list[Related]] = field(default_factory=dict)
    documents: list[DocumentShare] = field(default_factory=list)


class Knowledge:
    """Partner and topic summaries over one opened generation."""

    def __init__(self, backend):
        self.backend = backend
        self.docs = backend.documents()
        self.doc_index = {d.doc_id: i for i, d in enumerate(self.docs)}
        self.passages: list[PassageTags] = []
        self.by_entity: dict[tuple[str, str], list[int]] = defaultdict(list)
        self.doc_counts: list[Counter] = [Counter() for _ in self.docs]  # passages per document and tag
        for r in backend.passage_tags():
            d = self.doc_index.get(r.doc_id)
            if d is None:
                continue
            p = PassageTags(r.pid, d, r.n, r.page, tuple(r.years), tuple(r.partners), tuple(r.topics))
            i = len(self.passages)
            self.passages.append(p)
            for kind in KINDS:
                for x in getattr(p, BY_NAME[kind].field):
                    self.by_entity[(kind, x)].append(i)
                    self.doc_counts[d][(kind, x)] += 1
        self.doc_tags: dict[tuple[str, str], list[int]] = defaultdict(list)
        for i, d in enumerate(self.docs):
            for kind in KINDS:
                for x in getattr(d, BY_NAME[kind].field):
                    self.doc_tags[(kind, x)].append(i)
        self._lock = threading.Lock()
        self._cache: OrderedDict = OrderedDict()
        self._attr: dict[int, dict[tuple[str, str], tuple[int, ...]]] = {}

    def ordered_tags(self, doc_id: str, kind: str, ids: list[str], first=()) -> list[str]:
        """A document's partner or topic ids, those in `first` first, then by passages mentioning them."""
        d = self.doc_index.get(doc_id)
        counts = self.doc_counts[d] if d is not None else Counter()
        chosen = set(first)
        return sorted(ids, key=lambda x: (x not in chosen, -counts[(kind, x)], x))

    # -- dating ----------------------------------------------------------------------------
    def years_of(self, p: PassageTags) -> tuple[tuple[int, ...], str]:
        """The years a passage belongs to, and whether the passage or its document dates it."""
        if p.years:
            return p.years, "passage"
        y = self.docs[p.doc].year
        return ((y,), "document") if y else ((), "none")

    def _attribute(self, pids: list[int]) -> None:
        """Place each tag of these passages in the years written nearest its mentions (once per passage)."""
        missing = sorted({pid for pid in pids if pid not in self._attr})
        tax = load_taxonomy()
        for pid, row in self.backend.passages(missing).items():
            spans: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
            for s, e, k, x in tax.find(row.text):
                spans[(k, x)].append((s, e))
            self._attr[pid] = {key: attributed_years(row.text, found, tuple(row.years)) for key, found in spans.items()}

    def entity_years(self, i: int, kind: str, ident: str) -> tuple[int, ...]:
        """The years in which passage `i` speaks of this partner or topic."""
        p = self.passages[i]
        years = self.years_of(p)[0]
        if len(years) <= 1:
            return years
        if p.pid not in self._attr:
            self._attribute([p.pid])
        return self._attr.get(p.pid, {}).get((kind, ident), years)

    def _span(self, kind: str, ident: str, rows: list[int]) -> tuple[int | None, int | None]:
        """First and last year a partner or topic is spoken of, reading as few passages as possible."""
        pairs = sorted((y, i) for i in rows for y in self.years_of(self.passages[i])[0])
        first = next((y for y, i in pairs if y in self.entity_years(i, kind, ident)), None)
        last = next((y for y, i in reversed(pairs) if y in self.entity_years(i, kind, ident)), None)
        return first, last

    # -- the index of all, and one partner or topic -----------------------------------------
    def overview(self) -> list[Summary]:
        """Every partner and topic the archive speaks of, with document and passage counts."""
        tax = load_taxonomy()
        out = []
        for kind, ident in set(self.by_entity) | set(self.doc_tags):
            e = tax.entry(ident)
            first, last = self._span(kind, ident, self.by_entity.get((kind, ident), []))
            out.append(Summary(kind, ident, e.kind if e else kind, len(self.doc_tags.get((kind, ident), [])),
                               len(self.by_entity.get((kind, ident), [])), first, last))
        return out

    def entity(self, kind: str, ident: str) -> Entity | None:
        """The knowledge page of a partner or topic; None when the archive and taxonomy know no such id."""
        if kind not in KINDS:
            return None
        key = (kind, ident)
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        result = self._entity(kind, ident)
        with self._lock:
            self._cache[key] = result
            while len(self._cache) > _CACHE_SIZE:
                self._cache.popitem(last=False)
        return result

    def _entity(self, kind: str, ident: str) -> Entity | None:
        tax = load_taxonomy()
        e = tax.partners.get(ident) if kind == "partner" else tax.topics.get(ident)
        rows = self.by_entity.get((kind, ident), [])
        doc_rows = self.doc_tags.get((kind, ident), [])
        if e is None and not rows and not doc_rows:
            return None
        self._attribute([self.passages[i].pid for i in rows if len(self.passages[i].years) > 1])
        by_year: dict[int, list[int]] = defaultdict(list)
        undated = 0
        for i in rows:
            years = self.entity_years(i, kind, ident)
            if not years:
                undated += 1
            for y in years:
                by_year[y].append(i)
        years_sorted = sorted(by_year)
        peak = max(years_sorted, key=lambda y: (len(by_year[y]), y)) if years_sorted else None
        summary = Summary(kind, ident, e.kind if e else kind, len(doc_rows), len(rows),
                          years_sorted[0] if years_sorted else None, years_sorted[-1] if years_sorted else None)
        return Entity(
            summary, undated,
            [(y, len(by_year[y]), len({self.passages[i].doc for i in by_year[y]})) for y in years_sorted], peak,
            self._timeline(kind, ident, by_year), self._related(kind, ident, rows), self._documents(rows, doc_rows))

    def _timeline(self, kind: str, ident: str, by_year: dict[int, list[int]]) -> list[YearEntry]:
        """Each year with its best dated excerpts, oldest first."""
        # read each year's most promising passages only: those the text itself dates, then
        # those naming few years (a passage listing ten years says little about each)
        chosen: dict[int, list[int]] = {}
        for y, ps in by_year.items():
            ranked = sorted(ps, key=lambda i: (not self.passages[i].years, len(self.passages[i].years or (0,)),
                                               self.passages[i].doc, self.passages[i].n))
            chosen[y] = ranked[:CANDIDATES_PER_YEAR]
        texts = {pid: r.text for pid, r in self.backend.passages(
            sorted({self.passages[i].pid for ps in chosen.values() for i in ps})).items()}
        found: dict[int, list[tuple[int, int]]] = {}
        out = []
        for y in sorted(chosen):
            scored = []
            for i in chosen[y]:
                p = self.passages[i]
                text = texts.get(p.pid)
                if text is None:
                    continue
                if p.pid not in found:
                    found[p.pid] = mentions_in(text, kind, ident)
                spans = year_spans(text, y)
                score, center = event_score(found[p.pid], spans, p, self.years_of(p)[1])
                scored.append((score, -p.doc, -p.n, i, text, spans, center))
            scored.sort(key=lambda s: s[:3], reverse=True)
            mentions = []
            for _score, _d, _n, i, text, spans, center in scored[:EVENTS_PER_YEAR]:
                p = self.passages[i]
                doc = self.docs[p.doc]
                width = SNIPPET_CHARS["zh" if doc.lang == "zh" else "en"]
                mentions.append(Mention(doc, p.n, p.page, self.years_of(p)[1], bool(spans),
                                        around(text, found[p.pid] + spans, center, width)))
            out.append(YearEntry(y, len(by_year[y]), mentions, max(0, len(by_year[y]) - len(mentions))))
        return out

    def _related(self, kind: str, ident: str, rows: list[int]) -> dict[str, list[Related]]:
        """Partners and topics tagged on the same passages, most frequent first."""
        out = {}
        for other in KINDS:
            counts: Counter = Counter()
            docs: dict[str, set[int]] = defaultdict(set)
            for i in rows:
                p = self.passages[i]
                for x in getattr(p, BY_NAME[other].field):
                    if other == kind and x == ident:
                        continue
                    counts[x] += 1
                    docs[x].add(p.doc)
            top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:RELATED_LIMIT]
            out[other] = [Related(other, x, c, len(docs[x]), round(c / len(rows), 3) if rows else 0.0) for x, c in top]
        return out

    def _documents(self, rows: list[int], doc_rows: list[int]) -> list[DocumentShare]:
        """The documents tagged with the id, those that speak of it most first, then newest."""
        per_doc: dict[int, list[int]] = defaultdict(list)
        for i in rows:
            per_doc[self.passages[i].doc].append(self.passages[i].n)
        out = [DocumentShare(self.docs[d], sorted(per_doc.get(d, [])), self.docs[d].n_passages)
               for d in set(doc_rows) | set(per_doc)]
        out.sort(key=lambda r: (-len(r.passages), -(r.doc.year or 0), r.doc.title or ""))
        return out[:DOCUMENTS_LIMIT]


_instances: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_instances_lock = threading.Lock()


def get_knowledge(service) -> Knowledge:
    """The knowledge base of an opened generation, built on first use and kept as long as it is open."""
    with _instances_lock:
        k = _instances.get(service)
        if k is None:
            k = Knowledge(service.backend)
            _instances[service] = k
        return k
