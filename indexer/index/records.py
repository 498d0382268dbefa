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
    years: list[int]
    catalog: dict = field(default_factory=dict)  # metadata from catalog.csv or a sidecar
    extracted: dict = field(default_factory=dict)  # metadata found in the file itself
    size: int = 0
    n_passages: int = 0

    @property
    def source_url(self) -> str | None:
        """Where the document was published, when the catalogue or the file says."""
        return self.catalog.get("source_url") or self.extracted.get("source_url")


@dataclass(frozen=True)
class PassageRecord:
    """One passage of a document, with the years, partners and topics its text names."""

    pid: int
    doc_id: str
    n: int
    page: int | None
    text: str
    years: list[int]
    partners: list[str]
    topics: list[str]
    lang: str


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
