"""Posting blocks keep a term's documents and weights readable without its positions, and every
reader of the engine (Whoosh's matchers, our numpy postings) sees the same postings in them, in
blocks written in Whoosh's own layout too (indexes built before the change keep working)."""
import threading

import numpy as np
import pytest
from whoosh.codec.whoosh3 import W3PostingsWriter

from indexer.index.local import blocks, engine
from indexer.index.local.postings import Postings


@pytest.mark.parametrize("deltas, weights", [
    ([3, 1, 1, 250], [1.0, 1.0, 1.0, 1.0]),  # one-byte ids, all weights 1
    ([70_000, 5], [2.5, 2.5]),  # four-byte ids, one weight for all (a boosted field)
    ([1, 300], [1.0, 3.0]),  # two-byte ids, a weight each
])
def test_a_block_gives_back_its_ids_weights_and_positions(deltas, weights):
    values = tuple(bytes([i, i + 1]) for i in range(len(deltas)))
    data, comp = blocks.encode(deltas, weights, values, 3)
    ids, w = blocks.ids_weights(data, len(deltas))
    assert ids.tolist() == deltas
    assert np.broadcast_to(w, len(deltas)).tolist() == weights
    assert blocks.values(data, len(deltas), comp) == values
    assert blocks.whoosh_data(data, len(deltas), comp)[0] == tuple(deltas)


def test_only_large_position_data_is_compressed():
    few = (b"\x01",)
    many = tuple(bytes(range(i % 50, i % 50 + 20)) for i in range(128))
    assert blocks.encode([1], [1.0], few, 3)[1] == blocks.SPLIT
    data, comp = blocks.encode(list(range(1, 129)), [1.0] * 128, many, 3)
    assert comp == blocks.SPLIT | 3
    assert len(data) < len(many) * 20  # compressed
    assert blocks.values(data, 128, comp) == many


def _build(folder, old_layout: bool, monkeypatch):
    if old_layout:  # what EngineCodec wrote before blocks.py: Whoosh's one pickled tuple
        monkeypatch.setattr(engine._PostingsWriter, "_write_block", W3PostingsWriter._write_block)
    w = engine.EngineWriter(folder, create=True)
    for i in range(300):  # more than two blocks of 128 postings for the common words
        w.add_passage(i + 1, f"doc{i % 40}", f"海关合作 customs cooperation {'trade ' * (i % 3 + 1)} item{i}",
                      f"Title {i}" if i % 40 == i else None)
    w.commit()
    w = engine.EngineWriter(folder, create=False)
    w.delete_document("doc7")
    for i in range(300, 420):
        w.add_passage(i + 1, f"doc{i % 40}", f"customs trade 海关 item{i}", None)
    w.commit()
    monkeypatch.undo()
    return engine.EngineReader(folder)


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
