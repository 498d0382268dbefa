"""Load: 16 concurrent clients against `python app.py` (waitress on 127.0.0.1) for a bounded time, zero errors.

The clients are threads of this process, each with a keep-alive connection, asking what readers
ask: searches in both languages with filters, sorting and paging, the search page, document
pages and the JSON document, the health check. Latency percentiles are reported, not asserted:
the machine is shared, and speed is measured in `bench/`.
"""
from __future__ import annotations

import http.client
import random
import threading
import time
from urllib.parse import quote, urlencode

from . import figures, procs

CLIENTS = 16
DOCS = ["carec-ccc4-statement-2005.txt", "china-asean-customs-cooperation-briefing.txt",
        "china-customs-international-cooperation-news-2018.txt", "customs-gazetteer-international-cooperation-ocr.txt"]
QUERIES = ["知识产权", "哈萨克斯坦", "rules of origin", '"capacity building"', "海关 -蒙古", "kaz*", "世界海关组织",
           "AEO", "单一窗口", "symposium", "乌兰巴托", ""]


def _paths(rng: random.Random):
    while True:
        kind = rng.random()
        q = rng.choice(QUERIES)
        if kind < 0.55:
            params = {"q": q, "page": rng.choice([1, 1, 1, 2]), "sort": rng.choice(["relevance", "date"])}
            if rng.random() < 0.3:
                params["partner"] = rng.choice(["KAZ", "WCO", "ASEAN", "MNG"])
            if rng.random() < 0.2:
                params["year_from"], params["year_to"] = 2000, 2010
            yield "/api/search?" + urlencode(params)
        elif kind < 0.75:
            # a browse link carries no empty q (an empty form field is redirected to the clean URL)
            yield "/search?" + urlencode({**({"q": q} if q else {}), "ui": rng.choice(["zh", "en"])})
        elif kind < 0.88:
            yield f"/doc/{quote(rng.choice(DOCS))}?" + urlencode({"q": q})
        elif kind < 0.97:
            yield f"/api/doc/{quote(rng.choice(DOCS))}"
        else:
            yield "/healthz"


def test_sixteen_clients_get_no_errors(sample_settings, sample_index):
    seconds = figures.size("LOAD_SECONDS")
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    with procs.served(sample_settings.index_dir, sample_settings.corpus_dir) as (host, port, server):
        # the first search loads the expansion tables: timed on its own, not in the percentiles
        t0 = time.perf_counter()
        status, _h, _b = procs.get(host, port, "/search?q=" + quote("知识产权"))
        first_ms = round(1000 * (time.perf_counter() - t0), 1)
        assert status == 200
        start = threading.Barrier(CLIENTS + 1)
        deadline_box = []

        def client(k: int) -> None:
            rng = random.Random(k)
            paths = _paths(rng)
            conn = http.client.HTTPConnection(host, port, timeout=60)
            mine: list[float] = []
            start.wait()
            while time.monotonic() < deadline_box[0]:
                path = next(paths)
                t0 = time.perf_counter()
                try:
                    conn.request("GET", path)
                    r = conn.getresponse()
                    body = r.read()
                    if r.status != 200 or b"Traceback" in body:
                        with lock:
                            errors.append(f"{r.status} {path}")
                except (OSError, http.client.HTTPException) as e:
                    with lock:
                        errors.append(f"{type(e).__name__} {path}")
                    conn.close()
                    conn = http.client.HTTPConnection(host, port, timeout=60)
                    continue
                mine.append(time.perf_counter() - t0)
            conn.close()
            with lock:
                latencies.extend(mine)

        threads = [threading.Thread(target=client, args=(k,)) for k in range(CLIENTS)]
        for t in threads:
            t.start()
        deadline_box.append(time.monotonic() + seconds)
        began = time.monotonic()
        start.wait()
        for t in threads:
            t.join(timeout=seconds + 120)
        elapsed = time.monotonic() - began
        assert server.poll() is None, "the server died under load"
        status, _h, _b = procs.get(host, port, "/healthz")
        assert status == 200

    latencies.sort()
    ms = {f"p{p}": round(1000 * figures.percentile(latencies, p), 1) for p in (50, 95, 99)}
    figures.record("load", clients=CLIENTS, seconds=round(elapsed, 1), requests=len(latencies) + len(errors),
                   errors=len(errors), requests_per_s=round(len(latencies) / elapsed, 1), latency_ms=ms,
                   max_ms=round(1000 * latencies[-1], 1) if latencies else None, first_request_ms=first_ms)
    assert not errors, f"{len(errors)} errors under load, first ones: {errors[:5]}"
    assert len(latencies) >= CLIENTS, "the clients did not get going"
