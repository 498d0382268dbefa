"""Writing passages into one index folder with Whoosh (in sub-writer processes for large batches)."""
from __future__ import annotations

import os
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.multiproc import MpWriter, SubWriterTask

from indexer.index.lifetime import die_with_parent

from .codec import EngineCodec
from .schema import schema

INDEX_NAME = "MAIN"
LIMIT_MB = 256  # posting pool memory before spilling sorted runs to disk
BATCH_PASSAGES = 200  # passages per job file handed to a sub-writer


def exists(folder: Path) -> bool:
    """True when the folder holds an engine index."""
    return whoosh_index.exists_in(str(folder), indexname=INDEX_NAME)


class EngineWriter:
    """Adds and deletes passages in one index folder; nothing is visible before `commit`."""

    def __init__(self, folder: Path, create: bool, procs: int = 1):
        """`procs` > 1 indexes in that many sub-writer processes, each writing its own segment
        (for large batches; the analyzers' dictionaries must be loaded before, so they are inherited)."""
        storage = FileStorage(str(folder), supports_mmap=False)  # see EngineReader: mmap copies segments
        if create or not exists(folder):
            self._ix = storage.create_index(schema(), indexname=INDEX_NAME)
        else:
            self._ix = storage.open_index(INDEX_NAME)
        if procs > 1:
            self._w = _MpWriter(self._ix, procs=procs, multisegment=True, batchsize=BATCH_PASSAGES,
                                limitmb=LIMIT_MB // procs, codec=EngineCodec())
            # Fork the sub-writers now, while this process has no other threads (a fork among
            # threads can inherit a held lock); Whoosh would otherwise start them lazily.
            while len(self._w.tasks) < procs:
                self._w._new_task()
        else:
            self._w = self._ix.writer(limitmb=LIMIT_MB, codec=EngineCodec())

    def delete_document(self, doc_id: str) -> None:
        """Remove every passage of a document."""
        self._w.delete_by_term("doc_id", doc_id)

    def add_passage(self, pid: int, doc_id: str, text, title: str | None) -> None:
        """Add one passage; `text` is a string or pre-analysed tokens."""
        fields = {"pid": pid, "doc_id": doc_id, "text": text, "bigrams": text}
        if title:
            fields["title"] = title
            fields["bigrams"] = (title + "\n" + text) if isinstance(text, str) else text
        self._w.add_document(**fields)

    def commit(self, optimize: bool = False) -> None:
        """Write segments and the table of contents."""
        self._w.commit(optimize=optimize)

    def cancel(self) -> None:
        """Abandon the changes."""
        self._w.cancel()


class _SubWriterTask(SubWriterTask):
    """Whoosh's sub-writer process, killed with the build: left alone it waits on its job queue forever."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._parent = os.getpid()

    def run(self):
        die_with_parent(self._parent)
        super().run()


class _MpWriter(MpWriter):
    def _new_task(self):
        task = _SubWriterTask(self.storage, self.indexname, self.jobqueue, self.resultqueue, self.subargs,
                              self.multisegment)
        self.tasks.append(task)
        task.start()
        return task
