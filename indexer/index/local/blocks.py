"""The data of posting blocks in our engine files: documents, counts and positions as little arrays.

A term's postings are Whoosh's framing (a "W3Bl" tag, then blocks of up to 128 postings, each a
length, a pickled info tuple and its data). Whoosh's W3 codec stores a block's data as one pickled,
zlib-compressed tuple of ids, weights and per-posting position values: reading which passages
hold a term unpickles every position, and writing it costs Python work per posting. Segments
written by indexer.index.local.segments use the ARRAYS layout, encoded for many blocks at once
with numpy (`encode_terms`):

    1 byte     width of the id deltas after the first (1, 2 or 4 bytes)
    1 byte     counts: 0 every posting holds the term once, else the width of one count per posting
    1 byte     width of the position deltas (0: the field stores no positions)
    4 bytes    the block's first id
    (n-1)×w    id deltas
    n×w        counts (how often the term occurs in each passage; weight = count × field boost)
    Σcounts×w  positions, per posting delta-coded from 0

all little-endian, ARRAYS set in the info tuple's compression byte. Blocks written before (our
SPLIT layout: id deltas and weights, then pickled positions; or Whoosh's own tuple) still read.
"""
from __future__ import annotations

import io
import pickle
import zlib

import numpy as np

SPLIT = 64  # compression-byte flag of the layout written before ARRAYS (low bits: zlib level of positions)
COMPRESS_MIN_BYTES = 256  # smaller SPLIT position data is stored as it is
ARRAYS = 128  # compression-byte flag of this layout
BLOCK = 128  # postings per block, as Whoosh's W3 codec
MAGIC = b"W3Bl"  # Whoosh's tag at the start of every term's postings

_ID_DTYPES = {1: np.dtype("<u1"), 2: np.dtype("<u2"), 4: np.dtype("<u4")}
_ONES, _SAME, _EACH = 0, 1, 2
_F32 = np.dtype("<f4")

# The fixed part of a block: its signed length (negative for a term's last block), the info tuple
# (count, last id, max weight, compression byte, min and max length bytes) pickled with fixed-size
# opcodes (any pickle reader loads it), and our data header.
_RECORD = np.dtype([
    ("length", ">i4"), ("proto", "u1", 4), ("n", "u1"), ("J", "u1"), ("maxid", "<i4"), ("G", "u1"),
    ("maxweight", ">f8"), ("K1", "u1"), ("comp", "u1"), ("K2", "u1"), ("minlen", "u1"), ("K3", "u1"),
    ("maxlen", "u1"), ("end", "u1", 2), ("idw", "u1"), ("cw", "u1"), ("pw", "u1"), ("first", "<u4"),
])
INFO_BYTES = 27  # the pickled info tuple
HEADER = 7  # our data header: three widths and the first id
_FIXED = _RECORD.itemsize  # 4 + INFO_BYTES + HEADER


def _width(top: np.ndarray) -> np.ndarray:
    """Bytes needed for values up to `top` (1, 2 or 4)."""
    return np.where(top < 0x100, 1, np.where(top < 0x10000, 2, 4)).astype(np.int64)


def _scatter(buf: np.ndarray, dest: np.ndarray, values: np.ndarray, widths: np.ndarray) -> None:
    """Write each value little-endian in its width (1, 2 or 4 bytes) at its destination."""
    for w in (1, 2, 4):
        m = widths == w
        if not m.any():
            continue
        v = values[m].astype("<u4")
        if w == 1:
            buf[dest[m]] = v.astype(np.uint8)
        else:
            buf[dest[m][:, None] + np.arange(w)] = v.view(np.uint8).reshape(-1, 4)[:, :w]


def encode_terms(df: np.ndarray, doc: np.ndarray, count: np.ndarray, pos: np.ndarray | None, boost: float,
                 lbyte: np.ndarray) -> tuple[np.ndarray, dict]:
    """The postings of consecutive terms of one field, as the bytes of their extents one after another.

    `df`: postings per term; `doc`, `count`: per posting (docnums ascending within a term); `pos`:
    every posting's positions, ascending, or None for a field without positions; `lbyte`: each
    document's length byte in this field (0: none). Returns the bytes and, per term, its extent's
    offset in them and length, and what Whoosh's term info holds (weight, min/max length byte,
    max weight, first and last id)."""
    T = len(df)
    tstart = np.zeros(T + 1, dtype=np.int64)
    np.cumsum(df, out=tstart[1:])
    nb = (df + BLOCK - 1) // BLOCK  # blocks per term
    first_block = np.cumsum(nb) - nb
    bterm = np.repeat(np.arange(T), nb)
    k = np.arange(len(bterm)) - np.repeat(first_block, nb)
    bs = tstart[bterm] + BLOCK * k
    be = np.minimum(bs + BLOCK, tstart[bterm + 1])
    bn = be - bs
    B = len(bs)
    pblock = np.repeat(np.arange(B), bn)
    doc = doc.astype(np.int64, copy=False)
    count = count.astype(np.int64, copy=False)

    delta = np.zeros(len(doc), dtype=np.int64)
    delta[1:] = doc[1:] - doc[:-1]
    delta[bs] = 0
    idw = _width(np.maximum.reduceat(delta, bs)) if B else np.zeros(0, np.int64)
    maxcount = np.maximum.reduceat(count, bs) if B else np.zeros(0, np.int64)
    cw = np.where(maxcount == 1, 0, _width(maxcount))
    if pos is not None:
        pstart = np.zeros(len(count) + 1, dtype=np.int64)
        np.cumsum(count, out=pstart[1:])
        pdelta = np.empty(len(pos), dtype=np.int64)
        pdelta[1:] = pos[1:] - pos[:-1]
        pdelta[pstart[:-1]] = pos[pstart[:-1]]  # each posting's positions from 0
        bps = pstart[bs]
        pw = _width(np.maximum.reduceat(pdelta, bps)) if B else np.zeros(0, np.int64)
        npos = pstart[be] - bps
    else:
        pw = np.zeros(B, dtype=np.int64)
        npos = np.zeros(B, dtype=np.int64)
    datalen = HEADER + (bn - 1) * idw + bn * cw + npos * pw
    reclen = 4 + INFO_BYTES + datalen

    ext = 4 + np.add.reduceat(reclen, first_block) if T else np.zeros(0, np.int64)
    toff = np.zeros(T + 1, dtype=np.int64)
    np.cumsum(ext, out=toff[1:])
    cum = np.cumsum(reclen) - reclen
    boff = toff[bterm] + 4 + cum - cum[first_block][bterm]
    buf = np.zeros(int(toff[-1]), dtype=np.uint8)
    buf[toff[:-1, None] + np.arange(4)] = np.frombuffer(MAGIC, dtype=np.uint8)

    lb = lbyte[doc].astype(np.int64) if len(doc) else np.zeros(0, np.int64)
    bmin = np.minimum.reduceat(np.where(lb == 0, 256, lb), bs) if B else np.zeros(0, np.int64)
    bmax = np.maximum.reduceat(lb, bs) if B else np.zeros(0, np.int64)
    weight32 = (maxcount * boost).astype(np.float32)
    rec = np.zeros(B, dtype=_RECORD)
    last = np.zeros(B, dtype=bool)
    last[np.cumsum(nb) - 1] = True
    rec["length"] = np.where(last, -1, 1) * (INFO_BYTES + datalen)
    rec["proto"] = (0x80, 2, ord("("), ord("K"))
    rec["n"], rec["J"], rec["maxid"], rec["G"] = bn, ord("J"), doc[be - 1], ord("G")
    rec["maxweight"] = weight32.astype(np.float64)
    rec["K1"], rec["comp"], rec["K2"] = ord("K"), ARRAYS, ord("K")
    rec["minlen"], rec["K3"], rec["maxlen"] = np.where(bmin == 256, 0, bmin), ord("K"), bmax
    rec["end"] = (ord("t"), ord("."))
    rec["idw"], rec["cw"], rec["pw"], rec["first"] = idw, cw, pw, doc[bs]
    buf[boff[:, None] + np.arange(_FIXED)] = rec.view(np.uint8).reshape(B, _FIXED)

    data = boff + _FIXED  # where each block's arrays start
    inblock = np.arange(len(doc)) - bs[pblock]
    rest = inblock > 0
    _scatter(buf, data[pblock[rest]] + (inblock[rest] - 1) * idw[pblock[rest]], delta[rest], idw[pblock[rest]])
    counted = cw[pblock] > 0
    cdest = data + (bn - 1) * idw
    _scatter(buf, cdest[pblock[counted]] + inblock[counted] * cw[pblock[counted]], count[counted],
             cw[pblock[counted]])
    if pos is not None and len(pos):
        pb = np.repeat(pblock, count)  # block of every position
        pdest = cdest + bn * cw
        _scatter(buf, pdest[pb] + (np.arange(len(pos)) - bps[pb]) * pw[pb], pdelta, pw[pb])

    info = {
        "offset": toff[:-1], "length": ext,
        "weight": np.add.reduceat(count, tstart[:-1]) * boost if T else np.zeros(0),
        "minlen": np.where((m := np.minimum.reduceat(bmin, first_block) if T else bmin) == 256, 0, m),
        "maxlen": np.maximum.reduceat(bmax, first_block) if T else bmax,
        "maxweight": np.maximum.reduceat(weight32, first_block) if T else weight32,
        "minid": doc[tstart[:-1]], "maxid": doc[tstart[1:] - 1],
    }
    return buf, info


def encode_split(deltas, weights, values, level: int) -> tuple[bytes, int]:
    """(block data, compression byte) in the SPLIT layout, for Whoosh's own writer (which merges small
    segments a posting at a time): id deltas and weights, then the values pickled as Whoosh does."""
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


# -- reading -----------------------------------------------------------------------------------
def arrays_ids_counts(data, n: int) -> tuple[np.ndarray, np.ndarray | None]:
    """(ids as int64, counts or None when every count is 1) of an ARRAYS block's data."""
    idw, cw = data[0], data[1]
    first = int.from_bytes(data[3:7], "little")
    ids = np.empty(n, dtype=np.int64)
    ids[0] = 0
    at = HEADER
    if n > 1:
        ids[1:] = np.frombuffer(data, dtype=_ID_DTYPES[idw], count=n - 1, offset=at)
        at += (n - 1) * idw
    np.cumsum(ids, out=ids)
    ids += first
    if not cw:
        return ids, None
    return ids, np.frombuffer(data, dtype=_ID_DTYPES[cw], count=n, offset=at).astype(np.int64)


def arrays_positions(data, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(each posting's first index in the flat positions, n+1 of them; the flat positions) of an
    ARRAYS block."""
    idw, cw, pw = data[0], data[1], data[2]
    _ids, counts = arrays_ids_counts(data, n)
    starts = np.zeros(n + 1, dtype=np.int64)
    if not pw:
        return starts, np.zeros(0, dtype=np.int64)
    if counts is None:
        starts[1:] = np.arange(1, n + 1)
    else:
        np.cumsum(counts, out=starts[1:])
    at = HEADER + (n - 1) * idw + (n * cw if cw else 0)
    deltas = np.frombuffer(data, dtype=_ID_DTYPES[pw], count=int(starts[-1]), offset=at).astype(np.int64)
    if counts is None:  # one position per posting, coded from 0
        return starts, deltas
    flat = np.cumsum(deltas)
    flat -= np.repeat(flat[starts[:-1]] - deltas[starts[:-1]], counts)  # each posting's running sum from 0
    return starts, flat


_INFO_AT = {0: 0x80, 1: 2, 2: ord("("), 3: ord("K"), 5: ord("J"), 10: ord("G"), 19: ord("K")}


def walk(buf: bytes) -> np.ndarray:
    """The blocks of one term's extent (after its "W3Bl" tag), as rows of (data offset, data length,
    postings, compression byte): our fixed-size info tuples read in place, others unpickled."""
    rows = []
    pos, end = 4, len(buf)
    while pos < end:
        size = int.from_bytes(buf[pos:pos + 4], "big", signed=True)
        info = pos + 4
        if all(buf[info + k] == v for k, v in _INFO_AT.items()) and buf[info + 20] & ARRAYS:
            n, comp, data = buf[info + 4], buf[info + 20], info + INFO_BYTES
        else:
            stream = io.BytesIO(buf)
            stream.seek(info)
            n, _maxid, _maxweight, comp = pickle.load(stream)[:4]
            data = stream.tell()
        rows.append((data, pos + 4 + abs(size) - data, n, comp))
        if size < 0:  # the last block
            break
        pos += 4 + abs(size)
    return np.array(rows, dtype=np.int64).reshape(-1, 4)


def _ints(buf: np.ndarray, at: np.ndarray, width: np.ndarray) -> np.ndarray:
    """Little-endian unsigned integers of 1, 2 or 4 bytes (`width`, per value) at offsets `at` of `buf`."""
    out = np.zeros(len(at), dtype=np.int64)
    for w in (1, 2, 4):
        m = width == w
        if not m.any():
            continue
        a = at[m] if not m.all() else at
        v = buf[a].astype(np.int64)
        for k in range(1, w):
            v |= buf[a + k].astype(np.int64) << (8 * k)
        if m.all():
            return v
        out[m] = v
    return out


def decode_arrays(buf: np.ndarray, off: np.ndarray, n: np.ndarray, with_positions: bool) -> tuple:
    """Many ARRAYS blocks of one buffer at once (their data at offsets `off`, `n` postings each):
    (ids, counts, and with positions each posting's first index in the flat positions and the flat
    positions; else None, None), every posting of every block, in order."""
    off = off.astype(np.int64)
    n = n.astype(np.int64)
    idw, cw, pw = (buf[off + k].astype(np.int64) for k in range(3))
    first = _ints(buf, off + 3, np.full(len(off), 4))
    pb = np.repeat(np.arange(len(off)), n)  # block of each posting
    bstart = np.cumsum(n) - n
    j = np.arange(len(pb)) - bstart[pb]  # index in its block
    deltas = np.zeros(len(pb), dtype=np.int64)
    later = j > 0
    deltas[later] = _ints(buf, (off + HEADER)[pb[later]] + (j[later] - 1) * idw[pb[later]], idw[pb[later]])
    run = np.cumsum(deltas)
    ids = first[pb] + run - run[bstart][pb]
    counts = np.ones(len(pb), dtype=np.int64)
    counted = cw[pb] > 0
    cstart = off + HEADER + (n - 1) * idw
    counts[counted] = _ints(buf, cstart[pb[counted]] + j[counted] * cw[pb[counted]], cw[pb[counted]])
    if not with_positions:
        return ids, counts, None, None
    counts = np.where(pw[pb] > 0, counts, 0)
    starts = np.zeros(len(pb) + 1, dtype=np.int64)
    np.cumsum(counts, out=starts[1:])
    qb = np.repeat(pb, counts)  # block of each position
    per_block = np.bincount(pb, weights=counts, minlength=len(off)).astype(np.int64)
    qstart = np.cumsum(per_block) - per_block
    k = np.arange(len(qb)) - qstart[qb]  # index of the position in its block
    pdeltas = _ints(buf, (cstart + n * cw)[qb] + k * pw[qb], pw[qb])
    flat = np.cumsum(pdeltas)
    if len(flat):  # each posting's positions are coded from 0
        flat -= np.repeat(flat[starts[:-1]] - pdeltas[starts[:-1]], counts)
    return ids, counts, starts, flat


def split_ids_weights(data, n: int) -> tuple[np.ndarray, np.ndarray | float]:
    """(id deltas as int64, weights: a float32 array or one float for all) of a SPLIT block's data."""
    width, kind = data[0], data[1]
    end = 2 + n * width
    deltas = np.frombuffer(data, dtype=_ID_DTYPES[width], count=n, offset=2).astype(np.int64)
    if kind == _ONES:
        return deltas, 1.0
    if kind == _SAME:
        return deltas, float(np.frombuffer(data, dtype=_F32, count=1, offset=end)[0])
    return deltas, np.frombuffer(data, dtype=_F32, count=n, offset=end)


def split_values(data, n: int, comp: int):
    """A SPLIT block's values (positions) as Whoosh pickled them."""
    width, kind = data[0], data[1]
    start = 2 + n * width + (0, 4, 4 * n)[kind]
    rest = bytes(data[start:])
    return pickle.loads(zlib.decompress(rest) if comp & ~SPLIT else rest)


def whoosh_block(data, comp: int) -> tuple:
    """(ids, weights, values) of a block in Whoosh's own layout (one pickled tuple)."""
    return pickle.loads(zlib.decompress(data) if comp else bytes(data))


def ids_weights(data, n: int, comp: int, boost: float) -> tuple[np.ndarray, np.ndarray]:
    """A block's ids (absolute within its segment) and float32 weights, in any layout."""
    if comp & ARRAYS:
        ids, counts = arrays_ids_counts(data, n)
        weights = np.full(n, boost, dtype=np.float32) if counts is None else (counts * boost).astype(np.float32)
        return ids, weights
    if comp & SPLIT:
        deltas, w = split_ids_weights(data, n)
    else:
        raw, w, _values = whoosh_block(data, comp)
        deltas, w = np.array(raw, dtype=np.int64), 1.0 if w is None else w
    weights = np.full(n, w, dtype=np.float32) if isinstance(w, float) else np.asarray(w, dtype=np.float32)
    return np.cumsum(deltas), weights


def positions(data, n: int, comp: int, decode) -> tuple[np.ndarray, np.ndarray]:
    """(each posting's first index in the flat positions, n+1 of them; the flat positions) of a block
    of any layout (`decode`: the field format's value decoder, for the layouts written before)."""
    if comp & ARRAYS:
        return arrays_positions(data, n)
    values = split_values(data, n, comp) if comp & SPLIT else whoosh_block(data, comp)[2]
    lists = [decode(v) for v in values]
    starts = np.zeros(n + 1, dtype=np.int64)
    np.cumsum([len(x) for x in lists], out=starts[1:])
    return starts, np.fromiter((p for x in lists for p in x), dtype=np.int64, count=int(starts[-1]))


def split_lists(starts: np.ndarray, flat: np.ndarray) -> list[list[int]]:
    """Flat positions as one list per posting."""
    values, cuts = flat.tolist(), starts.tolist()
    return [values[a:b] for a, b in zip(cuts, cuts[1:])]


def whoosh_data(data, n: int, comp: int, fmt) -> tuple:
    """The (id deltas, weights, values) tuple Whoosh's block reader expects, from one of our blocks
    (`fmt`: the field's format, which encodes the values and knows the field boost)."""
    if comp & ARRAYS:
        ids, counts = arrays_ids_counts(data, n)
        deltas = np.diff(ids, prepend=0)
        boost = fmt.field_boost
        if counts is None:
            weights = None if boost == 1.0 else float(np.float32(boost))
        else:
            weights = tuple((counts * boost).astype(np.float32).tolist())
        if data[2]:
            values = tuple(fmt.encode(p) for p in split_lists(*arrays_positions(data, n)))
        else:
            values = None
        return tuple(deltas.tolist()), weights, values
    deltas, weights = split_ids_weights(data, n)
    if isinstance(weights, float):
        mini_weights = None if weights == 1.0 else weights
    else:
        mini_weights = tuple(weights.tolist())
    return tuple(deltas.tolist()), mini_weights, split_values(data, n, comp)
