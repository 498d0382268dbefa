"""A search process of its own, for the concurrency test: searches an index folder until told to stop.

    python -m tests.robustness.reader INDEX_DIR STOP_FILE OUT_FILE

Each search re-resolves the published generation through `IndexHandle`, as the web app does,
and writes one JSON line: the generation, what was asked, the total, the marker-year facet
counts and the ids of the hits; or the error, if one was raised.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from indexer.search.request import SearchRequest
from indexer.config import Settings
from indexer.search.handle import IndexHandle
from web.api_json import search_json

ASKS = [{"q": q, "per_page": 30} for q in ("", "alphamarker", "betamarker")]


def summary(result: dict) -> dict:
    """What the test checks of one response."""
    years = {it["value"]: it["count"] for it in result["facets"]["year"] if it["value"] in ("2001", "2002")}
    return {"generation": result["generation"], "total": result["total"], "years": years,
            "ids": [h["doc_id"] for h in result["hits"]]}


def main(index: str, stop: str, out: str) -> int:
    """Search in a loop until the stop file appears."""
    handle = IndexHandle(Settings.from_env(None, Path(index)))
    n = 0
    with open(out, "w", encoding="utf-8") as f:
        while not Path(stop).exists():
            ask = ASKS[n % len(ASKS)]
            n += 1
            try:
                line = {"ask": ask["q"], **summary(search_json(handle.get().search(SearchRequest(**ask)), None))}
            except Exception as e:  # the test fails on any of these
                line = {"ask": ask["q"], "error": f"{type(e).__name__}: {e}"}
            f.write(json.dumps(line, ensure_ascii=False) + "\n")
            time.sleep(0.02)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
