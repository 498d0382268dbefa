"""Whoosh's W3 codec with two costs removed (see EngineCodec); its class path is pickled into every segment."""
from __future__ import annotations

import pickle

import numpy as np

from whoosh.codec.whoosh3 import (LENGTHS_COLUMN, WHOOSH3_HEADER_MAGIC, W3Codec, W3LeafMatcher, W3PerDocReader,
                                  W3PostingsWriter, _lenfield)
from whoosh.util.numeric import byte_to_length, length_to_byte

from . import blocks


class EngineCodec(W3Codec):
    """Whoosh's W3 codec, reading the blocks our segment writer writes (indexer.index.local.blocks)
    and those Whoosh's own writer left, with two costs removed:
    - each segment's field lengths are read once as an array: the stock reader reads one length
      from the file per posting written (when Whoosh merges small segments) and per posting scored;
    - when Whoosh's own writer merges small segments, its blocks keep ids and weights apart from
      positions (the SPLIT layout), small position data uncompressed (its "less than 20 bytes"
      test is dead code: a zlib call per tiny block was a tenth of a build for a few bytes saved).
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
        databytes, comp = blocks.encode_split(self._mini_ids(), self._weights, self._mini_values(),
                                              self._compression)
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
        if not self._compression & (blocks.SPLIT | blocks.ARRAYS):  # a block of Whoosh's own layout
            return super()._read_data()
        data = self._postfile.get(self._dataoffset, self._nextoffset - self._dataoffset)
        self._data = blocks.whoosh_data(data, self._blocklength, self._compression, self.format)


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
            lengths = self._length_arrays[fieldname] = \
                column_values(reader, self._doccount, np.uint8).tolist() if reader is not None else False
        if lengths is False:
            return default
        lbyte = lengths[docnum]
        if lbyte:
            return byte_to_length(lbyte)


def column_values(reader, n: int, dtype) -> np.ndarray:
    """A fixed-width numeric column of a segment as an array over its `n` documents, read in one go
    (Whoosh reads a value at a time; the default, 0, past the values written)."""
    width = reader._fixedlen
    raw = np.frombuffer(reader._dbfile.get(reader._basepos, reader._count * width), dtype=f">u{width}")
    out = np.zeros(n, dtype=dtype)
    out[: len(raw)] = raw[:n]
    return out
