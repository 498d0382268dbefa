"""The embedded backend, write side: a new generation folder written aside, then published atomically."""
from __future__ import annotations

import shutil
from contextlib import contextmanager
from pathlib import Path

from indexer.ingest.documents import Document

from ..backend import PreviousGeneration
from ..lock import build_lock
from ..records import FileState
from . import publish
from .store import Store
from .writer import EngineWriter

# From this many files to (re)index, the engine indexes in parallel sub-writers, one segment
# each; a small incremental build stays in one process (forking costs more than it saves).
PARALLEL_INDEX_MIN_FILES = 200
LOCK_WAIT_SECONDS = 600


class LocalTarget:
    """INDEX_DIR as the target of a build: one build at a time, generations published by symlink."""

    def __init__(self, index_dir: Path, workers: int = 1):
        self.index_dir = index_dir
        self.workers = workers

    @contextmanager
    def locked(self):
        """The build lock; staging folders of killed builds are collected before and after."""
        with build_lock(self.index_dir, wait_seconds=LOCK_WAIT_SECONDS):
            publish.collect_garbage(self.index_dir)
            publish.collect_stale_staging(self.index_dir)
            yield
            publish.collect_garbage(self.index_dir)

    def previous(self) -> PreviousGeneration | None:
        """The published generation's fingerprint and file states (raises when it cannot be read)."""
        folder = publish.current_generation(self.index_dir)
        if folder is None:
            return None
        store = Store(folder, readonly=True)
        try:
            return PreviousGeneration(folder.name, store.get_meta("fingerprint"), store.file_states())
        finally:
            store.close()

    def begin(self, previous: PreviousGeneration | None, documents: int) -> "LocalGeneration":
        """A staging folder seeded from `previous` (or empty)."""
        procs = self.workers if documents >= PARALLEL_INDEX_MIN_FILES else 1
        return LocalGeneration(self.index_dir, previous, procs)


class LocalGeneration:
    """A staging folder: the engine segments and the document store of the next generation."""

    def __init__(self, index_dir: Path, previous: PreviousGeneration | None, procs: int):
        self.index_dir = index_dir
        self.staging, self.name = publish.new_staging(index_dir)
        self.store = self.writer = None
        try:
            if previous is not None:
                publish.seed_from(index_dir / previous.name, self.staging)
            self.store = Store(self.staging)
            self.store.begin()
            if procs > 1:
                from indexer.analysis.tokens import word_tokens

                # the segmenter and the lemmatiser's dictionary loaded once here, inherited by the
                # builder processes (and the build's readers, forked later): each loading its own
                # was a twentieth of a 10k-passage build
                word_tokens("Organizations 海关", "index")
            self.writer = EngineWriter(self.staging, create=previous is None, procs=procs)
            self.next_pid = int(self.store.get_meta("next_pid", "1"))
        except BaseException:
            self.abandon()
            raise

    def delete(self, doc_id: str) -> None:
        """Remove a document's passages from the engine and the store."""
        self.writer.delete_document(doc_id)
        self.store.remove_document(doc_id)

    def add(self, doc: Document, state: FileState) -> None:
        """Add a document: its passages get the next passage ids."""
        pids = self.store.add_document(doc, state.size, self.next_pid)
        self.next_pid += len(pids)
        for pid, p in zip(pids, doc.passages):
            self.writer.add_passage(pid, doc.doc_id, p.text, doc.title if p.n == 0 else None)
        self.store.set_file_state(doc.doc_id, state)

    def replace(self, doc: Document, state: FileState) -> None:
        """Remove the old version, add the new (nothing is visible before `publish`)."""
        self.delete(doc.doc_id)
        self.add(doc, state)

    def keep(self, doc_id: str, state: FileState) -> None:
        """A new file state for an unchanged document."""
        self.store.set_file_state(doc_id, state)

    def publish(self, meta: dict[str, str]) -> str:
        """Commit the segments and the store, then switch `current` to the new folder."""
        try:
            self.store.set_meta("next_pid", self.next_pid)
            for key, value in meta.items():
                self.store.set_meta(key, value)
            self.writer.commit()
            self.writer = None  # committed: nothing left to cancel
            self.store.commit()
            self.store.close()
            publish.publish(self.index_dir, self.staging, self.name)
        except BaseException:
            self.abandon()
            raise
        return self.name

    def abandon(self) -> None:
        """Drop the staging folder; the published generation is untouched."""
        if self.writer is not None:
            try:
                self.writer.cancel()
            except Exception:  # a writer that failed half-way may refuse; its files go with the folder
                pass
        if self.store is not None:
            self.store.close()
        shutil.rmtree(self.staging, ignore_errors=True)
