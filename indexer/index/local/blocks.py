"""The data of one posting block in our engine files: documents and weights readable apart from positions.

Whoosh's W3 codec stores a block (up to 128 postings) as one pickled, zlib-compressed tuple of
ids, weights and positions, so learning which passages hold a term unpickles every position too:
at 100k passages that decoding was a third of query time. EngineCodec keeps Whoosh's framing of a
block (length, info tuple) and writes its data as:

    1 byte   width of the id deltas (1, 2 or 4 bytes, little-endian)
    1 byte   weights: 0 all 1.0, 1 one float for all, 2 one float32 per posting
    n×width  id deltas (from 0 within the block, as Whoosh delta-codes them)
    0/4/4n   weights
    rest     the positions, pickled as Whoosh pickles them, zlib-compressed when large

SPLIT is set in the info tuple's compression byte, so blocks written before still read.
"""
from __future__ import annotations

import pickle
import zlib

import numpy as np

SPLIT = 64  # flag in a block's compression byte; the low bits are the zlib level of the positions
COMPRESS_MIN_BYTES = 256  # smaller position data is stored as it is
_ID_DTYPES = {1: np.dtype("<u1"), 2: np.dtype("<u2"), 4: np.dtype("<u4")}
_ONES, _SAME, _EACH = 0, 1, 2
_F32 = np.dtype("<f4")


def encode(deltas, weights, values, level: int) -> tuple[bytes, int]:
    """(block data, compression byte) of a block's id deltas, float weights and values."""
    top = max(deltas) if len(deltas) else 0
    width = 1 if top < 0x100 else 2 if top < 0x10000 else 4
    first = weights[0] if len(weights) else 1.0
    if all(w == 1.0 for w in weights):
        kind, wb = _ONES, b""
    elif all(w == first for w in weights):
        kind, wb = _SAME, np.asarray([first], dtype=_F32).tobytes()
    else:
        kind, wb = _EACH, np.asarray(weights, dtype=_F32).tobytes()
    vb = pickle.dumps(values, 2)
    comp = level if len(vb) >= COMPRESS_MIN_BYTES else 0
    if comp:
        vb = zlib.compress(vb, comp)
    return b"".join((bytes((width, kind)), np.asarray(deltas, dtype=_ID_DTYPES[width]).tobytes(), wb, vb)), SPLIT | comp


def ids_weights(data, n: int) -> tuple[np.ndarray, np.ndarray | float]:
    """(id deltas as int64, weights: a float32 array or one float for all) of a block's data."""
    width, kind = data[0], data[1]
    end = 2 + n * width
    deltas = np.frombuffer(data, dtype=_ID_DTYPES[width], count=n, offset=2).astype(np.int64)
    if kind == _ONES:
        return deltas, 1.0
    if kind == _SAME:
        return deltas, float(np.frombuffer(data, dtype=_F32, count=1, offset=end)[0])
    return deltas, np.frombuffer(data, dtype=_F32, count=n, offset=end)


def values(data, n: int, comp: int):
    """The block's values (positions) as Whoosh pickled them."""
    width, kind = data[0], data[1]
    start = 2 + n * width + (0, 4, 4 * n)[kind]
    rest = bytes(data[start:])
    return pickle.loads(zlib.decompress(rest) if comp & ~SPLIT else rest)


def whoosh_data(data, n: int, comp: int) -> tuple:
    """The (ids, weights, values) tuple Whoosh's block reader expects, from our block data."""
    deltas, weights = ids_weights(data, n)
    if isinstance(weights, float):
        mini_weights = None if weights == 1.0 else weights
    else:
        mini_weights = tuple(weights.tolist())
    return tuple(deltas.tolist()), mini_weights, values(data, n, comp)
