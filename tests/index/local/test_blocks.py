"""Posting blocks keep a term's documents and counts readable without its positions, and are written
for many terms at once; blocks of the layouts written before still read."""
import pickle
import random

import numpy as np
import pytest

from indexer.index.local import blocks


def _terms(rng: random.Random, n_terms: int, n_docs: int, with_positions: bool):
    """Random postings: per term ascending docnums, counts, ascending positions."""
    df, doc, count, pos = [], [], [], []
    for _ in range(n_terms):
        k = rng.choice([1, 1, 2, 5, 127, 128, 129, 300])
        docs = sorted(rng.sample(range(n_docs), min(k, n_docs)))
        df.append(len(docs))
        for d in docs:
            c = rng.choice([1, 1, 1, 2, 3, 300])
            doc.append(d)
            count.append(c)
            start = rng.choice([0, 5, 250, 70_000])
            pos.extend(sorted(rng.sample(range(start, start + 400), c)) if with_positions else [])
    return (np.array(df), np.array(doc), np.array(count),
            np.array(pos, dtype=np.int64) if with_positions else None)


def _walk(buf, offset, length):
    """Each block of one term's extent: (info tuple, data), through the framing Whoosh reads."""
    out, at = [], offset + 4
    assert bytes(buf[offset:offset + 4]) == blocks.MAGIC
    while True:
        size = int.from_bytes(bytes(buf[at:at + 4]), "big", signed=True)
        info = pickle.loads(bytes(buf[at + 4:at + 4 + blocks.INFO_BYTES]))
        out.append((info, bytes(buf[at + 4 + blocks.INFO_BYTES:at + 4 + abs(size)])))
        at += 4 + abs(size)
        if size < 0:
            break
    assert at == offset + length
    return out


@pytest.mark.parametrize("with_positions", [True, False])
@pytest.mark.parametrize("seed", range(4))
def test_terms_encoded_together_give_back_their_postings(seed, with_positions):
    rng = random.Random(seed)
    n_docs = rng.choice([300, 70_000])
    df, doc, count, pos = _terms(rng, 40, n_docs, with_positions)
    if not with_positions:
        count[:] = 1
    lbyte = np.array([rng.choice([0, 1, 40, 255]) for _ in range(n_docs)], dtype=np.uint8)
    buf, info = blocks.encode_terms(df, doc, count, pos, 2.5, lbyte)
    p = c = 0
    for t in range(len(df)):
        got_ids, got_counts, got_pos = [], [], []
        for (n, maxid, maxweight, comp, minlen, maxlen), data in _walk(buf, info["offset"][t], info["length"][t]):
            ids, counts = blocks.arrays_ids_counts(data, n)
            counts = np.ones(n, dtype=np.int64) if counts is None else counts
            assert comp == blocks.ARRAYS and n <= blocks.BLOCK and maxid == ids[-1]
            assert maxweight == counts.max() * 2.5
            lbs = lbyte[ids]
            assert maxlen == lbs.max() and minlen == (lbs[lbs > 0].min() if (lbs > 0).any() else 0)
            got_ids += ids.tolist()
            got_counts += counts.tolist()
            got_pos += blocks.split_lists(*blocks.arrays_positions(data, n))
        k = df[t]
        assert got_ids == doc[p:p + k].tolist()
        assert got_counts == count[p:p + k].tolist()
        if with_positions:
            want = []
            for cnt in count[p:p + k].tolist():
                want.append(pos[c:c + cnt].tolist())
                c += cnt
            assert got_pos == want
        assert info["weight"][t] == count[p:p + k].sum() * 2.5
        assert (info["minid"][t], info["maxid"][t]) == (doc[p], doc[p + k - 1])
        p += k


@pytest.mark.parametrize("deltas, weights", [
    ([3, 1, 1, 250], [1.0, 1.0, 1.0, 1.0]),  # one-byte ids, all weights 1
    ([70_000, 5], [2.5, 2.5]),  # four-byte ids, one weight for all (a boosted field)
    ([1, 300], [1.0, 3.0]),  # two-byte ids, a weight each
])
def test_blocks_of_the_earlier_split_layout_still_read(deltas, weights):
    values = tuple(bytes([i, i + 1]) for i in range(len(deltas)))
    data, comp = blocks.encode_split(deltas, weights, values, 3)
    ids, w = blocks.ids_weights(data, len(deltas), comp, 1.0)
    assert ids.tolist() == np.cumsum(deltas).tolist()
    assert w.tolist() == weights
    assert blocks.split_values(data, len(deltas), comp) == values


def test_only_large_split_position_data_is_compressed():
    few = (b"\x01",)
    many = tuple(bytes(range(i % 50, i % 50 + 20)) for i in range(128))
    assert blocks.encode_split([1], [1.0], few, 3)[1] == blocks.SPLIT
    data, comp = blocks.encode_split(list(range(1, 129)), [1.0] * 128, many, 3)
    assert comp == blocks.SPLIT | 3
    assert len(data) < len(many) * 20  # compressed
    assert blocks.split_values(data, 128, comp) == many
