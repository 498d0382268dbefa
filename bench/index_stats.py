"""Where an index's bytes go: engine files vs the document store, and per engine field.

Whoosh keeps every field's terms in one `.trm` hash file and every field's postings in one `.pst`
file, so a field's share is measured by walking the term table: for each term, its key and term
info bytes, plus the extent of its postings in `.pst` (or its inlined postings). What the walk
does not attribute (hash table overhead, length columns, stored-field and column files, the TOC)
is reported as `other`.
"""
from __future__ import annotations

import struct
from collections import defaultdict
from pathlib import Path

STORE_FILES = (".sqlite", ".json")


def folder_sizes(folder: Path) -> dict:
    """Bytes of engine files and of the document store in one generation folder."""
    engine = store = 0
    for f in folder.iterdir():
        if not f.is_file():
            continue
        if f.suffix in STORE_FILES:
            store += f.stat().st_size
        elif not f.name.endswith(".lock"):
            engine += f.stat().st_size
    return {"engine_bytes": engine, "store_bytes": store, "total_bytes": engine + store}


def field_bytes(folder: Path) -> dict[str, int]:
    """Terms + postings bytes per engine field, summed over segments; the rest as "other"."""
    from whoosh import index as whoosh_index
    from whoosh.codec.whoosh3 import W3TermInfo

    from indexer.index.local.writer import INDEX_NAME

    ix = whoosh_index.open_dir(str(folder), indexname=INDEX_NAME)
    per_field: dict[str, int] = defaultdict(int)
    head = W3TermInfo._struct.size
    with ix.reader() as reader:
        leaves = [r for r, _offset in reader.leaf_readers()]
        for leaf in leaves:
            terms = leaf._terms
            unmap = terms._fieldunmap
            for key, val in terms._tindex.items():
                name = unmap[struct.unpack("!H", key[:2])[0]]
                size = len(key) + len(val)
                if not val[0]:  # postings in .pst: add their extent
                    size += struct.unpack("!I", val[head + 8 : head + 12])[0]
                per_field[name] += size
    total = folder_sizes(folder)["engine_bytes"]
    per_field["other"] = total - sum(per_field.values())
    return dict(per_field)
