"""Files a corpus holds beside its documents (data, checksums, a LICENSE) are skipped by design and
said to be, never reported as failures; files of an unknown kind still fail. SOURCES.tsv and
catalog.csv at the root are metadata, read for the documents they list: neither skipped nor failed."""
import json
import os
import subprocess
import sys

from indexer.config import PROJECT_ROOT, Settings
from indexer.index.build import build, not_a_document


def test_listing_data_and_checksum_files_are_skipped_not_failed(corpus_copy, tmp_path):
    (corpus_copy / "SOURCES.tsv").write_text("file\tsource\nx.txt\thttps://example.org\n", encoding="utf-8")
    (corpus_copy / "sums.sha256").write_text("0" * 64 + "  x.txt\n", encoding="utf-8")
    (corpus_copy / "LICENSE").write_text("CC BY 4.0\n", encoding="utf-8")
    (corpus_copy / "scan.djvu").write_bytes(b"AT&TFORM")
    r = build(Settings.from_env(corpus_copy, tmp_path / "ix"), log=lambda *_: None, quiet=True)
    assert r.added == 5
    assert r.skipped == [
        {"path": "LICENSE", "reason": "licence or listing file, not read by design"},
        {"path": "sums.sha256", "reason": "checksum file (.sha256), not read by design"},
    ]
    assert r.failed == [{"path": "scan.djvu", "error": "unknown type .djvu"}]  # a document we cannot read


def test_the_build_report_says_what_was_skipped_and_why(corpus_copy, tmp_path):
    (corpus_copy / "SOURCES.tsv").write_text("file\tsource\n", encoding="utf-8")
    (corpus_copy / "LICENSE").write_text("CC BY 4.0\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    cmd = [sys.executable, "-m", "indexer", "build", "--corpus", str(corpus_copy), "--index", str(tmp_path / "ix"), "--json"]
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=PROJECT_ROOT, timeout=120)
    assert p.returncode == 0, p.stderr
    report = json.loads(p.stdout)
    assert report["failed"] == [] and report["skipped"] == [
        {"path": "LICENSE", "reason": "licence or listing file, not read by design"}]
    assert "skipped: LICENSE: licence or listing file, not read by design" in p.stderr
    assert "0 failed, 1 skipped (not documents)" in p.stderr and "SOURCES.tsv" not in p.stderr


def test_what_is_not_a_document():
    assert not_a_document("SOURCES.tsv") and not_a_document("catalogue.CSV") and not_a_document("notes.json")
    assert not_a_document("MANIFEST") and not_a_document("style.css")
    for name in ("report.pdf", "page.html", "scan.png", "old.doc", "README", "x.xyz"):
        assert not_a_document(name) is None, name
