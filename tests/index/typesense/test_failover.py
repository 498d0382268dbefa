"""Faults on a three-node cluster serving the app: a node killed under load, a build killed mid-import.

- The leader is killed while 16 clients search through `python app.py`: no search may fail; the
  figures are the failed requests, p95, and how long until the cluster takes writes again.
  Then an incremental build succeeds, and the killed node, restarted, catches up.
- A full build into the cluster is killed with -9 while it imports: the published generation
  keeps answering exactly as before, and the next build publishes and drops the leftover.
"""
from __future__ import annotations

import http.client
import json
import os
import random
import signal
import subprocess
import threading
import time
from urllib.parse import urlencode

import pytest

from indexer.config import PROJECT_ROOT, Settings
from indexer.index.typesense import nodes as ts_nodes
from indexer.index.typesense.cluster import Cluster
from indexer.index.typesense.nodes import node_states
from tests.conftest import CORPUS
from tests.robustness import corpora, figures, procs
from tests.typesense_support import record, wait_for_documents

CLIENTS = 16
QUERIES = ["知识产权", "哈萨克斯坦", "rules of origin", '"capacity building"', "海关 -蒙古", "kaz*", "WCO", ""]


def _env(cluster, alias: str) -> dict:
    return {"SEARCH_BACKEND": "typesense", "TYPESENSE_NODES": cluster.nodes_setting,
            "TYPESENSE_API_KEY": cluster.api_key, "TYPESENSE_COLLECTION": alias}


def _build(corpus, index, cluster, alias: str, *more: str) -> subprocess.CompletedProcess:
    p = procs.run_build(corpus, index, "--json", *more, env=procs.env(**_env(cluster, alias)))
    assert p.returncode == 0, p.stderr[-2000:]
    return p


def _cluster_client(cluster) -> Cluster:
    from indexer.config import TypesenseSettings

    return Cluster(TypesenseSettings(tuple(cluster.addresses), cluster.api_key))


def _answers(host: str, port: int, queries) -> dict:
    out = {}
    for q in queries:
        status, _h, body = procs.get(host, port, "/api/search?" + urlencode({"q": q, "per_page": 100}))
        data = json.loads(body)
        out[q] = (status, data.get("total"), sorted(h["doc_id"] for h in data.get("hits", [])))
    return out


def test_a_dead_node_fails_no_search_and_the_cluster_takes_writes_again(running_cluster, tmp_path):
    cluster, alias = running_cluster, "failover"
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for f in CORPUS.iterdir():
        (corpus / f.name).write_bytes(f.read_bytes())
    _build(corpus, tmp_path / "index", cluster, alias)
    seconds = max(16.0, float(figures.size("LOAD_SECONDS")))
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    with procs.served(tmp_path / "index", corpus, extra_env=_env(cluster, alias)) as (host, port, server):
        assert procs.get(host, port, "/healthz")[0] == 200
        start = threading.Barrier(CLIENTS + 1)
        deadline = time.monotonic() + 3600

        def client(k: int) -> None:
            rng = random.Random(k)
            conn = http.client.HTTPConnection(host, port, timeout=60)
            start.wait()
            while time.monotonic() < deadline:
                path = "/api/search?" + urlencode({"q": rng.choice(QUERIES), "sort": rng.choice(["relevance", "date"])})
                t0 = time.perf_counter()
                try:
                    conn.request("GET", path)
                    r = conn.getresponse()
                    r.read()
                    if r.status != 200:
                        with lock:
                            errors.append(f"{r.status} {path}")
                except (OSError, http.client.HTTPException) as e:
                    with lock:
                        errors.append(f"{type(e).__name__} {path}")
                    conn.close()
                    conn = http.client.HTTPConnection(host, port, timeout=60)
                    continue
                with lock:
                    latencies.append(time.perf_counter() - t0)
            conn.close()

        threads = [threading.Thread(target=client, args=(k,)) for k in range(CLIENTS)]
        for t in threads:
            t.start()
        deadline = time.monotonic() + seconds
        start.wait()
        time.sleep(3)
        leader = next(i for i, s in enumerate(node_states(cluster)) if s.role == "LEADER")
        killed_at = time.monotonic()
        ts_nodes.kill_node(cluster, leader)
        # the time until the cluster takes a write again: a new leader elected
        writer = _cluster_client(cluster)
        writer.create_collection({"name": "failover-probe", "fields": [{"name": "x", "type": "string"}]})
        write_back_s = time.monotonic() - killed_at
        for t in threads:
            t.join(timeout=seconds + 120)
        assert server.poll() is None, "the server died"
    latencies.sort()
    p95 = round(1000 * figures.percentile(latencies, 95), 1) if latencies else None
    record("leader killed under 16-client load", requests=len(latencies) + len(errors), failed=len(errors),
           p95_ms=p95, writes_again_after_s=write_back_s)
    assert not errors, f"{len(errors)} failed searches, first ones: {errors[:5]}"
    assert len(latencies) > CLIENTS

    # writes resume: an incremental build publishes a changed file
    (corpus / "carec-ccc4-statement-2005.txt").write_text(
        (corpus / "carec-ccc4-statement-2005.txt").read_text(encoding="utf-8") + "\n\nfailovermarker 2024\n",
        encoding="utf-8")
    report = json.loads(_build(corpus, tmp_path / "index", cluster, alias).stdout)
    assert report["updated"] == 1
    # the killed node, restarted, catches up with the others
    restarted_at = time.monotonic()
    ts_nodes.restart_node(cluster, leader)
    ts_nodes.wait_ready(cluster, timeout=90)
    collection = writer.alias(alias)
    wait_for_documents(cluster, collection, writer.count(collection), timeout=60)
    record("leader killed under 16-client load", restarted_node_caught_up_s=time.monotonic() - restarted_at)


def test_a_build_killed_mid_import_leaves_the_published_generation_serving(running_cluster, tmp_path):
    cluster, alias = running_cluster, "interrupted"
    a, b = corpora.two_states(shared=120, changed=40, only_a=60, only_b=60)
    corpus = tmp_path / "corpus"
    corpora.apply_state(corpus, a)
    _build(corpus, tmp_path / "index", cluster, alias)
    writer = _cluster_client(cluster)
    published = writer.alias(alias)
    queries = ["alphamarker", "betamarker", "知识产权", "customs cooperation", ""]
    with procs.served(tmp_path / "index", corpus, extra_env=_env(cluster, alias)) as (host, port, _server):
        before = _answers(host, port, queries)
        assert before["alphamarker"][1] == len(a.marked)

        corpora.apply_state(corpus, b)
        build = subprocess.Popen(procs.build_cmd(corpus, tmp_path / "index", "--rebuild", "--json"), cwd=PROJECT_ROOT,
                                 env=procs.env(**_env(cluster, alias)), stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL, start_new_session=True)
        try:  # kill it once the new collection has records: mid-import
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and build.poll() is None:
                fresh = [c for c in writer.collections() if c["name"].startswith(alias + "-gen-")
                         and c["name"] != published and c["num_documents"] > 0]
                if fresh:
                    break
                time.sleep(0.05)
            assert build.poll() is None, "the build finished before it could be killed"
            os.kill(build.pid, signal.SIGKILL)
            build.wait(timeout=30)
        finally:
            procs.kill_group(build.pid)
        assert writer.alias(alias) == published
        time.sleep(1.5)  # past the readers' recheck of the published generation
        assert _answers(host, port, queries) == before

        report = json.loads(_build(corpus, tmp_path / "index", cluster, alias).stdout)
        assert report["failed"] == []
        time.sleep(1.5)
        after = _answers(host, port, queries)
    # the next build (incremental: the analysis did not change) brings the published collection to
    # version B in place, and drops the collection the killed build left half-imported
    assert after["alphamarker"][1] == 0 and after["betamarker"][1] == len(b.marked)
    assert writer.alias(alias) == published
    assert [c["name"] for c in writer.collections() if c["name"].startswith(alias + "-gen-")] == [published]
    record("build killed mid-import", published_kept=True, next_build_s=report["seconds"])


@pytest.fixture(autouse=True)
def _settings_untouched():
    """These tests set the cluster only in their children's environment."""
    before = Settings.from_env().search_backend
    yield
    assert Settings.from_env().search_backend == before
