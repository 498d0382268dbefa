"""Writing a new engine segment from analysed passages, without Whoosh's per-posting Python path.

Whoosh's writer pools every posting as a Python tuple, sorts them (spilling pickled runs), then
writes each term's blocks, term-table entry and hash one posting and one term at a time: about
half of a build. Here passages are gathered as arrays (runs.py), merged term by term, and each
slice of terms is encoded with numpy (blocks.encode_terms) into the files of a Whoosh W3 segment,
which Whoosh and our readers open as before:

    MAIN_<id>.pst              postings: per term "W3Bl", then blocks (our ARRAYS layout)
    MAIN_<id>.trm              the term table (termtable.py)
    MAIN_<id>._<field>_len.col field lengths as length bytes, for text, title and bigrams
    MAIN_<id>.pid.col          the passage id of each engine document ("!Q")
    MAIN_<id>._stored.col      Whoosh's stored-fields column (empty: nothing is stored)

The segment is not assembled into a compound file (a copy of everything for nothing: a reader
opens the files directly). `SegmentBuilder.finish` returns the W3Segment for the table of contents.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, STORED_COLUMN, W3Codec, W3Segment, _lenfield
from whoosh.filedb.filestore import FileStorage
from whoosh.util.numeric import _length_byte_cache

from . import blocks, termtable
from .codec import EngineCodec
from .runs import FIELDS, POSITIONS, SCORED, Collector, merged
from .schema import TITLE_BOOST

INDEX_NAME = "MAIN"
RUN_TOKENS = 4_000_000  # tokens held before a sorted run is spilled (~32 MB of arrays, ~150 MB to sort)
SLICE_POSTINGS = 1 << 18  # postings encoded at once while writing
BOOSTS = {"title": TITLE_BOOST}
_CACHE = np.asarray(_length_byte_cache, dtype=np.int64)


def length_bytes(lengths: np.ndarray) -> np.ndarray:
    """Whoosh's length_to_byte of each length (0 for none, 255 from 106374 up)."""
    return np.minimum(np.searchsorted(_CACHE, lengths, side="left"), 255).astype(np.uint8)


class SegmentBuilder:
    """Passages analysed into one new segment of an index folder."""

    def __init__(self, folder: Path, run_tokens: int | None = None):
        self.folder = folder
        self.runs_dir = folder / f"runs-{os.getpid()}-{id(self):x}"
        self.collector = Collector(self.runs_dir, run_tokens or RUN_TOKENS)

    def add(self, pid: int, doc_id: str, text: str, title: str | None) -> None:
        """Analyse and hold one passage."""
        self.collector.add(pid, doc_id, text, title)

    def finish(self) -> W3Segment | None:
        """Write the segment's files; None when no passage was added."""
        c = self.collector
        if not c.ndocs:
            return None
        try:
            c.flush()
            return _write(self.folder, c)
        finally:
            self.discard()

    def discard(self) -> None:
        """Remove the spilled runs."""
        shutil.rmtree(self.runs_dir, ignore_errors=True)


def _write(folder: Path, c: Collector) -> W3Segment:
    segment = W3Segment(EngineCodec(), INDEX_NAME, doccount=c.ndocs)
    lengths = {f: np.frombuffer(c.lengths[f], dtype=np.int32) for f in SCORED}
    lbytes = {f: length_bytes(lengths[f]) for f in SCORED}
    no_lengths = np.zeros(c.ndocs, dtype=np.uint8)
    fieldmap: dict[str, int] = {}
    keys: list[bytes] = []
    klens: list[np.ndarray] = []
    infos: list[np.ndarray] = []
    with open(folder / segment.make_filename(W3Codec.POSTS_EXT), "wb") as pst:
        at = 0
        for field in FIELDS:
            for terms, df, doc, count, pos in merged(c.runs, field, SLICE_POSTINGS):
                if field not in fieldmap:
                    fieldmap[field] = len(fieldmap)
                buf, got = blocks.encode_terms(df, doc, count, pos if POSITIONS[field] else None,
                                               BOOSTS.get(field, 1.0), lbytes.get(field, no_lengths))
                pst.write(buf.data)
                prefix = fieldmap[field].to_bytes(2, "big")
                encoded = [prefix + t.encode("utf-8") for t in terms]
                keys.append(b"".join(encoded))
                klens.append(np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded)))
                ti = termtable.terminfos(len(terms))
                ti["weight"], ti["df"], ti["minlen"], ti["maxlen"] = got["weight"], df, got["minlen"], got["maxlen"]
                ti["maxweight"], ti["minid"], ti["maxid"] = got["maxweight"], got["minid"], got["maxid"]
                ti["offset"], ti["length"] = at + got["offset"], got["length"]
                infos.append(ti)
                at += len(buf)
    off = np.zeros(sum(map(len, klens)) + 1, dtype=np.int64)
    if klens:
        np.cumsum(np.concatenate(klens), out=off[1:])
    termtable.write(folder / segment.make_filename(W3Codec.TERMS_EXT), fieldmap, b"".join(keys), off,
                    np.concatenate(infos) if infos else termtable.terminfos(0))
    _columns(folder, segment, np.frombuffer(c.pids, dtype=np.int64), lbytes)
    segment._fieldlengths = {f: int(lengths[f].sum()) for f in SCORED if lengths[f].any()}
    return segment


def _columns(folder: Path, segment: W3Segment, pids: np.ndarray, lbytes: dict[str, np.ndarray]) -> None:
    """The per-document columns, as Whoosh's column writers leave them: values up to the last one
    that is not the default (readers give the default past the end)."""
    def write(name: str, data: bytes) -> None:
        """One column file of the segment."""
        (folder / W3Codec.column_filename(segment, name)).write_bytes(data)

    for field, lb in lbytes.items():
        nz = np.flatnonzero(lb)
        if len(nz):  # Whoosh creates a length column only for a field some passage has
            write(_lenfield(field), lb[: nz[-1] + 1].tobytes())
    nz = np.flatnonzero(pids)
    write("pid", pids[: nz[-1] + 1].astype(">u8").tobytes() if len(nz) else b"")
    storage = FileStorage(str(folder))
    f = storage.create_file(W3Codec.column_filename(segment, "_stored"))
    STORED_COLUMN.writer(f).finish(segment.doc_count_all())
    f.close()
    assert LENGTHS_COLUMN._typecode == "B"  # the length files above are raw bytes
