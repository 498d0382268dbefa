"""The incremental build: what changed is re-read, failures are reported, publication is atomic."""
import json
import os
import subprocess
import sys
from pathlib import Path

from indexer.config import PROJECT_ROOT, Settings
from indexer.index.build import build
from indexer.index.local import publish
from indexer.search.request import SearchRequest
from tests.conftest import open_index


def run_build(corpus, index, **kw):
    return build(Settings.from_env(corpus, index), log=lambda *_: None, quiet=True, **kw)


def total(index, q="", **kw):
    return open_index(Path(index)).search(SearchRequest(q=q, **kw)).total


def test_incremental_build_adds_updates_removes(corpus_copy, tmp_path):
    index = tmp_path / "index"
    r1 = run_build(corpus_copy, index)
    assert (r1.added, r1.updated, r1.removed, r1.unchanged) == (5, 0, 0, 0)
    r2 = run_build(corpus_copy, index)
    assert (r2.added, r2.updated, r2.removed, r2.unchanged) == (0, 0, 0, 5)
    assert r2.generation == r1.generation  # nothing changed: nothing republished

    (corpus_copy / "new.txt").write_text("中吉海关联合监管试点在吐尔尕特口岸启动。", encoding="utf-8")
    news = corpus_copy / "china-customs-international-cooperation-news-2018.txt"
    news.write_text(news.read_text(encoding="utf-8").replace("中哈农产品绿色通道", "中蒙农产品绿色通道"), encoding="utf-8")
    (corpus_copy / "carec-ccc4-statement-2005.txt").unlink()
    r3 = run_build(corpus_copy, index)
    assert (r3.added, r3.updated, r3.removed, r3.unchanged) == (1, 1, 1, 3)
    assert total(index, "吐尔尕特") == 1
    assert total(index, "乌兰巴托") == 0
    # of the three Kazakhstan records, two changed or went away: the gazetteer remains
    kaz = open_index(Path(index)).search(SearchRequest(q="", partners=["KAZ"]))
    assert [h.doc.doc_id for h in kaz.hits] == ["customs-gazetteer-international-cooperation-ocr.txt"]


def test_touched_but_identical_file_is_not_reread(corpus_copy, tmp_path):
    index = tmp_path / "index"
    run_build(corpus_copy, index)
    f = corpus_copy / "carec-ccc4-statement-2005.txt"
    os.utime(f, ns=(f.stat().st_atime_ns, f.stat().st_mtime_ns + 10**9))
    r = run_build(corpus_copy, index)
    assert (r.updated, r.unchanged) == (0, 5)


def test_bad_files_are_reported_and_good_files_indexed(corpus_copy, tmp_path):
    (corpus_copy / "empty.txt").write_bytes(b"")
    (corpus_copy / "broken.pdf").write_bytes(b"%PDF-1.7 truncated")
    (corpus_copy / "image.png").write_bytes(b"\x89PNG\r\n")
    (corpus_copy / "名单 <b>x<b>.txt").write_text("哈萨克斯坦海关代表团来访。", encoding="utf-8")
    r = run_build(corpus_copy, tmp_path / "index")
    reasons = {f["path"]: f["error"] for f in r.failed}
    assert reasons["empty.txt"] == "empty file"
    assert "PDF" in reasons["broken.pdf"]
    assert reasons["image.png"] == "unknown type .png"
    assert r.added == 6
    assert total(tmp_path / "index", "代表团来访") == 1


def test_rebuild_after_analysis_change_is_forced(corpus_copy, tmp_path, monkeypatch):
    index = tmp_path / "index"
    run_build(corpus_copy, index)
    import indexer.index.build as b

    monkeypatch.setattr(b, "PASSAGE_VERSION", "test-changed")
    r = run_build(corpus_copy, index)
    assert r.added == 5 and r.unchanged == 0


def test_failed_build_leaves_the_published_index(corpus_copy, tmp_path, monkeypatch):
    index = tmp_path / "index"
    run_build(corpus_copy, index)
    before = publish.current_generation(index)
    (corpus_copy / "extra.txt").write_text("新增文件。", encoding="utf-8")
    from indexer.index.local.writer import EngineWriter

    def boom(self, optimize=False):
        raise OSError("disk full")

    monkeypatch.setattr(EngineWriter, "commit", boom)
    try:
        run_build(corpus_copy, index)
    except OSError:
        pass
    assert publish.current_generation(index) == before
    assert total(index) == 5
    assert not [p for p in index.iterdir() if ".tmp-" in p.name]


def test_cli_build_json_report_and_exit_codes(corpus_copy, tmp_path):
    (corpus_copy / "empty.txt").write_bytes(b"")
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    cmd = [sys.executable, "-m", "indexer", "build", "--corpus", str(corpus_copy), "--index", str(tmp_path / "ix"), "--json"]
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=PROJECT_ROOT, timeout=120)
    assert p.returncode == 0, p.stderr
    report = json.loads(p.stdout)
    assert report["added"] == 5 and report["failed"] == [{"path": "empty.txt", "error": "empty file"}]
    assert "failed: empty.txt: empty file" in p.stderr
    missing = subprocess.run([sys.executable, "-m", "indexer", "build", "--corpus", str(tmp_path / "nope"),
                              "--index", str(tmp_path / "ix2")], capture_output=True, text=True, env=env,
                             cwd=PROJECT_ROOT, timeout=60)
    assert missing.returncode != 0 and "corpus folder not found" in missing.stderr


def test_cli_search_and_stats(sample_settings, sample_index):
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    base = [sys.executable, "-m", "indexer"]
    p = subprocess.run(base + ["search", "哈萨克斯坦", "--index", str(sample_settings.index_dir), "--json",
                               "--partner", "KAZ"], capture_output=True, text=True, env=env, timeout=60)
    assert p.returncode == 0, p.stderr
    result = json.loads(p.stdout)
    assert result["total"] >= 1 and all("KAZ" in h["partners"] for h in result["hits"])
    s = subprocess.run(base + ["stats", "--index", str(sample_settings.index_dir), "--json"],
                       capture_output=True, text=True, env=env, timeout=60)
    stats = json.loads(s.stdout)
    assert stats["documents"] == 5 and stats["passages"] > 50
