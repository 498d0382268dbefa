"""Writing passages into one index folder: new segments by our segment builders, in sub-processes
for large batches; deletions, merges of small segments and the table of contents by Whoosh."""
from __future__ import annotations

import multiprocessing
import os
import traceback
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.writing import MERGE_SMALL

from indexer.index.lifetime import die_with_parent

from .codec import EngineCodec
from .schema import schema
from .segments import INDEX_NAME, SegmentBuilder

LIMIT_MB = 64  # Whoosh's posting pool, used only when it merges small segments
BATCH_PASSAGES = 200  # passages per message to a builder process


def exists(folder: Path) -> bool:
    """True when the folder holds an engine index."""
    return whoosh_index.exists_in(str(folder), indexname=INDEX_NAME)


class EngineWriter:
    """Adds and deletes passages in one index folder; nothing is visible before `commit`."""

    def __init__(self, folder: Path, create: bool, procs: int = 1):
        """`procs` > 1 analyses and writes in that many builder processes, each writing its own segment
        (for large batches; the analyzers' dictionaries must be loaded before, so they are inherited)."""
        storage = FileStorage(str(folder), supports_mmap=False)  # see EngineReader: mmap copies segments
        if create or not exists(folder):
            self._ix = storage.create_index(schema(), indexname=INDEX_NAME)
        else:
            self._ix = storage.open_index(INDEX_NAME)
        # Whoosh's writer holds the lock, marks deletions and writes the table of contents; it
        # indexes nothing itself (it would, a posting at a time, only to merge small segments)
        self._w = self._ix.writer(limitmb=LIMIT_MB, codec=EngineCodec())
        self._builders = _Processes(folder, procs) if procs > 1 else _InProcess(folder)

    def delete_document(self, doc_id: str) -> None:
        """Remove every passage of a document (from the segments written before)."""
        self._w.delete_by_term("doc_id", doc_id)

    def add_passage(self, pid: int, doc_id: str, text: str, title: str | None) -> None:
        """Add one passage."""
        self._builders.add((pid, doc_id, text, title))

    def commit(self, optimize: bool = False) -> None:
        """Write the new segments and the table of contents."""
        new = self._builders.finish()
        self._w.commit(mergetype=lambda writer, segments: list(MERGE_SMALL(writer, segments)) + new,
                       optimize=optimize)

    def cancel(self) -> None:
        """Abandon the changes."""
        try:
            self._builders.cancel()
        finally:
            self._w.cancel()


class _InProcess:
    """One segment builder in this process (small batches: forking costs more than it saves)."""

    def __init__(self, folder: Path):
        self.builder = SegmentBuilder(folder)

    def add(self, passage: tuple) -> None:
        """Analyse one passage."""
        self.builder.add(*passage)

    def finish(self) -> list:
        """The new segments (none when nothing was added)."""
        segment = self.builder.finish()
        return [segment] if segment is not None else []

    def cancel(self) -> None:
        """Drop what was gathered."""
        self.builder.discard()


class _Processes:
    """Builder processes fed batches of passages in turn (so a build's segments are reproducible);
    forked up front, while this process has no other threads (a fork among threads can inherit a
    held lock)."""

    def __init__(self, folder: Path, procs: int):
        ctx = multiprocessing.get_context("fork")
        self.conns, self.procs = [], []
        for _ in range(procs):
            parent, child = ctx.Pipe()
            p = ctx.Process(target=_serve, args=(folder, child, os.getpid()), daemon=True)
            p.start()
            child.close()
            self.conns.append(parent)
            self.procs.append(p)
        self.batch: list[tuple] = []
        self.turn = 0

    def add(self, passage: tuple) -> None:
        """Queue one passage for the next builder in turn."""
        self.batch.append(passage)
        if len(self.batch) >= BATCH_PASSAGES:
            self._send()

    def _send(self) -> None:
        conn = self.conns[self.turn]
        try:
            conn.send(self.batch)
        except OSError:  # the builder stopped: it says why, if it can
            ok, value = conn.recv() if conn.poll(5) else (False, "the builder process died")
            raise RuntimeError(f"segment builder failed: {value}") from None
        self.turn = (self.turn + 1) % len(self.conns)
        self.batch = []

    def finish(self) -> list:
        """Each builder's segment, once all have written theirs."""
        if self.batch:
            self._send()
        for c in self.conns:
            c.send(None)
        segments = []
        for c, p in zip(self.conns, self.procs):
            ok, value = c.recv()
            p.join()
            if not ok:
                raise RuntimeError(f"segment builder failed: {value}")
            if value is not None:
                segments.append(value)
        return segments

    def cancel(self) -> None:
        """Stop the builders (their files go with the staging folder)."""
        for p in self.procs:
            if p.is_alive():
                p.kill()
            p.join()


def _serve(folder: Path, conn, parent: int) -> None:
    """A builder process: batches of passages in, one segment out (or the error, as text)."""
    die_with_parent(parent)
    builder = SegmentBuilder(folder)
    try:
        while (batch := conn.recv()) is not None:
            for passage in batch:
                builder.add(*passage)
        conn.send((True, builder.finish()))
    except BaseException:
        builder.discard()
        conn.send((False, traceback.format_exc(limit=4)))
