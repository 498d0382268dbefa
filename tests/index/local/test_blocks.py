"""Posting blocks keep a term's documents and weights readable without its positions."""
import numpy as np
import pytest

from indexer.index.local import blocks


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
