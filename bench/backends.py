"""The backend as a column: the same generated archive built and served by the local engine and by
a Typesense cluster, measured in the same run against the same yardstick.

    .venv/bin/python -m bench.backends                            # 100k passages: local vs 3 nodes
    .venv/bin/python -m bench.backends --size 1m --only cluster   # a million passages on 3 nodes
    .venv/bin/python -m bench --backends 100k                     # the same, from the suite

For each backend: `python -m indexer build --rebuild --json` in its own process (wall time, MB/s
of the generated files, and that over single-core `jieba.lcut` on the same files in the same run),
then `app.py` under waitress as `make run` serves it, one keep-alive client, the query mix of
`make bench` (warm-up, then every query once), p50/p95 through HTTP, every answer checked. Memory:
the build's process tree, the app process, and each Typesense node (resident now and its peak,
VmHWM, since it started), with the node's own count of what its index holds.

The cluster's nodes are started by this module on free loopback ports with a new key, their data
under the work folder, and stopped by their handle when the run ends, fails or is interrupted
(they also die with this process: PR_SET_PDEATHSIG). While a build runs, the nodes' resident
memory is watched: above `--node-memory-gb` in total the build is stopped and the run says so,
rather than letting the machine swap or the kernel kill something else.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from indexer.config import PROJECT_ROOT
from indexer.index.procstat import rss_bytes

from . import corpus_gen, procmon, query_bench
from .procmon import peak_rss_bytes, run_measured
from .queries import query_mix

SIZES = {"quick": 300, "10k": 10_000, "100k": 100_000, "300k": 300_000, "1m": 1_000_000}
RESULTS_DIR = PROJECT_ROOT / "bench" / "results"
ALIAS = "bench"
NODE_SAMPLE_S = 0.5
TIMELINE_S = 15.0  # how often the nodes' memory is written down during a build


def _log(msg: str) -> None:
    print(f"[bench.backends {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def _env(backend: str, corpus: Path, index: Path, cluster=None) -> dict:
    """The environment a build or the app runs with on one backend (no inherited TYPESENSE_*)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TYPESENSE_") and k != "SEARCH_BACKEND"}
    env.update({"SEARCH_BACKEND": backend, "CORPUS_DIR": str(corpus), "INDEX_DIR": str(index)})
    if cluster is not None:
        env.update({"TYPESENSE_NODES": cluster.nodes_setting, "TYPESENSE_API_KEY": cluster.api_key,
                    "TYPESENSE_COLLECTION": ALIAS})
    return env


class NodeWatch(threading.Thread):
    """Samples the nodes' resident memory while a build runs; stops the build above a limit."""

    def __init__(self, cluster, limit_bytes: float | None):
        super().__init__(daemon=True)
        self.cluster, self.limit = cluster, limit_bytes
        self.build_pid: int | None = None
        self.peak_total = 0
        self.stopped_build = False
        self.timeline: list[tuple[float, list[float]]] = []  # (seconds, MB per node) during builds
        self._halt = threading.Event()

    def run(self) -> None:
        t0 = time.monotonic()
        last = -TIMELINE_S
        while not self._halt.is_set():
            each = [rss_bytes(n.pid) for n in self.cluster.nodes if n.pid]
            total = sum(each)
            self.peak_total = max(self.peak_total, total)
            if self.build_pid and time.monotonic() - last >= TIMELINE_S:
                last = time.monotonic()
                self.timeline.append((round(last - t0, 1), [round(b / 1e6) for b in each]))
            if self.limit and total > self.limit and self.build_pid and not self.stopped_build:
                self.stopped_build = True
                _log(f"nodes hold {total / 1e9:.1f} GB > {self.limit / 1e9:.1f} GB: stopping the build")
                try:
                    os.kill(self.build_pid, 15)  # the build's own process only: it takes its workers down
                except ProcessLookupError:
                    pass
            self._halt.wait(NODE_SAMPLE_S)

    def stop(self) -> None:
        self._halt.set()
        self.join()


def _measured_build(corpus: Path, index: Path, env: dict, watch: NodeWatch | None = None) -> dict:
    """One full build in its own process: wall time, peak memory of its tree, its JSON report."""
    cmd = [sys.executable, "-m", "indexer", "build", "--corpus", str(corpus), "--index", str(index), "--rebuild", "--json"]
    if watch is None:
        m = run_measured(cmd, env=env, cwd=PROJECT_ROOT)
    else:  # run_measured blocks: the watch learns the build's pid from a thread that waits for it
        m = _run_watched(cmd, env, watch)
    if m.returncode != 0:
        reason = "stopped: the nodes' memory passed the limit" if watch and watch.stopped_build else m.stderr[-1500:]
        return {"ok": False, "error": reason, "wall_s": round(m.seconds, 1)}
    return {"ok": True, "wall_s": round(m.seconds, 3), "report": _short(json.loads(m.stdout)),
            "peak_main_rss": m.peak_main_rss, "peak_tree_rss": m.peak_tree_rss}


def _run_watched(cmd: list[str], env: dict, watch: NodeWatch) -> procmon.Measured:
    """run_measured, with the build's pid given to the watch (which may stop it)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = procmon._Sampler(proc.pid)
    sampler.start()
    watch.build_pid = proc.pid
    try:
        out, err = proc.communicate()
    finally:
        watch.build_pid = None
        sampler.stop()
    return procmon.Measured(proc.returncode, time.perf_counter() - t0, out, err, sampler.peak_tree, sampler.peak_main)


def _short(report: dict) -> dict:
    return {k: report[k] for k in ("added", "updated", "removed", "unchanged", "seconds") if k in report} | {
        "failed": len(report.get("failed", []))}


def _node_memory(cluster) -> list[dict]:
    """Each node: resident MB now, peak MB since it started, and what its index says it holds."""
    from indexer.index.typesense.client import connect

    out = []
    for n in cluster.nodes:
        row = {"node": n.name, "rss_mb": round(rss_bytes(n.pid) / 1e6, 1), "peak_rss_mb": round(peak_rss_bytes(n.pid) / 1e6, 1)}
        try:
            metrics = connect([n.address], cluster.api_key, 10, retries=0).api_call.get("/metrics.json")
            row["active_mb"] = round(float(metrics.get("typesense_memory_active_bytes", 0)) / 1e6, 1)
        except Exception as e:  # a node that does not answer is reported, not fatal
            row["active_mb"] = f"{type(e).__name__}"
        row["disk_mb"] = round(_du(n.data_dir) / 1e6, 1)
        out.append(row)
    return out


def _du(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) if folder.exists() else 0


def _passages(env: dict) -> int | None:
    m = subprocess.run([sys.executable, "-m", "indexer", "stats", "--json"], env=env, cwd=PROJECT_ROOT,
                       capture_output=True, text=True)
    try:
        return json.loads(m.stdout)["passages"]
    except (ValueError, KeyError):
        return None


def _serve(name: str, env: dict) -> query_bench.Server:
    port = query_bench.free_port()
    return query_bench.Server(name, [sys.executable, "app.py"],
                              port, {**env, "PORT": str(port), "HOST": "127.0.0.1", "THREADS": "4"})


def bench_backend(backend: str, corpus: Path, work: Path, mix, warmup, nodes: int, node_limit_gb: float | None) -> dict:
    """Build and serve the corpus on one backend (for the cluster: nodes started and stopped here)."""
    index = work / f"index-{backend}"
    shutil.rmtree(index, ignore_errors=True)
    if backend == "local":
        return _measure(backend, corpus, index, _env("local", corpus, index), mix, warmup)
    from indexer.index.typesense import nodes as ts_nodes

    folder = work / "typesense"
    shutil.rmtree(folder, ignore_errors=True)
    _log(f"cluster: starting {nodes} node(s) under {folder}")
    with ts_nodes.running(folder, size=nodes) as cluster:
        empty = _node_memory(cluster)
        watch = NodeWatch(cluster, node_limit_gb * 1e9 if node_limit_gb else None)
        watch.start()
        try:
            out = _measure(backend, corpus, index, _env("typesense", corpus, index, cluster), mix, warmup, watch)
        finally:
            watch.stop()
        out["nodes"] = {"count": nodes, "empty": empty, "peak_total_rss_mb_during_build": round(watch.peak_total / 1e6, 1),
                        "timeline_mb": watch.timeline}
        out["nodes"]["after_queries"] = _node_memory(cluster)
    out["nodes"]["left_running"] = [n.name for n in cluster.nodes if ts_nodes.is_running(n)]
    shutil.rmtree(folder, ignore_errors=True)
    return out


def _measure(backend: str, corpus: Path, index: Path, env: dict, mix, warmup, watch: NodeWatch | None = None) -> dict:
    _log(f"{backend}: building")
    out: dict = {"build": _measured_build(corpus, index, env, watch)}
    if not out["build"]["ok"]:
        _log(f"{backend}: build failed: {out['build']['error'][:300]}")
        return out
    if watch is not None:
        out["nodes_after_build"] = _node_memory(watch.cluster)
    out["passages"] = _passages(env)
    _log(f"{backend}: {len(mix)} queries through HTTP")
    server = _serve(backend, env)
    try:
        out["queries"] = query_bench.run_mix(server, warmup, mix)
    finally:
        server.stop()
    return out


def run(size: str, work: Path, only: list[str], nodes: int, seed: int = 42, per_category: int | None = None,
        node_limit_gb: float | None = None, jieba_mb: float | None = None) -> dict:
    """Every chosen backend at one size, with the jieba yardstick of the same run."""
    corpus = work / f"corpus-{size}"
    results: dict = {"meta": {"stamp": time.strftime("%Y%m%d-%H%M%S"), "started": time.strftime("%Y-%m-%d %H:%M"),
                              "commit": _commit(), "cpus": os.cpu_count(), "size": size, "nodes": nodes, "seed": seed,
                              "load_before": round(os.getloadavg()[0], 2)}, "backends": {}}
    _log(f"{size}: generating {SIZES[size]} passages")
    t0 = time.perf_counter()
    manifest = corpus_gen.generate(corpus, SIZES[size], seed)
    results["corpus"] = {"documents": manifest["documents"], "bytes": manifest["bytes"],
                         "generate_s": round(time.perf_counter() - t0, 1)}
    _log(f"{size}: jieba.lcut over the same text, one core" + (f" (its first {jieba_mb} MB)" if jieba_mb else ""))
    m = run_measured([sys.executable, "-c", "import json, sys; from pathlib import Path; from bench.jieba_speed import measure; "
                      "print(json.dumps(measure(Path(sys.argv[1]), int(float(sys.argv[2]) * 1e6) or None)))",
                      str(corpus), str(jieba_mb or 0)], cwd=PROJECT_ROOT)
    results["jieba"] = json.loads(m.stdout) if m.returncode == 0 else {"error": m.stderr[-500:], "mb_per_s": None}
    per_category = per_category or (3 if size == "quick" else 40)
    mix, warmup = query_mix(per_category, seed), query_mix(max(2, per_category // 4), seed + 1)
    for backend in only:
        r = bench_backend(backend, corpus, work, mix, warmup, nodes, node_limit_gb)
        b = r["build"]
        if b["ok"]:
            b["mb_per_s"] = round(manifest["bytes"] / 1e6 / b["wall_s"], 3)
            if results["jieba"].get("mb_per_s"):
                b["vs_jieba"] = round(b["mb_per_s"] / results["jieba"]["mb_per_s"], 3)
        results["backends"][backend] = r
    results["meta"]["load_after"] = round(os.getloadavg()[0], 2)
    return results


def _commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_ROOT, capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _label(backend: str, meta: dict) -> str:
    return backend if backend == "local" else f"cluster ({meta['nodes']} node{'s' if meta['nodes'] > 1 else ''})"


def markdown(results: dict) -> str:
    """One row per backend: build, queries, memory of the app and of each node."""
    meta, corpus = results["meta"], results["corpus"]
    lines = [f"Run {meta['started']}, commit {meta['commit']}, {meta['cpus']} CPUs, load {meta['load_before']} → "
             f"{meta.get('load_after')}, {meta['size']}: {corpus['documents']} documents, {corpus['bytes'] / 1e6:.1f} MB; "
             f"jieba.lcut (1 core) {results['jieba'].get('mb_per_s')} MB/s", "",
             "| backend | passages | build s | build MB/s | build ÷ jieba | build peak RSS MB (main / tree) | p50 ms | p95 ms | "
             "p99 ms | bad | app RSS MB (peak) | node RSS MB after queries (peak) |",
             "|" + " --- |" * 12]
    for name, r in results["backends"].items():
        b = r["build"]
        label = _label(name, meta)
        if not b["ok"]:
            lines.append(f"| {label} | | failed after {b['wall_s']} s: {b['error'][:120]} |" + " |" * 9)
            continue
        q = r.get("queries", {})
        a = q.get("all", {})
        nodes = "; ".join(f"{n['rss_mb']:.0f} ({n['peak_rss_mb']:.0f})" for n in r.get("nodes", {}).get("after_queries", [])) or "–"
        lines.append(f"| {label} | {r.get('passages')} | {b['wall_s']:.0f} | {b['mb_per_s']:.3f} | **{b.get('vs_jieba', 0):.2f}×** | "
                     f"{b['peak_main_rss'] / 1e6:.0f} / {b['peak_tree_rss'] / 1e6:.0f} | {a.get('p50_ms')} | {a.get('p95_ms')} | "
                     f"{a.get('p99_ms')} | {q.get('bad_count')} | {q.get('rss_bytes', 0) / 1e6:.0f} ({q.get('peak_rss_bytes', 0) / 1e6:.0f}) | "
                     f"{nodes} |")
    cats = ("zh", "en", "phrase", "filtered", "browse")
    lines += ["", "| backend | " + " | ".join(f"{c} p50 / p95" for c in cats) + " |", "|" + " --- |" * (len(cats) + 1)]
    for name, r in results["backends"].items():
        by = r.get("queries", {}).get("by_category", {})
        if by:
            lines.append(f"| {_label(name, meta)} | " + " | ".join(f"{by[c]['p50_ms']} / {by[c]['p95_ms']}" if c in by else "–" for c in cats) + " |")
    for name, r in results["backends"].items():
        if "nodes" in r:
            lines += ["", f"Nodes ({_label(name, meta)}): " + "; ".join(
                f"{n['node']} empty {e['rss_mb']:.0f} MB, after build {ab['rss_mb']:.0f} MB (index {ab['active_mb']} MB "
                f"active, {ab['disk_mb']:.0f} MB on disk), after queries {n['rss_mb']:.0f} MB, peak {n['peak_rss_mb']:.0f} MB"
                for e, ab, n in zip(r["nodes"]["empty"], r.get("nodes_after_build") or r["nodes"]["after_queries"],
                                    r["nodes"]["after_queries"]))
                      + f"; all nodes together at most {r['nodes']['peak_total_rss_mb_during_build']:.0f} MB during the build"
                      + (f"; LEFT RUNNING: {r['nodes']['left_running']}" if r["nodes"]["left_running"] else "; none left running")]
    return "\n".join(lines)


def write(results: dict, out: Path) -> Path:
    """results/<stamp>-backends-<size>.json and .md; the Markdown's path."""
    out.mkdir(parents=True, exist_ok=True)
    slim = json.loads(json.dumps(results))
    for r in slim["backends"].values():
        r.get("queries", {}).pop("samples", None)
    stem = out / f"{results['meta']['stamp']}-backends-{results['meta']['size']}"
    stem.with_suffix(".json").write_text(json.dumps(slim, ensure_ascii=False, indent=2), encoding="utf-8")
    md = stem.with_suffix(".md")
    md.write_text(markdown(results) + "\n", encoding="utf-8")
    return md


def main(argv=None) -> int:
    """Run local vs cluster at one size and write bench/results/."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--size", default="100k", choices=list(SIZES))
    p.add_argument("--only", default="local,cluster", help="local, cluster or both (comma-separated)")
    p.add_argument("--nodes", type=int, default=3, help="Typesense nodes of the cluster (1 or 3)")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--queries", type=int, default=None, help="queries per category")
    p.add_argument("--node-memory-gb", type=float, default=18.0,
                   help="stop the cluster build when the nodes hold more than this together")
    p.add_argument("--jieba-mb", type=float, default=None,
                   help="time jieba.lcut on the first MB of the corpus only (its speed per MB; for the large sizes)")
    p.add_argument("--out", type=Path, default=RESULTS_DIR)
    p.add_argument("--workdir", type=Path, default=None, help="corpora, indexes and node data (default: a temp folder)")
    p.add_argument("--keep", action="store_true", help="keep the work folder")
    a = p.parse_args(argv)
    only = [{"cluster": "typesense"}.get(b.strip(), b.strip()) for b in a.only.split(",") if b.strip()]
    if any(b not in ("local", "typesense") for b in only):
        p.error(f"--only: local and/or cluster, not {a.only!r}")
    work = a.workdir or Path(tempfile.mkdtemp(prefix="bench-backends-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        results = run(a.size, work, only, a.nodes, a.seed, a.queries, a.node_memory_gb, a.jieba_mb)
    finally:
        if not a.keep and a.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    md = write(results, a.out)
    print(md.read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
