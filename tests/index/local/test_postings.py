"""Every reader of the engine (Whoosh's matchers, our numpy postings) sees the same postings, in
segments of our writer (ARRAYS blocks) and in those Whoosh's own writer left (our earlier SPLIT
blocks, Whoosh's pickled tuples): indexes built before the change keep working."""
import threading

import numpy as np
import pytest
from whoosh.codec.whoosh3 import W3PostingsWriter
from whoosh.filedb.filestore import FileStorage

from indexer.index.local import blocks, codec
from indexer.index.local.postings import COMP, Postings, unique, unique_inverse
from indexer.index.local.reader import EngineReader
from indexer.index.local.schema import schema
from indexer.index.local.writer import INDEX_NAME, EngineWriter


def _passages(first: int, last: int):
    for i in range(first, last):
        if i < 300:  # more than two blocks of 128 postings for the common words
            yield i + 1, f"doc{i % 40}", f"海关合作 customs cooperation {'trade ' * (i % 3 + 1)} item{i}", \
                (f"Title {i}" if i % 40 == i else None)
        else:
            yield i + 1, f"doc{i % 40}", f"customs trade 海关 item{i}", None


def _whooshs_writer(folder, layout: str, monkeypatch):
    """The first 300 passages through Whoosh's own writer, as builds before our segment writer did."""
    if layout == "whoosh":
        monkeypatch.setattr(codec._PostingsWriter, "_write_block", W3PostingsWriter._write_block)
    ix = FileStorage(str(folder), supports_mmap=False).create_index(schema(), indexname=INDEX_NAME)
    w = ix.writer(codec=codec.EngineCodec())
    for pid, doc_id, text, title in _passages(0, 300):
        fields = {"pid": pid, "doc_id": doc_id, "text": text, "bigrams": text}
        if title:
            fields.update(title=title, bigrams=title + "\n" + text)
        w.add_document(**fields)
    w.commit()
    monkeypatch.undo()


def _build(folder, layout: str, monkeypatch, procs: int = 1):
    if layout == "arrays":
        w = EngineWriter(folder, create=True, procs=procs)
        for passage in _passages(0, 300):
            w.add_passage(*passage)
        w.commit()
    else:
        _whooshs_writer(folder, layout, monkeypatch)
    w = EngineWriter(folder, create=False)
    w.delete_document("doc7")
    for passage in _passages(300, 420):
        w.add_passage(*passage)
    w.commit()
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


@pytest.mark.parametrize("layout, procs", [("arrays", 1), ("arrays", 2), ("split", 1), ("whoosh", 1)],
                         ids=["our arrays", "our arrays, two builders", "our earlier blocks", "whoosh blocks"])
def test_numpy_postings_equal_whooshs_own_reading(tmp_path, monkeypatch, layout, procs):
    er = _build(tmp_path, layout, monkeypatch, procs)
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
        comp = postings._entry("text", "custom").blocks[:, COMP]
        first = comp[: len(comp) - 1]  # the last block is in the second commit's segment: ours
        flag = {"arrays": blocks.ARRAYS, "split": blocks.SPLIT, "whoosh": 0}[layout]
        assert len(first) > 2 and ((first & (blocks.ARRAYS | blocks.SPLIT)) == flag).all()
        assert comp[-1] & blocks.ARRAYS
        customs = postings.docnums("text", "custom")
        assert len(customs) == 420 - 8  # doc7's eight passages are deleted
        assert not er.deleted[customs].any()
        assert postings.get("text", "nosuchword")[0].tolist() == []
        assert sorted(er.pid_of_docnum[~er.deleted].tolist()) == [p for p in range(1, 421) if p > 300 or (p - 1) % 40 != 7]
    finally:
        er.close()


def test_a_document_of_many_passages(tmp_path):
    """More than one block of a document's doc_id postings (Whoosh's writer could not write those)."""
    w = EngineWriter(tmp_path, create=True)
    for i in range(300):
        w.add_passage(i + 1, "long.pdf", f"第{i}页 海关 page {i}", "Long" if i == 0 else None)
    w.commit()
    w = EngineWriter(tmp_path, create=False)
    w.delete_document("long.pdf")
    w.commit()
    er = EngineReader(tmp_path)
    try:
        assert er.doc_count() == 0 and er.deleted.all()
    finally:
        er.close()


def _contents(folder):
    """Every term's postings by pid (weight, positions) and every passage's field lengths."""
    er = EngineReader(folder)
    try:
        postings = Postings(er.searcher, er.deleted, threading.Lock())
        reader = er.searcher.reader()
        pids = er.pid_of_docnum
        out = {}
        for field, term in reader.all_terms():
            term = term.decode("utf-8")
            d, w = postings.get(field, term)
            ps = postings.positions(field, term, d) if field != "doc_id" else [[]] * len(d)
            out[field, term] = sorted(zip(pids[d].tolist(), w.tolist(), ps))
            out[field, "df"] = reader.doc_frequency(field, term)
        for field in ("text", "title", "bigrams"):
            out["lengths", field] = sorted(zip(pids.tolist(), postings.lengths(field).tolist()))
        return out
    finally:
        er.close()


def test_a_segment_merged_from_many_spilled_runs_holds_what_one_run_holds(tmp_path, monkeypatch):
    from indexer.index.local import segments

    contents = []
    for run_tokens in (None, 97):
        if run_tokens:
            monkeypatch.setattr(segments, "RUN_TOKENS", run_tokens)
            monkeypatch.setattr(segments, "SLICE_POSTINGS", 50)
        folder = tmp_path / str(run_tokens)
        folder.mkdir()
        w = EngineWriter(folder, create=True)
        for passage in _passages(0, 420):
            w.add_passage(*passage)
        w.commit()
        assert not [p for p in folder.iterdir() if p.name.startswith("runs-")]
        contents.append(_contents(folder))
    assert contents[0] == contents[1]


def test_bigrams_coded_as_integers_sort_as_their_strings():
    """The bigram field's tokens, coded as integers from runs of Han characters, give the runs the
    dictionary path gives from the bigrams themselves."""
    import random

    from indexer.analysis.tokens import bigram_runs, bigram_tokens
    from indexer.index.local import runs

    rng = random.Random(3)
    pool = "海关合作世界组织一二三悔关细织、 \nab"
    by_code, by_dict = runs._Bigrams(), runs._Tokens()
    lone = 0
    for _ in range(300):
        text = "".join(rng.choice(pool) for _ in range(rng.randrange(0, 60)))
        tokens = bigram_tokens(text)
        assert by_code.add_runs(bigram_runs(text)) == by_dict.add(tokens)
        lone += sum(len(t) == 1 for t, *_rest in tokens)
    assert lone, "single-character terms were drawn"
    a, b = by_code.sorted(7, True), by_dict.sorted(7, True)
    assert a.keys() == b.keys()
    for key in a:
        assert np.array_equal(np.asarray(a[key]), np.asarray(b[key])) if key != "blob" else a[key] == b[key], key


@pytest.mark.parametrize("n", [0, 1, 7, 5000])
def test_sort_based_unique_gives_what_np_unique_gives(n):
    # ranking sums scores per passage through these: any difference would reorder results
    values = np.random.default_rng(n).integers(0, max(1, n // 3), n)
    docs, inverse = unique_inverse(values)
    want, want_inverse = np.unique(values, return_inverse=True)
    assert docs.tolist() == want.tolist() and inverse.tolist() == want_inverse.ravel().tolist()
    halves = values[: n // 2], values[n // 2:]
    assert unique(*halves).tolist() == np.unique(values).tolist()
