"""Every reader of the engine (Whoosh's matchers, our numpy postings) sees the same postings, in
blocks of our layout and of Whoosh's own (indexes built before the change keep working)."""
import threading

import numpy as np
import pytest
from whoosh.codec.whoosh3 import W3PostingsWriter

from indexer.index.local import blocks, codec
from indexer.index.local.postings import Postings
from indexer.index.local.reader import EngineReader
from indexer.index.local.writer import EngineWriter


def _build(folder, old_layout: bool, monkeypatch):
    if old_layout:  # what EngineCodec wrote before blocks.py: Whoosh's one pickled tuple
        monkeypatch.setattr(codec._PostingsWriter, "_write_block", W3PostingsWriter._write_block)
    w = EngineWriter(folder, create=True)
    for i in range(300):  # more than two blocks of 128 postings for the common words
        w.add_passage(i + 1, f"doc{i % 40}", f"海关合作 customs cooperation {'trade ' * (i % 3 + 1)} item{i}",
                      f"Title {i}" if i % 40 == i else None)
    w.commit()
    w = EngineWriter(folder, create=False)
    w.delete_document("doc7")
    for i in range(300, 420):
        w.add_passage(i + 1, f"doc{i % 40}", f"customs trade 海关 item{i}", None)
    w.commit()
    monkeypatch.undo()
    return EngineReader(folder)


def _whoosh_postings(reader, field: str, term: str):
    m = reader.postings(field, term)
    ids, weights, positions = [], [], []
    decode = reader.schema[field].format.decode_positions
    while m.is_active():
        ids.append(m.id())
        weights.append(m.weight())
        positions.append(decode(m.value()))
        m.next()
    return ids, weights, positions


@pytest.mark.parametrize("old_layout", [False, True], ids=["our blocks", "whoosh blocks"])
def test_numpy_postings_equal_whooshs_own_reading(tmp_path, monkeypatch, old_layout):
    er = _build(tmp_path, old_layout, monkeypatch)
    try:
        reader = er.searcher.reader()
        postings = Postings(er.searcher, er.deleted, threading.Lock())
        terms = [("text", "custom"), ("text", "trade"), ("text", "item5"), ("title", "title"), ("text", "海关"),
                 ("bigrams", "海关"), ("bigrams", "合作")]
        for field, term in terms:
            ids, weights, positions = _whoosh_postings(reader, field, term)
            d, w = postings.get(field, term)
            assert d.tolist() == ids, (field, term)
            assert np.allclose(w, weights), (field, term)
            assert postings.positions(field, term, d) == positions, (field, term)
        layout = postings._entry("text", "custom").blocks[:, 3] & blocks.SPLIT
        assert len(layout) > 2 and (layout == 0 if old_layout else layout != 0).all()
        customs = postings.docnums("text", "custom")
        assert len(customs) == 420 - 8  # doc7's eight passages are deleted
        assert not er.deleted[customs].any()
        assert postings.get("text", "nosuchword")[0].tolist() == []
    finally:
        er.close()
