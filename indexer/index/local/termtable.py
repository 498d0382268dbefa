"""A segment's term table (`.trm`), written in one pass with numpy, in Whoosh's file layout.

Whoosh reads it with `OrderedHashReader` (whoosh.filedb.filetables, a CDB-like hash file):

    "HSH3", hash type (0: md5), two unused ints
    records, keys ascending: key length and value length ("!ii"), key, value
    256 hash tables of (hash "!I", record position "!q") slots, twice as many slots as keys
    a directory of the 256 tables (position "!q", slot count "!i")
    the pickled extras ({"fieldmap": ..., "indextype": ..., "indexlen": ...}), then the
    positions of the records in key order (an array of `indextype`), then the length of both

A key is the field number ("!H") and the term's UTF-8 bytes; a value is W3TermInfo's 35 bytes
("!BfIBBfII" statistics, then the postings' offset "!q" and length "!i"). Whoosh's own writer
builds this one key at a time (its hashing and linear probing in Python); here the probing is
done for all keys at once, in rounds.
"""
from __future__ import annotations

import pickle
from hashlib import md5

import numpy as np

_TERMINFO = np.dtype([
    ("flags", "u1"), ("weight", ">f4"), ("df", ">u4"), ("minlen", "u1"), ("maxlen", "u1"), ("maxweight", ">f4"),
    ("minid", ">u4"), ("maxid", ">u4"), ("offset", ">i8"), ("length", ">i4"),
])
_SLOT = np.dtype([("hash", ">u4"), ("pos", ">i8")])
_DIR = np.dtype([("pos", ">i8"), ("slots", ">i4")])
_HEADER = b"HSH3" + bytes([0]) + (0).to_bytes(4, "big") * 2


def terminfos(n: int) -> np.ndarray:
    """An empty array of `n` term infos to fill (W3TermInfo's layout)."""
    return np.zeros(n, dtype=_TERMINFO)


def _hashes(keys: bytes, off: np.ndarray) -> np.ndarray:
    """Whoosh's md5_hash of each key: the digest's last four bytes, big-endian."""
    bounds = off.tolist()
    digests = b"".join(md5(keys[a:b]).digest() for a, b in zip(bounds, bounds[1:]))
    return np.frombuffer(digests, dtype=np.uint8).reshape(-1, 16)[:, 12:].copy().view(">u4").ravel().astype(np.int64)


def _tables(h: np.ndarray, recpos: np.ndarray, start: int) -> tuple[bytes, np.ndarray]:
    """The 256 open-addressing tables (bucket = hash & 255, home slot = (hash >> 8) % slots, linear
    probing) and their directory. Keys are placed in rounds: each unplaced key tries its current
    slot; a free slot goes to the first key (in key order) trying it, the others move on. A key only
    passes occupied slots, so a reader probing from its home slot reaches it before any empty one."""
    bucket = h & 255
    counts = np.bincount(bucket, minlength=256)
    slots = 2 * counts
    tstart = np.zeros(257, dtype=np.int64)
    np.cumsum(slots, out=tstart[1:])
    table = np.zeros(int(tstart[-1]), dtype=_SLOT)
    taken = np.zeros(int(tstart[-1]), dtype=bool)
    n = slots[bucket]
    probe = (h >> 8) % np.maximum(n, 1)
    todo = np.arange(len(h))
    while len(todo):
        where = tstart[bucket[todo]] + probe[todo]
        free = np.flatnonzero(~taken[where])
        order = np.argsort(where[free], kind="stable")  # the first key trying each free slot wins
        w = where[free][order]
        won = free[order[np.concatenate(([True], w[1:] != w[:-1]))]] if len(w) else free
        table["hash"][where[won]] = h[todo[won]]
        table["pos"][where[won]] = recpos[todo[won]]
        taken[where[won]] = True
        lost = np.ones(len(todo), dtype=bool)
        lost[won] = False
        todo = todo[lost]
        probe[todo] = (probe[todo] + 1) % n[todo]
    directory = np.zeros(256, dtype=_DIR)
    directory["pos"] = start + tstart[:-1] * _SLOT.itemsize
    directory["slots"] = slots
    return table.tobytes(), directory


def _records(keys: bytes, off: np.ndarray, infos: np.ndarray) -> bytes:
    """The records of keys off[0]..off[-1] (lengths, key, term info), one after another."""
    n = len(off) - 1
    klen = np.diff(off)
    vlen = _TERMINFO.itemsize
    reclen = 8 + klen + vlen
    rel = np.cumsum(reclen) - reclen
    buf = np.zeros(int(reclen.sum()), dtype=np.uint8)
    lengths = np.zeros(n, dtype=[("k", ">i4"), ("v", ">i4")])
    lengths["k"], lengths["v"] = klen, vlen
    buf[rel[:, None] + np.arange(8)] = lengths.view(np.uint8).reshape(n, 8)
    kb = np.frombuffer(keys, dtype=np.uint8, count=int(off[-1] - off[0]), offset=int(off[0]))
    buf[np.repeat(rel + 8 - (off[:-1] - off[0]), klen) + np.arange(len(kb))] = kb
    buf[(rel + 8 + klen)[:, None] + np.arange(vlen)] = infos.view(np.uint8).reshape(n, vlen)
    return buf.tobytes()


CHUNK = 1 << 17  # keys per batch of records (bounds the index arrays of the scatter)


def write(path, fieldmap: dict[str, int], keys: bytes, off: np.ndarray, infos: np.ndarray) -> None:
    """Write the term table of ascending `keys` (one bytes object, key i = keys[off[i]:off[i+1]])."""
    n = len(off) - 1
    infos = infos.astype(_TERMINFO, copy=False)  # np.concatenate gives structured arrays native byte order
    reclen = 8 + np.diff(off) + _TERMINFO.itemsize
    recpos = len(_HEADER) + np.cumsum(reclen) - reclen
    end = int(len(_HEADER) + reclen.sum())
    top = int(recpos.max()) if n else 0
    code = "H" if top < 2**16 else "i" if top < 2**31 else "I" if top < 2**32 else "q"
    extras = pickle.dumps({"fieldmap": fieldmap, "indextype": code, "indexlen": n}, pickle.HIGHEST_PROTOCOL)
    index = recpos.astype(">" + {"H": "u2", "i": "i4", "I": "u4", "q": "i8"}[code]).tobytes()
    with open(path, "wb") as f:
        f.write(_HEADER)
        for a in range(0, n, CHUNK):
            b = min(n, a + CHUNK)
            f.write(_records(keys, off[a:b + 1], infos[a:b]))
        table, directory = _tables(_hashes(keys, off), recpos, end)
        f.write(table)
        f.write(directory.tobytes())
        f.write(extras)
        f.write(index)
        f.write((len(extras) + len(index)).to_bytes(4, "big", signed=True))
