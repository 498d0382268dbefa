"""The benchmark report: results as JSON, and a short Markdown table of the ratios that matter."""
from __future__ import annotations

import json
from pathlib import Path

TARGETS = {
    "build_vs_jieba": 1.0, "p50_ms_100k": 30, "p95_ms_100k": 100, "p95_speedup_vs_baseline": 5.0,
    "incremental_beyond_startup_s": 2.0, "server_rss_mb_100k": 300,
}


def _mb(n) -> str:
    return "–" if n is None else f"{n / 1e6:.0f}"


def _f(v, fmt="{:.2f}") -> str:
    return "–" if v is None else fmt.format(v)


def _sample(jieba: dict, corpus_bytes: int) -> str:
    """' (first N MB)' where jieba was timed on part of the corpus only."""
    done = jieba.get("bytes")
    return f" (first {done / 1e6:.3g} MB)" if done and done < corpus_bytes else ""


def markdown(results: dict) -> str:
    """Tables per size: build, index, incremental rebuild, queries (ours vs baseline), server."""
    meta = results["meta"]
    lines = [f"# Benchmark report ({meta['started']}, commit {meta['commit']}, {meta['cpus']} CPUs, "
             f"load {meta['load_before']} → {meta['load_after']})", ""]
    sizes = results["sizes"]
    names = list(sizes)
    lines += ["## Build", "",
              "| size | passages | docs | text MB | build MB/s | jieba.lcut MB/s (1 core) | build ÷ jieba | docs/s | "
              "peak RSS MB (main / tree) | index ÷ text | bigram share of engine | baseline build MB/s |",
              "|" + " --- |" * 12]
    for n in names:
        s = sizes[n]
        b, j, ix = s["build"], s["jieba"], s["index"]
        lines.append(
            f"| {n} | {s['corpus']['passages']} | {s['corpus']['documents']} | {s['corpus']['bytes'] / 1e6:.1f} | "
            f"{_f(b['mb_per_s'])} | {_f(j['mb_per_s'])}{_sample(j, s['corpus']['bytes'])} | **{_f(s['ratios'].get('build_vs_jieba'))}×** | {_f(b['docs_per_s'], '{:.0f}')} | "
            f"{_mb(b['peak_main_rss'])} / {_mb(b['peak_tree_rss'])} | {_f(ix['engine_over_text'])} (+ store {_f(ix['store_over_text'])}) | "
            f"{_f(ix['bigram_share'] * 100 if ix.get('bigram_share') is not None else None, '{:.0f}%')} | "
            f"{_f(s.get('baseline_build', {}).get('mb_per_s'))} |")
    lines += ["", "## Incremental rebuild (one file changed)", "",
              "| size | start-up s (imports + dictionaries) | no-change build s | one-file build s | "
              "beyond start-up s | in-process s |",
              "| --- | --- | --- | --- | --- | --- |"]
    for n in names:
        inc = sizes[n]["incremental"]
        lines.append(f"| {n} | {_f(inc['startup_wall_s'])} | {_f(inc['noop_wall_s'])} | {_f(inc['one_file_wall_s'])} | "
                     f"**{_f(inc['beyond_startup_s'])}** | {_f(inc['one_file_report_s'])} |")
    lines += ["", "## Queries through HTTP (waitress), ms", "",
              "| size | system | n | p50 | p95 | p99 | max | bad | cold start s | first query ms | RSS MB (peak) |",
              "|" + " --- |" * 11]
    for n in names:
        for system in ("ours", "baseline"):
            q = sizes[n]["queries"].get(system)
            if not q:
                continue
            a = q["all"]
            lines.append(f"| {n} | {system} | {a['n']} | {a['p50_ms']} | {a['p95_ms']} | {a['p99_ms']} | {a['max_ms']} | "
                         f"{q['bad_count']} | {q['cold_start_s']} | {q['first_query_ms']} | "
                         f"{_mb(q['rss_bytes'])} ({_mb(q['peak_rss_bytes'])}) |")
        same = sizes[n]["queries"].get("ours_on_baseline_subset")
        if same:
            a = same["all"]
            lines.append(f"| {n} | ours, baseline's subset | {a['n']} | {a['p50_ms']} | {a['p95_ms']} | {a['p99_ms']} | "
                         f"{a['max_ms']} | {same['bad_count']} | | | |")
    lines += ["", "### Per category (ours), p50 / p95 ms", "", "| size | " + " | ".join(_cats(sizes)) + " |",
              "| --- | " + "--- | " * len(_cats(sizes))]
    for n in names:
        cats = sizes[n]["queries"]["ours"]["by_category"]
        lines.append(f"| {n} | " + " | ".join(f"{cats[c]['p50_ms']} / {cats[c]['p95_ms']}" if c in cats else "–"
                                              for c in _cats(sizes)) + " |")
    lines += ["", "## Ratios against the targets", "", "| ratio | target | " + " | ".join(names) + " |",
              "| --- | --- | " + "--- | " * len(names)]
    for key, label, target in (
        ("build_vs_jieba", "build ÷ single-core jieba.lcut", "≥ 1.0"),
        ("p95_speedup_vs_baseline", "baseline p95 ÷ ours p95 (same queries)", "≥ 5"),
        ("p50_speedup_vs_baseline", "baseline p50 ÷ ours p50 (same queries)", ""),
    ):
        lines.append(f"| {label} | {target} | " + " | ".join(_f(sizes[n]["ratios"].get(key)) for n in names) + " |")
    def row(label, target, fn):
        vals = []
        for n in names:
            try:
                vals.append(fn(sizes[n]))
            except (KeyError, TypeError):
                vals.append("–")
        lines.append(f"| {label} | {target} | " + " | ".join(vals) + " |")

    row("ours p50 ms (HTTP)", "≤ 30 at 100k", lambda s: f"{s['queries']['ours']['all']['p50_ms']}")
    row("ours p95 ms (HTTP)", "≤ 100 at 100k", lambda s: f"{s['queries']['ours']['all']['p95_ms']}")
    row("one-file rebuild beyond start-up, s", "≤ 2", lambda s: _f(s["incremental"]["beyond_startup_s"]))
    row("server RSS MB after the mix (peak)", "≤ 300 at 100k",
        lambda s: f"{_mb(s['queries']['ours']['rss_bytes'])} ({_mb(s['queries']['ours']['peak_rss_bytes'])})")
    growth = results.get("p50_growth")
    if growth:
        lines.append(f"| p50 growth {growth['from']} → {growth['to']} (passages ×{growth['size_factor']:.0f}) | "
                     f"sub-linear (< ×{growth['size_factor']:.0f}) | ×{growth['p50_factor']:.2f} |" + " |" * (len(names) - 1))
    return "\n".join(lines) + "\n"


def _cats(sizes: dict) -> list[str]:
    from .queries import CATEGORIES

    return list(CATEGORIES)


def write(results: dict, out: Path) -> tuple[Path, Path]:
    """bench/results/<stamp>.json and .md, plus latest.json / latest.md."""
    out.mkdir(parents=True, exist_ok=True)
    stamp = results["meta"]["stamp"]
    js, md = out / f"{stamp}.json", out / f"{stamp}.md"
    text = json.dumps(results, ensure_ascii=False, indent=2)
    js.write_text(text, encoding="utf-8")
    md.write_text(markdown(results), encoding="utf-8")
    (out / "latest.json").write_text(text, encoding="utf-8")
    (out / "latest.md").write_text(markdown(results), encoding="utf-8")
    return js, md
