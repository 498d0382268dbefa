"""Run the benchmark suite: `make bench` (10k and 100k passages), `--quick` for a smoke run.

    .venv/bin/python -m bench                      # 10k and 100k passages
    .venv/bin/python -m bench --sizes 10k,100k,1m  # also a million (long: see bench/REPORT.md)
    .venv/bin/python -m bench --quick              # a few hundred passages, a few queries
    .venv/bin/python -m bench --backends 100k      # then local vs a 3-node Typesense cluster (bench/backends.py)

Every speed is reported next to a yardstick measured in the same run on the same machine
(single-core jieba.lcut for the build, the naive Whoosh baseline for queries), because the
absolute numbers depend on what else the machine is doing.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from indexer.config import PROJECT_ROOT

from . import corpus_gen, index_stats, query_bench, report
from .procmon import run_measured
from .queries import query_mix

SIZES = {"quick": 300, "10k": 10_000, "100k": 100_000, "1m": 1_000_000}
# jieba's speed does not depend on the corpus's size: above 100k passages it is timed on this
# much of the text (over a million passages all of it takes ~20 minutes)
JIEBA_SAMPLE_MB = 100
RESULTS_DIR = PROJECT_ROOT / "bench" / "results"


def _log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def _python(*args: str) -> list[str]:
    return [sys.executable, *args]


def _commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_ROOT, capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _build(corpus: Path, index: Path, rebuild: bool = False) -> dict:
    """One `indexer build --json` in its own process, with wall time and peak memory."""
    cmd = _python("-m", "indexer", "build", "--corpus", str(corpus), "--index", str(index), "--json")
    if rebuild:
        cmd.append("--rebuild")
    m = run_measured(cmd, cwd=PROJECT_ROOT)
    if m.returncode != 0:
        raise RuntimeError(f"build failed ({m.returncode}): {m.stderr[-2000:]}")
    rep = json.loads(m.stdout)
    return {"wall_s": round(m.seconds, 3), "report": rep, "peak_tree_rss": m.peak_tree_rss,
            "peak_main_rss": m.peak_main_rss}


def _generation(index: Path) -> Path:
    return (index / "current").resolve()


def _passage_count(generation: Path) -> int:
    import sqlite3

    db = sqlite3.connect(f"file:{generation / 'docs.sqlite'}?mode=ro&immutable=1", uri=True)
    try:
        return db.execute("SELECT count(*) FROM passages").fetchone()[0]
    finally:
        db.close()


def bench_size(name: str, passages: int, work: Path, args) -> dict:
    """Everything measured at one corpus size."""
    out: dict = {"ratios": {}}
    corpus, index = work / f"corpus-{name}", work / f"index-{name}"
    _log(f"{name}: generating {passages} passages")
    t0 = time.perf_counter()
    manifest = corpus_gen.generate(corpus, passages, args.seed)
    out["corpus"] = {"documents": manifest["documents"], "bytes": manifest["bytes"], "languages": manifest["languages"],
                     "seed": args.seed, "generate_s": round(time.perf_counter() - t0, 1)}

    _log(f"{name}: building the index ({manifest['bytes'] / 1e6:.1f} MB)")
    shutil.rmtree(index, ignore_errors=True)
    b = _build(corpus, index, rebuild=True)
    gen = _generation(index)
    n_passages = _passage_count(gen)
    out["corpus"]["passages"] = n_passages
    out["build"] = {**b, "mb_per_s": round(manifest["bytes"] / 1e6 / b["wall_s"], 3),
                    "docs_per_s": round(manifest["documents"] / b["wall_s"], 1),
                    "passages_per_s": round(n_passages / b["wall_s"], 1)}
    out["build"]["report"].pop("warnings", None)

    jieba_mb = args.jieba_mb if args.jieba_mb is not None else (JIEBA_SAMPLE_MB if passages > 100_000 else 0)
    _log(f"{name}: jieba.lcut over the same text, one core" + (f" (its first {jieba_mb:g} MB)" if jieba_mb else ""))
    m = run_measured(_python("-m", "bench.jieba_speed", str(corpus), str(jieba_mb)), cwd=PROJECT_ROOT)
    out["jieba"] = json.loads(m.stdout) if m.returncode == 0 else {"error": m.stderr[-500:], "mb_per_s": None}
    if out["jieba"].get("mb_per_s"):
        out["ratios"]["build_vs_jieba"] = round(out["build"]["mb_per_s"] / out["jieba"]["mb_per_s"], 3)

    _log(f"{name}: index size")
    sizes = index_stats.folder_sizes(gen)
    fields = index_stats.field_bytes(gen)
    out["index"] = {**sizes, "fields": fields,
                    "engine_over_text": round(sizes["engine_bytes"] / manifest["bytes"], 3),
                    "store_over_text": round(sizes["store_bytes"] / manifest["bytes"], 3),
                    "bigram_share": round(fields.get("bigrams", 0) / sizes["engine_bytes"], 3)}

    _log(f"{name}: incremental rebuild")
    out["incremental"] = incremental(corpus, index, manifest)
    gen = _generation(index)

    out["queries"] = {}
    per_cat = args.queries or (3 if name == "quick" else 40)
    mix = query_mix(per_cat, args.seed)
    warmup = query_mix(max(2, per_cat // 4), args.seed + 1)
    _log(f"{name}: queries on ours ({len(mix)})")
    server = query_bench.ours(index, corpus)
    try:
        out["queries"]["ours"] = query_bench.run_mix(server, warmup, mix)
    finally:
        server.stop()
    if not args.no_baseline and name in args.baseline_sizes.split(","):
        _log(f"{name}: building the naive baseline")
        base_dir = work / f"baseline-{name}"
        shutil.rmtree(base_dir, ignore_errors=True)
        m = run_measured(_python("-m", "bench.baseline", "build", "--from", str(gen), "--out", str(base_dir)),
                         cwd=PROJECT_ROOT)
        if m.returncode != 0:
            raise RuntimeError(f"baseline build failed: {m.stderr[-2000:]}")
        out["baseline_build"] = {**json.loads(m.stdout), "peak_main_rss": m.peak_main_rss}
        if out["jieba"].get("mb_per_s"):
            out["ratios"]["baseline_build_vs_jieba"] = round(out["baseline_build"]["mb_per_s"] / out["jieba"]["mb_per_s"], 3)
        per_base = args.baseline_queries or (3 if name == "quick" else 10)
        seen: dict[str, int] = {}
        chosen = []
        for i, (cat, _params) in enumerate(mix):
            seen[cat] = seen.get(cat, 0) + 1
            if seen[cat] <= per_base:
                chosen.append(i)
        _log(f"{name}: queries on the baseline ({len(chosen)})")
        server = query_bench.baseline(base_dir)
        try:
            out["queries"]["baseline"] = query_bench.run_mix(server, warmup[:5], [mix[i] for i in chosen],
                                                             args.baseline_budget)
        finally:
            server.stop()
        # ours on exactly the queries the baseline answered, from the same measured run
        answered = chosen[: out["queries"]["baseline"]["all"]["n"]]
        out["queries"]["ours_on_baseline_subset"] = _subset_stats(out["queries"]["ours"], mix, answered)
        ours_sub, base = out["queries"]["ours_on_baseline_subset"]["all"], out["queries"]["baseline"]["all"]
        if ours_sub["p95_ms"] and base["p95_ms"]:
            out["ratios"]["p95_speedup_vs_baseline"] = round(base["p95_ms"] / ours_sub["p95_ms"], 2)
            out["ratios"]["p50_speedup_vs_baseline"] = round(base["p50_ms"] / ours_sub["p50_ms"], 2)
        shutil.rmtree(base_dir, ignore_errors=True)
    return out


def _subset_stats(ours: dict, mix: list, indices: list[int]) -> dict:
    """Our latencies restricted to the queries at `indices` of the mix (same measured run)."""
    samples = ours["samples"]
    by_cat: dict[str, list[float]] = {}
    keep = []
    for i in indices:
        if i < len(samples):
            keep.append(samples[i])
            by_cat.setdefault(mix[i][0], []).append(samples[i])
    return {"all": query_bench.summary(keep), "by_category": {c: query_bench.summary(v) for c, v in by_cat.items()},
            "bad_count": 0}


STARTUP = ("import indexer.index.build, indexer.cli; from indexer.analysis.tokens import word_tokens; "
           "word_tokens('海关合作 organizations')")


def incremental(corpus: Path, index: Path, manifest: dict) -> dict:
    """Start-up (a process importing the indexer and loading its dictionaries, as any build that
    indexes something does), a build with nothing changed, then one with one file changed."""
    startup = run_measured(_python("-c", STARTUP), cwd=PROJECT_ROOT)
    noop = _build(corpus, index)
    rel = manifest["files"][len(manifest["files"]) // 2]
    path = corpus / rel
    extra = ("\n\n本段为增量构建基准新增的段落：海关合作与单一窗口建设取得新进展。"
             "\n\nThis paragraph was added by the incremental build benchmark: customs cooperation continues.\n")
    with open(path, "a", encoding="utf-8") as f:
        f.write(extra)
    one = _build(corpus, index)
    rep = one["report"]
    return {"changed_file": rel, "startup_wall_s": round(startup.seconds, 3), "noop_wall_s": noop["wall_s"],
            "one_file_wall_s": one["wall_s"], "beyond_startup_s": round(one["wall_s"] - startup.seconds, 3),
            "one_file_report_s": rep["seconds"],
            "noop_report_s": noop["report"]["seconds"], "updated": rep["updated"], "peak_main_rss": one["peak_main_rss"]}


def main(argv=None) -> int:
    """Run the chosen sizes and write bench/results/."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="10k,100k", help="comma-separated: quick, 10k, 100k, 1m")
    p.add_argument("--quick", action="store_true", help="one tiny size (a smoke run)")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--queries", type=int, default=None, help="queries per category for ours")
    p.add_argument("--baseline-queries", type=int, default=None, help="queries per category for the baseline")
    p.add_argument("--baseline-budget", type=float, default=600, help="seconds of baseline queries per size at most")
    p.add_argument("--no-baseline", action="store_true")
    p.add_argument("--jieba-mb", type=float, default=None,
                   help="time jieba.lcut on the first N MB of each corpus, 0 for all of it "
                        f"(default: all up to 100k passages, {JIEBA_SAMPLE_MB} MB above)")
    p.add_argument("--baseline-sizes", default="quick,10k,100k",
                   help="sizes the naive baseline runs at (at a million passages its build takes hours and "
                        "its queries minutes each)")
    p.add_argument("--out", type=Path, default=RESULTS_DIR)
    p.add_argument("--workdir", type=Path, default=None, help="where corpora and indexes go (default: a temp folder)")
    p.add_argument("--keep", action="store_true", help="keep the work folder")
    p.add_argument("--backends", metavar="SIZE", default=None,
                   help="afterwards, SIZE on the local engine and on a 3-node Typesense cluster (bench/backends.py)")
    a = p.parse_args(argv)
    names = ["quick"] if a.quick else [s.strip() for s in a.sizes.split(",") if s.strip()]
    unknown = [n for n in names if n not in SIZES]
    if unknown:
        p.error(f"unknown size {unknown[0]!r}: choose from {', '.join(SIZES)}")
    work = a.workdir or Path(tempfile.mkdtemp(prefix="bench-"))
    work.mkdir(parents=True, exist_ok=True)
    results = {"meta": {"stamp": time.strftime("%Y%m%d-%H%M%S"), "started": time.strftime("%Y-%m-%d %H:%M"),
                        "commit": _commit(), "cpus": os.cpu_count(), "python": sys.version.split()[0],
                        "load_before": round(os.getloadavg()[0], 2), "load_after": None, "seed": a.seed,
                        "sizes": names, "workdir": str(work)},
               "sizes": {}}
    try:
        for n in names:
            results["sizes"][n] = bench_size(n, SIZES[n], work, a)
            results["meta"]["load_after"] = round(os.getloadavg()[0], 2)
            _growth(results)
            js, md = report.write(results, a.out)
            _log(f"{n}: done; report in {md}")
        if a.backends:
            from . import backends

            backends.main(["--size", a.backends, "--out", str(a.out), "--workdir", str(work / "backends"), "--seed", str(a.seed)])
    finally:
        if not a.keep and a.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    js, md = report.write(results, a.out)
    print(md.read_text(encoding="utf-8"))
    return 0


def _growth(results: dict) -> None:
    sizes = [(n, s) for n, s in results["sizes"].items() if s.get("queries", {}).get("ours")]
    if len(sizes) >= 2:
        (n1, s1), (n2, s2) = sizes[0], sizes[-1]
        p1, p2 = s1["queries"]["ours"]["all"]["p50_ms"], s2["queries"]["ours"]["all"]["p50_ms"]
        results["p50_growth"] = {"from": n1, "to": n2,
                                 "size_factor": s2["corpus"]["passages"] / max(1, s1["corpus"]["passages"]),
                                 "p50_factor": round(p2 / p1, 2) if p1 else None}


if __name__ == "__main__":
    raise SystemExit(main())
