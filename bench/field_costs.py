"""What each engine field and its stored positions cost: terms, postings, positions and bytes.

    .venv/bin/python -m bench.field_costs INDEX_DIR     # the published generation of a local index

Per field: terms, postings, positions, and the bytes of its term-table entries and of its postings
split into framing (per term tag, per block length, info tuple and data header), passage ids,
counts and positions. Postings of our ARRAYS blocks are walked block by block (other layouts are
counted as a whole). A field's terms are contiguous in a segment's term table and its postings
contiguous in the postings file, so the walk is one pass per segment.
"""
from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

from whoosh.codec.whoosh3 import W3TermInfo


def field_costs(folder: Path) -> dict:
    """Per field: terms, postings, positions and bytes by part."""
    from indexer.index.local import blocks
    from indexer.index.local.reader import EngineReader

    er = EngineReader(folder)
    out: dict = defaultdict(lambda: defaultdict(int))
    try:
        reader = er.searcher.reader()
        for leaf, _offset in reader.leaf_readers():
            terms = leaf._terms
            unmap = terms._fieldunmap
            postfile = terms._postfile
            for key, value in terms._tindex.items():
                field = unmap[int.from_bytes(key[:2], "big")]
                info = W3TermInfo.from_bytes(value)
                f = out[field]
                f["terms"] += 1
                f["postings"] += info.doc_frequency()
                f["term_table_bytes"] += len(key) + len(value) + 8 + 24  # record header, two hash slots
                start, length = info.extent()
                length = length[0] if isinstance(length, tuple) else length
                buf = postfile.get(start, length)
                f["framing_bytes"] += 4
                for data_at, data_len, n, comp in blocks.walk(buf).tolist():
                    if not comp & blocks.ARRAYS:
                        f["other_layout_bytes"] += data_len
                        continue
                    idw, cw, pw = buf[data_at], buf[data_at + 1], buf[data_at + 2]
                    ids, counts = (n - 1) * idw, n * cw
                    f["framing_bytes"] += 4 + blocks.INFO_BYTES + blocks.HEADER
                    f["id_bytes"] += ids
                    f["count_bytes"] += counts
                    f["position_bytes"] += data_len - blocks.HEADER - ids - counts
                    if pw:
                        f["positions"] += (data_len - blocks.HEADER - ids - counts) // pw
    finally:
        er.close()
    return {k: dict(v) for k, v in out.items()}


if __name__ == "__main__":
    folder = Path(sys.argv[1])
    folder = (folder / "current").resolve() if (folder / "current").exists() else folder
    print(json.dumps(field_costs(folder), indent=1))
