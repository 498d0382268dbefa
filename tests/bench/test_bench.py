"""The benchmark suite works end to end and reports what it promises (behaviour, never timings)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench import corpus_gen
from indexer.config import PROJECT_ROOT


def _tree(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_generated_corpus_is_deterministic_from_its_seed(tmp_path):
    a = corpus_gen.generate(tmp_path / "a", 120, seed=7)
    b = corpus_gen.generate(tmp_path / "b", 120, seed=7)
    corpus_gen.generate(tmp_path / "c", 120, seed=8)
    assert _tree(tmp_path / "a") == _tree(tmp_path / "b")
    assert _tree(tmp_path / "a") != _tree(tmp_path / "c")
    assert a["files"] == b["files"]


def test_generated_corpus_is_bilingual_spread_over_years_partners_and_topics(tmp_path):
    m = corpus_gen.generate(tmp_path / "c", 1500, seed=3)
    docs = m["docs"]
    assert sum(d.passages for d in docs) == 1500
    assert {"zh", "en"} <= set(m["languages"])
    assert len({d.year for d in docs}) >= 15
    assert len({p for d in docs for p in d.partners}) >= 20
    assert len({t for d in docs for t in d.topics}) >= 12
    # recent years and the prominent partners dominate, as in a real archive
    assert sum(d.year >= 2005 for d in docs) > sum(d.year < 2005 for d in docs)
    text = "".join((tmp_path / "c" / d.path).read_text(encoding="utf-8") for d in docs[:40])
    assert "海关" in text and "customs" in text.lower()


def test_a_smaller_corpus_is_the_start_of_a_larger_one():
    assert corpus_gen.plan(5, 2000)[:-1] == corpus_gen.plan(5, 4000)[: len(corpus_gen.plan(5, 2000)) - 1]


@pytest.mark.slow
def test_quick_bench_writes_its_report(tmp_path):
    out = tmp_path / "results"
    proc = subprocess.run([sys.executable, "-m", "bench", "--quick", "--queries", "2", "--baseline-queries", "1",
                           "--out", str(out), "--workdir", str(tmp_path / "work")],
                          cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    results = json.loads((out / "latest.json").read_text(encoding="utf-8"))
    s = results["sizes"]["quick"]
    # the index holds the planned passages, built from the generated text
    assert abs(s["corpus"]["passages"] - 300) <= 45
    assert s["build"]["mb_per_s"] > 0 and s["jieba"]["mb_per_s"] > 0
    assert s["ratios"]["build_vs_jieba"] > 0
    assert s["build"]["peak_main_rss"] > 0 and s["build"]["peak_tree_rss"] >= s["build"]["peak_main_rss"]
    assert 0 < s["index"]["bigram_share"] < 1 and s["index"]["engine_over_text"] > 0
    assert s["incremental"]["updated"] == 1 and s["incremental"]["one_file_wall_s"] > 0
    for system in ("ours", "baseline"):
        q = s["queries"][system]
        assert q["all"]["n"] == (10 if system == "ours" else 5)
        assert q["all"]["p50_ms"] <= q["all"]["p95_ms"] <= q["all"]["p99_ms"]
        assert q["bad_count"] == 0, q["bad_answers"]
        assert q["cold_start_s"] > 0 and q["rss_bytes"] > 0
    assert set(s["queries"]["ours"]["by_category"]) == {"zh", "en", "phrase", "filtered", "browse"}
    assert "p95_speedup_vs_baseline" in s["ratios"]
    md = (out / "latest.md").read_text(encoding="utf-8")
    assert "build ÷ jieba" in md and "| quick | ours |" in md and "| quick | baseline |" in md


@pytest.mark.slow
def test_backends_bench_measures_both_backends_and_leaves_no_node_behind(tmp_path):
    from tests.typesense_support import server_or_skip

    server_or_skip()
    out = tmp_path / "results"
    proc = subprocess.run([sys.executable, "-m", "bench.backends", "--size", "quick", "--nodes", "1", "--queries", "1",
                           "--out", str(out), "--workdir", str(tmp_path / "work")],
                          cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    results = json.loads(next(out.glob("*-backends-quick.json")).read_text(encoding="utf-8"))
    local, cluster = results["backends"]["local"], results["backends"]["typesense"]
    # the same archive, built and served by each backend, every answer usable
    assert local["passages"] == cluster["passages"] > 200
    for r in (local, cluster):
        assert r["build"]["ok"] and r["build"]["vs_jieba"] > 0
        assert r["queries"]["all"]["n"] == 5 and r["queries"]["bad_count"] == 0, r["queries"]["bad_answers"]
        assert r["queries"]["rss_bytes"] > 0
    # the table that goes into the report
    md = proc.stdout
    assert "| local |" in md and "| cluster (1 node) |" in md and "build ÷ jieba" in md
    # each node's memory is reported, and the node is gone: its process and its data
    [node] = cluster["nodes"]["after_queries"]
    assert node["rss_mb"] > 0 and node["peak_rss_mb"] >= node["rss_mb"]
    assert cluster["nodes"]["left_running"] == []
    assert not (tmp_path / "work" / "typesense").exists()
    assert [c for c in _command_lines() if str(tmp_path) in c] == []


def _command_lines() -> list[str]:
    """The command line of every process of this machine."""
    out = []
    for p in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            out.append(p.read_bytes().replace(b"\0", b" ").decode(errors="replace"))
        except OSError:
            pass
    return out
