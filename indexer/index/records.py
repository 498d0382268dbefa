"""What every backend stores and gives back: documents, passages, file states, statistics.

Two identifiers, and only these, cross the backend seam: the document id (`doc_id`, the file's
path in the corpus, `/`-separated) and the passage id (`pid`, an integer assigned by the build,
unique within a generation). Engine-internal numbers never leave a backend.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DocumentRecord:
    """A document's metadata as indexed."""

    doc_id: str
    title: str
    date: str | None
    year: int | None
    lang: str
    kind: str
    partners: list[str]
    topics: list[str]
    years: list[int]  # the years it is filed under: its passages' (a passage naming none takes the document's date)
    catalog: dict = field(default_factory=dict)  # metadata from catalog.csv or a sidecar
    extracted: dict = field(default_factory=dict)  # metadata found in the file itself
    size: int = 0
    n_passages: int = 0
    author: str | None = None  # issuing body or author
    source_url: str | None = None  # where it was published (never this server)
    title_lang: str | None = None


@dataclass(frozen=True)
class PassageRecord:
    """One passage of a document, with the years, partners and topics its text names."""

    pid: int
    doc_id: str
    n: int
    page: int | None
    text: str
    years: list[int]  # the years its text names
    partners: list[str]
    topics: list[str]
    lang: str
    facet_years: list[int] = field(default_factory=list)  # the years it is filed under (the year filter)
    dated_by: str | None = None  # "passage" (its own years), "document" (the document's date) or None
    article: str | None = None  # 第十二条, Article 12: the article of a law or treaty it belongs to


@dataclass(frozen=True)
class EventRecord:
    """Something agreed, held, launched or joined, when and with whom, read from a passage's sentence."""

    doc_id: str
    n: int
    page: int | None
    date: str  # ISO, as precise as the text: 2005-09-07, 2005-09 or 2005
    date_end: str | None
    precision: str  # day | month | year
    kind: str  # agreement | meeting | entry-into-force | launch | accession | certification | other
    partners: list[str]
    topics: list[str]
    place: str | None
    summary: str
    evidence: str
    status: str = "done"  # or "planned": announced for a later date
    date_source: str = "text"  # text | context | document: where the date was read
    lang: str = "en"
    article: str | None = None

    @property
    def year(self) -> int:
        """The year it happened."""
        return int(self.date[:4])


@dataclass(frozen=True)
class FileState:
    """What the last build saw of a file (an unchanged file is not read again)."""

    size: int
    mtime_ns: int
    sha256: str
    meta_hash: str


@dataclass
class IndexStats:
    """Counts of one generation, for `indexer stats` and the health check."""

    generation: str
    documents: int
    passages: int
    languages: dict[str, int]
    index_bytes: int
    built_at: str | None
    corpus: str | None
    top_partners: list[tuple[str, int]]
    top_topics: list[tuple[str, int]]
    years: list[int]
