"""The document store: documents, passages and file state of one index generation, in SQLite.

Whoosh holds the inverted index; this store holds what is shown (titles, passage text, tags)
and what the incremental build compares (size, mtime, content hash per file). Both live in
the same generation folder and are published together.
"""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from indexer.ingest.documents import Document

from ..records import FileState

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS files (
    doc_id TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, sha256 TEXT, meta_hash TEXT
);
CREATE TABLE IF NOT EXISTS docs (
    ord INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id TEXT UNIQUE NOT NULL,
    title TEXT, date TEXT, year INTEGER, lang TEXT, kind TEXT,
    partners TEXT, topics TEXT, years TEXT,
    catalog TEXT, extracted TEXT, warnings TEXT, size INTEGER, n_passages INTEGER,
    author TEXT, source_url TEXT, title_lang TEXT
);
CREATE TABLE IF NOT EXISTS passages (
    pid INTEGER PRIMARY KEY,
    doc_ord INTEGER NOT NULL,
    n INTEGER NOT NULL,
    page INTEGER,
    text TEXT NOT NULL,
    years TEXT, partners TEXT, topics TEXT, lang TEXT,
    facet_years TEXT, dated_by TEXT, article TEXT
);
CREATE INDEX IF NOT EXISTS passages_doc ON passages(doc_ord, n);
CREATE TABLE IF NOT EXISTS events (
    doc_ord INTEGER NOT NULL, n INTEGER NOT NULL, record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_doc ON events(doc_ord);
"""


def _j(value) -> str:
    return json.dumps(value, ensure_ascii=False)


class Store:
    """Read/write access to one generation's `docs.sqlite`."""

    FILE = "docs.sqlite"

    def __init__(self, folder: Path, readonly: bool = False):
        path = folder / self.FILE
        if readonly:
            self.db = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
        else:
            self.db = sqlite3.connect(str(path), isolation_level=None)
            self.db.execute("PRAGMA journal_mode=DELETE")
            self.db.execute("PRAGMA synchronous=FULL")
            self.db.executescript(SCHEMA)
        self.db.row_factory = sqlite3.Row

    def close(self) -> None:
        """Close the connection."""
        self.db.close()

    # -- meta ------------------------------------------------------------------------------
    def get_meta(self, key: str, default: str | None = None) -> str | None:
        """A build-level value (analysis fingerprint, next passage id, build time)."""
        row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value) -> None:
        """Set a build-level value."""
        self.db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, str(value)))

    # -- files -----------------------------------------------------------------------------
    def file_states(self) -> dict[str, FileState]:
        """State of every file indexed in this generation."""
        return {r["doc_id"]: FileState(r["size"], r["mtime_ns"], r["sha256"], r["meta_hash"] or "")
                for r in self.db.execute("SELECT * FROM files")}

    def set_file_state(self, doc_id: str, st: FileState) -> None:
        """Record the state of an indexed file."""
        self.db.execute("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?)",
                        (doc_id, st.size, st.mtime_ns, st.sha256, st.meta_hash))

    # -- documents -------------------------------------------------------------------------
    def remove_document(self, doc_id: str) -> None:
        """Delete a document, its passages and its file state."""
        row = self.db.execute("SELECT ord FROM docs WHERE doc_id=?", (doc_id,)).fetchone()
        if row:
            self.db.execute("DELETE FROM passages WHERE doc_ord=?", (row[0],))
            self.db.execute("DELETE FROM events WHERE doc_ord=?", (row[0],))
            self.db.execute("DELETE FROM docs WHERE ord=?", (row[0],))
        self.db.execute("DELETE FROM files WHERE doc_id=?", (doc_id,))

    def add_document(self, doc: Document, size: int, first_pid: int) -> list[int]:
        """Insert a document and its passages (pids from `first_pid`); returns the pids."""
        cur = self.db.execute(
            "INSERT INTO docs(doc_id, title, date, year, lang, kind, partners, topics, years, catalog,"
            " extracted, warnings, size, n_passages, author, source_url, title_lang)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (doc.doc_id, doc.title, doc.date, doc.year, doc.lang, doc.kind, _j(doc.partners),
             _j(doc.topics), _j(doc.facet_years), _j(doc.catalog), _j(doc.extracted), _j(doc.warnings),
             size, len(doc.passages), doc.author, doc.source_url, doc.title_lang),
        )
        ord_ = cur.lastrowid
        pids = list(range(first_pid, first_pid + len(doc.passages)))
        self.db.executemany(
            "INSERT INTO passages VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            [(pid, ord_, p.n, p.page, p.text, _j(p.years), _j(p.partners), _j(p.topics), p.lang,
              _j(p.facet_years), p.dated_by, p.article) for pid, p in zip(pids, doc.passages)],
        )
        self.db.executemany("INSERT INTO events VALUES (?,?,?)",
                            [(ord_, e.n, _j(event_fields(e))) for e in doc.events])
        return pids

    def events(self):
        """(doc_ord, event fields) of every event, in document and passage order."""
        for ord_, record in self.db.execute("SELECT doc_ord, record FROM events ORDER BY doc_ord, n, rowid"):
            yield ord_, json.loads(record)

    def begin(self) -> None:
        """Start a transaction (the build writes all changes in one)."""
        self.db.execute("BEGIN")

    def commit(self) -> None:
        """Commit the transaction."""
        self.db.execute("COMMIT")

    # -- reading ---------------------------------------------------------------------------
    def documents(self) -> list[sqlite3.Row]:
        """All documents in insertion order."""
        return self.db.execute("SELECT * FROM docs ORDER BY ord").fetchall()

    def passages_of(self, doc_ord: int) -> list[sqlite3.Row]:
        """A document's passages in order."""
        return self.db.execute("SELECT * FROM passages WHERE doc_ord=? ORDER BY n", (doc_ord,)).fetchall()

    def passages_by_pid(self, pids: list[int]) -> dict[int, sqlite3.Row]:
        """Passages by id."""
        out: dict[int, sqlite3.Row] = {}
        for i in range(0, len(pids), 500):
            chunk = pids[i : i + 500]
            q = f"SELECT * FROM passages WHERE pid IN ({','.join('?' * len(chunk))})"
            out.update((r["pid"], r) for r in self.db.execute(q, chunk))
        return out


def event_fields(e) -> dict:
    """An extracted event's fields as stored (those of records.EventRecord but the document)."""
    return {k: getattr(e, k) for k in EVENT_FIELDS}


EVENT_FIELDS = ("n", "page", "date", "date_end", "precision", "kind", "partners", "topics", "place", "summary",
                "evidence", "status", "date_source", "lang", "article")


def loads(value: str | None, default=None):
    """Decode a JSON column."""
    if value is None:
        return default
    return json.loads(value)
