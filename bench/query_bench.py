"""Query latency through HTTP: a server under waitress in its own process, one client in this one.

For each server: cold start (spawn until /healthz answers), the first query, a warm-up mix,
then the measured mix (every query once, in a fixed order) with per-category latencies, and the
server's resident memory (now and its high-water mark). Every answer is checked for what a page
needs (a total, facet counts, hits with excerpts); a bad answer is counted, not hidden.
"""
from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

from indexer.config import PROJECT_ROOT
from indexer.index.procstat import rss_bytes

from .procmon import peak_rss_bytes

START_TIMEOUT = 300


def free_port() -> int:
    """An unused local TCP port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A server process on a local port."""

    def __init__(self, name: str, cmd: list[str], port: int, env: dict | None = None):
        self.name, self.port = name, port
        self.log = open(os.devnull, "w")
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(cmd, cwd=PROJECT_ROOT, env=env, stdout=self.log, stderr=subprocess.PIPE, text=True)
        self.cold_start = self._wait_ready(t0)
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)

    def _wait_ready(self, t0: float) -> float:
        while time.perf_counter() - t0 < START_TIMEOUT:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} server exited: {self.proc.stderr.read()[-2000:]}")
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                c.request("GET", "/healthz")
                if c.getresponse().status == 200:
                    c.close()
                    return time.perf_counter() - t0
                c.close()
            except OSError:
                pass
            time.sleep(0.02)
        raise RuntimeError(f"{self.name} server did not start in {START_TIMEOUT} s")

    def get(self, params: dict) -> tuple[float, int, dict | None]:
        """(seconds, status, JSON) of one /api/search request."""
        path = "/api/search?" + urlencode(params)
        t0 = time.perf_counter()
        try:
            self.conn.request("GET", path)
            resp = self.conn.getresponse()
            body = resp.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
            return time.perf_counter() - t0, 0, None
        seconds = time.perf_counter() - t0
        try:
            data = json.loads(body)
        except ValueError:
            data = None
        return seconds, resp.status, data

    def memory(self) -> dict:
        """Resident memory now and at its peak, in bytes."""
        return {"rss_bytes": rss_bytes(self.proc.pid), "peak_rss_bytes": peak_rss_bytes(self.proc.pid)}

    def stop(self) -> None:
        """End the server process (only this one)."""
        self.conn.close()
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def ours(index_dir: Path, corpus_dir: Path, threads: int = 4) -> Server:
    """Our application exactly as `make run` serves it (app.py under waitress)."""
    port = free_port()
    env = {**os.environ, "INDEX_DIR": str(index_dir), "CORPUS_DIR": str(corpus_dir), "PORT": str(port),
           "HOST": "127.0.0.1", "THREADS": str(threads)}
    return Server("ours", [sys.executable, "app.py"], port, env)


def baseline(index_dir: Path, threads: int = 4) -> Server:
    """The naive baseline app under waitress."""
    port = free_port()
    return Server("baseline", [sys.executable, "-m", "bench.baseline", "serve", "--index", str(index_dir),
                               "--port", str(port), "--threads", str(threads)], port, dict(os.environ))


def valid(data: dict | None) -> bool:
    """An answer a results page can be drawn from."""
    if not isinstance(data, dict) or "total" not in data or "facets" not in data:
        return False
    hits = data.get("hits")
    if not isinstance(hits, list) or (data["total"] and not hits):
        return False
    return all(h.get("excerpts") for h in hits)


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of the values."""
    if not values:
        return float("nan")
    s = sorted(values)
    k = max(0, min(len(s) - 1, round(p / 100 * len(s) + 0.5) - 1))
    return s[k]


def summary(ms: list[float]) -> dict:
    """p50/p95/p99/mean/max in milliseconds."""
    return {"n": len(ms), "p50_ms": round(percentile(ms, 50), 1), "p95_ms": round(percentile(ms, 95), 1),
            "p99_ms": round(percentile(ms, 99), 1), "mean_ms": round(sum(ms) / len(ms), 1) if ms else None,
            "max_ms": round(max(ms), 1) if ms else None}


def run_mix(server: Server, warmup: list[tuple[str, dict]], mix: list[tuple[str, dict]],
            budget_seconds: float | None = None) -> dict:
    """Cold start, first query, warm-up, measured mix (stopped early when over the time budget)."""
    first_s, first_status, _ = server.get(mix[0][1])
    for _cat, params in warmup:
        server.get(params)
    by_cat: dict[str, list[float]] = {}
    samples: list[float] = []
    bad: list[dict] = []
    t0 = time.perf_counter()
    for cat, params in mix:
        if budget_seconds is not None and time.perf_counter() - t0 > budget_seconds:
            break
        seconds, status, data = server.get(params)
        ms = seconds * 1000
        samples.append(ms)
        by_cat.setdefault(cat, []).append(ms)
        if status != 200 or not valid(data):
            bad.append({"params": params, "status": status})
    return {
        "cold_start_s": round(server.cold_start, 3), "first_query_ms": round(first_s * 1000, 1),
        "first_query_status": first_status, "all": summary(samples),
        "by_category": {c: summary(v) for c, v in by_cat.items()}, "bad_answers": bad[:10],
        "bad_count": len(bad), "complete": len(samples) == len(mix), **server.memory(),
        "samples": [round(ms, 2) for ms in samples],
    }
