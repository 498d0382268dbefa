"""The search engine behind a thin interface of ours (Whoosh today), so that it can change later.

One engine document per passage: `pid` (our passage id, also a column for fast mapping from
engine document numbers), `doc_id`, the word-analysed `text` and `title` (title only on a
document's first passage, so a title match lifts the document once), and `bigrams`, the
Chinese character bigrams of title and text for damaged or oddly segmented text.
"""
from __future__ import annotations

import os
import pickle
from pathlib import Path

import numpy as np
from whoosh import index as whoosh_index
from whoosh import scoring
from whoosh.codec.whoosh3 import (
    LENGTHS_COLUMN,
    WHOOSH3_HEADER_MAGIC,
    W3Codec,
    W3LeafMatcher,
    W3PerDocReader,
    W3PostingsWriter,
    _lenfield,
)
from whoosh.fields import ID, NUMERIC, TEXT, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.util.numeric import byte_to_length, length_to_byte

from indexer.analysis.tokens import TokenPositions, bigram_analyzer, word_analyzer
from indexer.index.lifetime import die_with_parent

from . import blocks

INDEX_NAME = "MAIN"
TITLE_BOOST = 2.5
LIMIT_MB = 256  # posting pool memory before spilling sorted runs to disk
BATCH_PASSAGES = 200  # passages per job file handed to a sub-writer


def _text(analyzer, field_boost: float = 1.0) -> TEXT:
    field = TEXT(analyzer=analyzer, phrase=True, field_boost=field_boost)
    field.format = TokenPositions(field_boost=field.format.field_boost)
    return field


def schema() -> Schema:
    """The engine schema of a passage."""
    return Schema(
        pid=NUMERIC(numtype=int, bits=64, stored=False, sortable=True, unique=True, signed=False),
        doc_id=ID(stored=False),
        title=_text(word_analyzer(), TITLE_BOOST),
        text=_text(word_analyzer()),
        bigrams=_text(bigram_analyzer()),
    )


class EngineCodec(W3Codec):
    """Whoosh's W3 codec with two costs removed:
    - each segment's field lengths are read once as an array: the stock reader reads one length
      from the file per posting written at commit (a tenth of a build's time) and per posting scored;
    - posting blocks keep ids and weights apart from positions (indexer.index.local.blocks), so a term's
      documents are read without unpickling its positions; small position data is stored
      uncompressed, as Whoosh meant to (its "less than 20 bytes" test is dead code): most terms
      of an archive occur in one or two passages, and a zlib call per tiny block was a tenth of
      a build for a few bytes saved.
    Its class path is pickled into every segment: keep it here."""

    def per_document_reader(self, storage, segment):
        return _LengthArrayReader(storage, segment)

    def postings_writer(self, dbfile, byteids=False):
        return _PostingsWriter(dbfile, blocklimit=self._blocklimit, byteids=byteids,
                               compression=self._compression, inlinelimit=self._inlinelimit)

    def postings_reader(self, dbfile, terminfo, format_, term=None, scorer=None):
        if terminfo.is_inlined():
            return super().postings_reader(dbfile, terminfo, format_, term=term, scorer=scorer)
        offset, length = terminfo.extent()
        return _LeafMatcher(dbfile, offset, length, format_, term=term, scorer=scorer)


class _PostingsWriter(W3PostingsWriter):
    def _write_block(self, last=False):
        # W3PostingsWriter._write_block with the block data of indexer.index.local.blocks
        if self._byteids:  # term vectors (none in our schema): Whoosh's own block
            return super()._write_block(last)
        if not self._blockcount:
            self._postfile.write(WHOOSH3_HEADER_MAGIC)
        self._terminfo.add_block(self)
        databytes, comp = blocks.encode(self._mini_ids(), self._weights, self._mini_values(), self._compression)
        ids = self._ids
        infobytes = pickle.dumps((len(ids), ids[-1], self._maxweight, comp, length_to_byte(self._minlength),
                                  length_to_byte(self._maxlength)), 2)
        blocklength = len(infobytes) + len(databytes)
        postfile = self._postfile
        postfile.write_int(-blocklength if last else blocklength)
        postfile.write(infobytes)
        postfile.write(databytes)
        self._blockcount += 1
        self._new_block()


class _LeafMatcher(W3LeafMatcher):
    def _read_data(self):
        if not self._compression & blocks.SPLIT:  # a block of Whoosh's own layout
            return super()._read_data()
        data = self._postfile.get(self._dataoffset, self._nextoffset - self._dataoffset)
        self._data = blocks.whoosh_data(data, self._blocklength, self._compression)


class _LengthArrayReader(W3PerDocReader):
    def __init__(self, storage, segment):
        super().__init__(storage, segment)
        self._length_arrays: dict = {}

    def doc_field_length(self, docnum, fieldname, default=0):
        if docnum > self._doccount:
            raise IndexError("Asked for docnum %r of %d" % (docnum, self._doccount))
        lengths = self._length_arrays.get(fieldname)
        if lengths is None:
            reader = self._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
            lengths = self._length_arrays[fieldname] = reader.load() if reader is not None else False
        if lengths is False:
            return default
        lbyte = lengths[docnum]
        if lbyte:
            return byte_to_length(lbyte)


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


class EngineReader:
    """A searcher over one published index folder, with the engine-docnum → pid map."""

    def __init__(self, folder: Path):
        # Without mmap: Whoosh 2.7.5 opens each part of a memory-mapped compound segment as a
        # BytesIO over the map, which copies the whole part (the postings too) into the heap:
        # 0.55 GB per searcher at 100k passages. Plain reads cost a seek + read per block.
        storage = FileStorage(str(folder), supports_mmap=False, readonly=True)
        self._ix = storage.open_index(INDEX_NAME)
        self.searcher = self._ix.searcher(weighting=scoring.BM25F(B=0.75, K1=1.2))
        reader = self.searcher.reader()
        pids, deleted = [], []
        for leaf, _offset in reader.leaf_readers():
            pids.append(_pid_column(leaf))
            dead = np.zeros(leaf.doc_count_all(), dtype=bool)
            if leaf.has_deletions():
                dead[np.fromiter(leaf.deleted_docs_set, dtype=np.int64)] = True
            deleted.append(dead)
        self.pid_of_docnum = np.concatenate(pids) if pids else np.zeros(0, dtype=np.int64)
        self.deleted = np.concatenate(deleted) if deleted else np.zeros(0, dtype=bool)

    def close(self) -> None:
        """Release files."""
        self.searcher.close()

    def doc_count(self) -> int:
        """Number of live passages."""
        return self.searcher.doc_count()


def _pid_column(leaf) -> np.ndarray:
    """One segment's pid column as an array: its fixed-width big-endian values read in one go
    (a value at a time costs seconds at a million passages)."""
    col = leaf.column_reader("pid", translate=False)
    n = leaf.doc_count_all()
    if getattr(col, "_typecode", None) == "Q" and hasattr(col, "_dbfile"):
        return np.frombuffer(col._dbfile.get(col._basepos, n * 8), dtype=">u8").astype(np.int64)
    col = leaf.column_reader("pid")
    return np.fromiter((col[i] for i in range(n)), dtype=np.int64, count=n)
