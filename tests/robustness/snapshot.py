"""What a published index answers, in a form two builds can be compared by.

A snapshot holds, for a fixed set of searches, the total, every matching document id and the
facet counts; a digest of every document's stored fields and passages; and the passage counts
of the engine and of the store, which must agree (a half-published index would not).
"""
from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from indexer.index.local import publish
from indexer.index.local.backend import LocalBackend
from indexer.search.request import SearchRequest
from indexer.search.service import SearchService

SEARCHES = [  # cheap ones: a snapshot is taken twice per crash trial
    {}, {"q": "alphamarker"}, {"q": "betamarker", "sort": "date"}, {"q": '"single window"'}, {"q": "知识产权"},
    {"q": "kaz*"}, {"years": [2001]}, {"partners": ["KAZ"]}, {"topics": ["aeo"], "lang": "zh"}, {"q": "海关 -蒙古"},
]


def _all_hits(ix: SearchService, params: dict) -> tuple[int, list[str], dict]:
    ids: list[str] = []
    page = 1
    while True:
        r = ix.search(SearchRequest(**params, per_page=100, page=page))
        ids += [h.doc.doc_id for h in r.hits]
        if page == 1:
            facets = {name: {it.value: it.count for it in items} for name, items in r.facets.items()}
        if page * 100 >= r.total:
            return r.total, sorted(ids), facets
        page += 1


def of_folder(folder: Path) -> dict:
    """The snapshot of one generation folder."""
    backend = LocalBackend(folder)
    ix = SearchService(backend)
    try:
        out: dict = {"documents": len(backend.documents()), "engine_passages": backend.doc_count()}
        out["store_passages"] = backend.store.db.execute("SELECT count(*) FROM passages").fetchone()[0]
        h = hashlib.sha256()
        rows = backend.store.db.execute(
            "SELECT d.doc_id, d.title, d.date, d.lang, d.partners, d.topics, d.years, p.n, p.page, p.text, p.years,"
            " p.partners, p.topics FROM docs d JOIN passages p ON p.doc_ord = d.ord ORDER BY d.doc_id, p.n")
        for row in rows:
            h.update(repr(tuple(row)).encode())
        out["content"] = h.hexdigest()
        for params in SEARCHES:
            out[repr(sorted(params.items()))] = _all_hits(ix, params)
        return out
    finally:
        ix.close()


def of_index(index_dir: Path) -> dict:
    """The snapshot of what `current` points to."""
    folder = publish.current_generation(index_dir)
    assert folder is not None, "nothing is published"
    return of_folder(folder)


def differences(a: dict, b: dict) -> list[str]:
    """Keys whose values differ, for a readable failure."""
    return [k for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]


def phase_of(index_dir: Path, before: str) -> str:
    """Where a build was when it was stopped, judged from what it left in the index folder."""
    live = publish.current_generation(index_dir)
    if live is not None and live.name != before:
        return "after publication (current switched)"
    names = os.listdir(index_dir)
    if any(re.fullmatch(r"gen-\d{6}", n) and n > before for n in names):
        return "publishing (renamed, not yet switched)"
    staging = [index_dir / n for n in names if re.fullmatch(r"gen-\d{6}\.tmp-\d+", n)]
    if not staging:
        return "start-up, lock, scan or hashing"
    written = []  # engine files with data that are not hard links to the previous generation
    for f in staging[0].iterdir():
        try:
            st = f.lstat()
        except OSError:
            continue
        if f.name.startswith("MAIN_") and f.is_file() and st.st_size > 0 and st.st_nlink == 1:
            written.append(f.name)
    if written:
        return "engine commit, store commit or fsync"
    if (staging[0] / "docs.sqlite-journal").exists():
        return "extracting and indexing"
    return "preparing the staging folder"
