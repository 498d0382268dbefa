"""Concurrency: searches in other processes while rebuilds are published never fail and never mix versions.

The corpus switches between versions A and B (see `corpora.py`) and is rebuilt by
`python -m indexer build` again and again. Meanwhile HTTP clients search the app served by
waitress, and a separate process searches the index folder directly. Each response must come
wholly from one version: its total, its marker-year facet count and its hits must agree, and a
generation must always answer as the same version.
"""
from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import urllib.parse

from indexer.config import PROJECT_ROOT

from . import corpora, figures, procs

ASKS = ["", "alphamarker", "betamarker"]
PER_PAGE = 30


def check(r: dict, a: corpora.CorpusState, b: corpora.CorpusState, versions: dict, lock: threading.Lock) -> str | None:
    """None when a response summary is wholly from one version; else what is wrong with it."""
    if "error" in r:
        return r["error"]
    ask, total, ids, years = r["ask"], r["total"], r["ids"], r["years"]
    if ask == "":
        state = {len(a.files): a, len(b.files): b}.get(total)
        if state is None:
            return f"browse total {total} is neither version's"
        if not set(ids) <= state.doc_ids:
            return f"browse of version {state.name} shows documents of the other version"
    else:
        marked = a if ask == a.marker else b
        if total == len(marked.marked):
            state = marked
            if not set(ids) <= marked.marked:
                return f"{ask}: hits that do not carry the marker"
        elif total == 0 and not ids:
            state = b if marked is a else a
        else:
            return f"{ask}: total {total} is neither version's"
    other = b if state is a else a
    if len(ids) != min(PER_PAGE, total):
        return f"{len(ids)} hits for a total of {total}"
    want = len(state.marked) if ask in ("", state.marker) else 0
    if years.get(str(state.marker_year), 0) != want or years.get(str(other.marker_year), 0):
        return f"year facet {years} disagrees with version {state.name} (total {total})"
    with lock:
        seen = versions.setdefault(r["generation"], state.name)
    if seen != state.name:
        return f"{r['generation']} answered as version {seen} and as version {state.name}"
    return None


def _summary(body: dict, ask: str) -> dict:
    years = {it["value"]: it["count"] for it in body["facets"]["year"] if it["value"] in ("2001", "2002")}
    return {"ask": ask, "generation": body["generation"], "total": body["total"], "years": years,
            "ids": [h["doc_id"] for h in body["hits"]]}


def test_searches_during_rebuilds_never_fail_nor_mix_versions(tmp_path):
    a, b = corpora.two_states()
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpora.apply_state(corpus, a)
    first = procs.run_build(corpus, index)
    assert first.returncode == 0, first.stderr

    versions: dict[str, str] = {}
    lock = threading.Lock()
    problems: list[str] = []
    counts = {"http": 0, "html": 0, "direct": 0}
    stop = threading.Event()

    with procs.served(index, corpus, threads=4) as (host, port, _server):
        def client(k: int) -> None:
            n = k
            while not stop.is_set():
                ask = ASKS[n % 3]
                n += 1
                try:
                    if n % 7 == 0:  # the HTML page as well: never an error while a generation is switched
                        status, _h, _body = procs.get(host, port, "/search?q=" + urllib.parse.quote(ask or "海关"))
                        with lock:
                            counts["html"] += 1
                        if status != 200:
                            problems.append(f"/search: {status}")
                        continue
                    status, _h, body = procs.get(host, port, f"/api/search?per_page={PER_PAGE}&q={ask}")
                    err = f"HTTP {status}" if status != 200 else check(_summary(json.loads(body), ask), a, b, versions, lock)
                except Exception as e:
                    err = f"{type(e).__name__}: {e}"
                with lock:
                    counts["http"] += 1
                if err:
                    problems.append(err)
                time.sleep(0.02)  # leave the build its share of the two cores

        stop_file, out_file = tmp_path / "stop", tmp_path / "reader.jsonl"
        reader = subprocess.Popen([sys.executable, "-m", "tests.robustness.reader", str(index), str(stop_file),
                                   str(out_file)], cwd=PROJECT_ROOT, env=procs.env(), start_new_session=True)
        threads = [threading.Thread(target=client, args=(k,), daemon=True) for k in range(2)]
        for t in threads:
            t.start()
        published = []
        try:
            state = a
            for n in range(figures.size("REBUILDS")):
                state = b if state is a else a
                corpora.apply_state(corpus, state)
                p = procs.run_build(corpus, index, "--json", *(["--rebuild"] if n % 3 == 2 else []))
                assert p.returncode == 0, p.stderr
                published.append(procs.parse_report(p.stdout)["generation"])
                time.sleep(0.3)  # searches on the new generation before the next switch
        finally:
            stop.set()
            stop_file.touch()
            for t in threads:
                t.join(timeout=60)
            reader.wait(timeout=60)
            procs.kill_group(reader.pid)

    for line in out_file.read_text(encoding="utf-8").splitlines():
        counts["direct"] += 1
        err = check(json.loads(line), a, b, versions, lock)
        if err:
            problems.append(f"direct: {err}")
    assert not problems, f"{len(problems)} bad responses, first ones: {problems[:5]}"
    assert len(set(published)) == len(published)  # every rebuild published a generation of its own
    seen_published = [g for g in published if g in versions]
    assert len(seen_published) >= len(published) - 1, "searches did not run across the publications"
    figures.record("concurrency", rebuilds_published=len(published), searches_during_rebuilds=sum(counts.values()),
                   by_client=counts, generations_seen=len(versions), bad_responses=len(problems))
