"""The yardstick of index build speed: plain `jieba.lcut` (HMM on, as by default) over the same
files, on one core, dictionary loaded before the clock starts.

    .venv/bin/python -m bench.jieba_speed CORPUS_DIR [MB]  # prints {"bytes", "seconds", "mb_per_s", "files"}

MB, when given and not 0, times only the corpus's first MB megabytes (files in name order).
"""
from __future__ import annotations

import json
import logging
import shutil
import sys
import tempfile
import time
from pathlib import Path


def load_jieba():
    """jieba with its dictionary loaded, quietly; its cache in a folder of its own, removed after."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tmp = tempfile.mkdtemp(prefix="bench-jieba-")
    jieba.dt.tmp_dir = tmp  # not the shared /tmp cache file
    try:
        jieba.initialize()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)  # the cache is read once, above
    return jieba


def measure(corpus: Path, limit_bytes: int | None = None) -> dict:
    """Segment every file of the corpus (or the first `limit_bytes` of it) with jieba.lcut."""
    jieba = load_jieba()
    files = sorted(p for p in corpus.rglob("*") if p.is_file())
    total = 0
    seconds = 0.0
    tokens = 0
    for p in files:
        data = p.read_bytes()
        text = data.decode("utf-8")
        t0 = time.perf_counter()
        tokens += len(jieba.lcut(text))
        seconds += time.perf_counter() - t0
        total += len(data)
        if limit_bytes is not None and total >= limit_bytes:
            break
    return {"bytes": total, "seconds": round(seconds, 3), "mb_per_s": round(total / 1e6 / seconds, 3) if seconds else None,
            "files": len(files), "tokens": tokens}


if __name__ == "__main__":
    mb = float(sys.argv[2]) if len(sys.argv) > 2 else 0.0
    print(json.dumps(measure(Path(sys.argv[1]), int(mb * 1e6) or None)))
