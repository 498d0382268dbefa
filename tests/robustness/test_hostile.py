"""Hostile files and dying readers (issue 17): every file is read under limits, nothing is lost quietly.

The corpus of `hostile.py` holds every file the issue found: YAML alias bombs in front matter and
in a sidecar, a docx that unpacks to 400 MB, a spreadsheet with one far cell, a PDF with one
14,400-point page, hundreds of blank pages, text pages around a huge blank one, pages of one
numbered line, a docx with XML comments, UTF-16 without a BOM, Shift-JIS, EUC-KR, HTML nested
3,000 levels, zero-width characters and soft hyphens, names that forge report lines. It is built
by `python -m indexer build` with its memory (the whole process tree) and time measured.
Other tests kill a reader of the real command-line build, as the kernel's OOM killer would, and
change a file while a build reads it.
"""
from __future__ import annotations

import os
import re
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from indexer.config import PROJECT_ROOT
from indexer.ingest.extract import ocr
from indexer.search.request import SearchRequest
from tests.conftest import open_index

from . import figures, hostile, procs
from .files import write

BUDGET_BYTES = 2 * 2**30  # the whole build tree, peak
BUDGET_SECONDS = 240  # on 2 cores


def _search(index: Path, q: str) -> set[str]:
    ix = open_index(index)
    try:
        return {h.doc.doc_id for h in ix.search(SearchRequest(q=q, per_page=100, expand=False)).hits}
    finally:
        ix.close()


def _texts(index: Path) -> dict[str, str]:
    ix = open_index(index)
    try:
        return {d.doc_id: "\n".join(p.text for p in ix.document(d.doc_id).passages) for d in ix.backend.documents()}
    finally:
        ix.close()


def _leftovers(index: Path) -> list[str]:
    return [n for n in os.listdir(index) if ".tmp-" in n]


def test_hostile_corpus_builds_within_budget_and_every_file_is_accounted_for(tmp_path):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    expected = hostile.write_corpus(corpus, scanned_pages=figures.size("HOSTILE_SCANNED_PAGES"))
    # the ceiling stops a runaway build at twice the budget, so that a regression cannot take the machine
    m = procs.measured_build(corpus, index, "--json", ceiling=2 * BUDGET_BYTES, timeout=2 * BUDGET_SECONDS)
    figures.record("hostile corpus", files=len(expected.good) + len(expected.bad), seconds=round(m.seconds, 1),
                   peak_tree_rss_mb=m.peak_rss >> 20, peak_tree_pss_mb=m.peak_pss >> 20,
                   peak_processes=m.peak_processes)
    assert m.stopped is None, m.stopped
    assert m.returncode == 0, m.stderr
    assert m.peak_rss < BUDGET_BYTES, f"the build tree peaked at {m.peak_rss >> 20} MB"
    assert m.seconds < BUDGET_SECONDS
    assert "Traceback" not in m.stderr
    report = procs.parse_report(m.stdout)
    reasons = {f["path"]: f["error"] for f in report["failed"]}
    assert set(reasons) == set(expected.bad), f"missing {set(expected.bad) - set(reasons)}, " \
                                              f"unexpected {set(reasons) - set(expected.bad)}: {reasons}"
    for path, pattern in expected.bad.items():
        assert re.search(pattern, reasons[path]), f"{path}: {reasons[path]!r}"
    warnings: dict[str, list[str]] = {}
    for w in report["warnings"]:
        warnings.setdefault(w["path"], []).append(w["error"])
    for path, pattern in expected.warned.items():
        assert any(re.search(pattern, w) for w in warnings.get(path, [])), f"{path}: {warnings.get(path)}"
    for item in report["failed"] + report["warnings"]:
        assert "\n" not in item["error"] and len(item["error"]) <= 200, item
    assert report["added"] == len(expected.good)

    # the human-readable report: one line per failure, names escaped, no terminal escape codes
    lines = m.stderr.splitlines()
    assert "\x1b" not in m.stderr
    assert not [ln for ln in lines if ln.startswith("failed: records")], "a file name forged a report line"
    assert "failed: forged\\nfailed: records: all lost.png: unknown type .png" in lines
    assert "failed: \\x1b[31mred\\x1b[0m.png: unknown type .png" in lines

    texts = _texts(index)
    assert "lol" not in texts["bomb-front-matter.md"]  # the refused front matter is not indexed as text
    for doc_id, word in expected.good.items():
        assert _search(index, word) == {doc_id}, f"{doc_id} is not found by {word!r}"
        for s in expected.texts.get(doc_id, []):
            assert s in texts[doc_id], f"{doc_id} lost {s!r}"
    # invisible characters are folded in documents and in queries alike
    assert "invisible.txt" in _search(index, "海关 口岸")
    assert "invisible.txt" in _search(index, "customs")
    assert "invisible.txt" in _search(index, "single window")
    assert "invisible.txt" in _search(index, "海\u200b关 二连\u00ad浩特")
    assert _search(index, "invisi\u200bbleword") == {"invisible.txt"}
    assert "\u200b" in texts["invisible.txt"]  # the text itself is kept as written
    assert not _leftovers(index)


def _make_records(corpus: Path, n: int) -> None:
    for i in range(n):
        write(corpus / f"note-{i:02d}.txt", f"第{i}份纪要：中国海关与蒙古海关会谈 noteword{i}。\n".encode())


def test_a_reader_killed_by_the_oom_killer_costs_one_file_and_the_build_publishes(tmp_path):
    """A reader process killed with SIGKILL while it reads a heavy file (the kernel's OOM killer picks
    the process with the most memory): the file is read once more, killed again, and reported; the
    rest is published; exit 0; no reader and no staging folder is left behind."""
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    _make_records(corpus, 12)
    line = "中国海关与蒙古海关在二连浩特举行口岸合作会谈，双方同意扩大农产品快速通关试点。\n"
    write(corpus / "heavy.txt", (line * 300_000).encode())  # ~36 MB: a reader grows by hundreds of MB
    p = subprocess.Popen(procs.build_cmd(corpus, index, "--json"), cwd=PROJECT_ROOT, env=procs.env(),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    killed: list[int] = []

    def oom_killer():
        # a reader starts as a copy of the build's main process, whatever that holds by then: the one
        # that grows by 60 MB over its own first size is the one reading the heavy file (a record
        # grows by a few MB)
        first: dict[int, int] = {}
        while p.poll() is None:
            for pid in procs.group_members(p.pid):
                try:
                    comm = Path(f"/proc/{pid}/comm").read_text().strip()
                except OSError:
                    continue
                if comm != "indexer-reader" or pid in killed:
                    continue
                rss = procs._rss_pss(pid)[0]
                first.setdefault(pid, rss)
                if rss > first[pid] + 60 * 2**20:
                    os.kill(pid, signal.SIGKILL)
                    killed.append(pid)
            time.sleep(0.02)

    watcher = threading.Thread(target=oom_killer, daemon=True)
    watcher.start()
    try:
        out, err = p.communicate(timeout=300)
    finally:
        procs.kill_group(p.pid)
    watcher.join(5)
    assert len(killed) == 2, f"readers killed: {killed}\n{err}"
    assert p.returncode == 0, err
    assert "Traceback" not in err
    report = procs.parse_report(out)
    assert report["failed"] == [{"path": "heavy.txt",
                                 "error": "the reading process was killed (SIGKILL: out of memory, or killed by hand)"}]
    assert "failed: heavy.txt: the reading process was killed (SIGKILL: out of memory, or killed by hand)" in err
    assert report["added"] == 12
    for i in range(12):
        assert _search(index, f"noteword{i}") == {f"note-{i:02d}.txt"}
    assert not _leftovers(index)
    assert procs.group_members(p.pid) == [], "a reader outlived the build"
    figures.record("reader killed", readers_killed=len(killed), published_files=report["added"])


def test_stale_staging_folders_are_collected_even_when_their_pid_is_alive(tmp_path):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    _make_records(corpus, 2)
    assert procs.run_build(corpus, index).returncode == 0
    # a build that died, whose pid now belongs to a live process (pids are reused; 1 always lives)
    for pid in (1, os.getpid()):
        (index / f"gen-000009.tmp-{pid}").mkdir()
        (index / f"gen-000009.tmp-{pid}" / "docs.sqlite").write_bytes(b"half written")
    write(corpus / "new.txt", "新增的纪要 newword。".encode())
    assert procs.run_build(corpus, index).returncode == 0
    assert not _leftovers(index)
    assert _search(index, "newword") == {"new.txt"}


def test_a_file_changed_while_it_is_read_is_read_again_by_the_next_build(tmp_path, monkeypatch):
    """The bytes hashed are the bytes indexed: a file rewritten between the hash and the extraction
    (two reads before) is seen as changed by the next build, instead of keeping stale text forever."""
    import dataclasses

    import indexer.index.build as build_module
    from indexer.config import Settings

    corpus, index = tmp_path / "corpus", tmp_path / "index"
    _make_records(corpus, 3)
    target = corpus / "moving.txt"
    write(target, "第一版 firstversionword。".encode())
    real = build_module.extract

    def rewrite_while_reading(path, *args, **kwargs):  # in the reader, after it has read the bytes
        if path.name == "moving.txt" and b"firstversionword" in kwargs.get("data", b""):
            st = path.stat()
            path.write_text("第二版 secondversionword。", encoding="utf-8")
            os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(build_module, "extract", rewrite_while_reading)
    settings = dataclasses.replace(Settings.from_env(corpus, index), build_workers=2)
    first = build_module.build(settings, log=lambda *_: None, quiet=True)
    assert first.added == 4
    assert _search(index, "firstversionword") == {"moving.txt"}  # what was read
    monkeypatch.setattr(build_module, "extract", real)
    second = build_module.build(settings, log=lambda *_: None, quiet=True)
    assert (second.updated, second.unchanged) == (1, 3)
    assert _search(index, "secondversionword") == {"moving.txt"}
    assert _search(index, "firstversionword") == set()


def test_a_slow_file_is_stopped_at_the_wall_time_limit(tmp_path, monkeypatch):
    import dataclasses

    import indexer.index.build as build_module
    from indexer.config import Settings

    real = build_module.extract

    def slow(path, *args, **kwargs):
        if path.name == "slow.txt":
            time.sleep(60)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(build_module, "extract", slow)
    corpus = tmp_path / "corpus"
    _make_records(corpus, 6)
    write(corpus / "slow.txt", "一个读起来很慢的文件。".encode())
    settings = dataclasses.replace(Settings.from_env(corpus, tmp_path / "index"), build_workers=2, reader_seconds=2)
    t0 = time.monotonic()
    report = build_module.build(settings, log=lambda *_: None, quiet=True)
    assert time.monotonic() - t0 < 30
    assert report.failed == [{"path": "slow.txt", "error": "took longer than 2 s to read (READER_SECONDS)"}]
    assert report.added == 6


def test_a_reader_over_its_memory_limit_fails_that_file_only(tmp_path, monkeypatch):
    import dataclasses

    import indexer.index.build as build_module
    from indexer.config import Settings

    real = build_module.extract

    def greedy(path, *args, **kwargs):
        if path.name == "greedy.txt":
            [bytearray(16 * 2**20) for _ in range(64)]  # 1 GB, over a 256 MB limit
        return real(path, *args, **kwargs)

    monkeypatch.setattr(build_module, "extract", greedy)
    corpus = tmp_path / "corpus"
    _make_records(corpus, 6)
    write(corpus / "greedy.txt", "一个占用太多内存的文件。".encode())
    settings = dataclasses.replace(Settings.from_env(corpus, tmp_path / "index"), build_workers=2,
                                   reader_memory_mb=256)
    report = build_module.build(settings, log=lambda *_: None, quiet=True)
    assert report.failed == [{"path": "greedy.txt",
                              "error": "ran out of memory while reading (over 256 MB, READER_MEMORY_MB)"}]
    assert report.added == 6


def test_text_over_the_output_limit_is_cut_and_named(tmp_path):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    write(corpus / "long.txt", ("海关合作记录。" * 20_000 + "\n\n" + "tailword。").encode())
    p = procs.run_build(corpus, index, "--json", env=procs.env(MAX_TEXT_CHARS=50_000))
    assert p.returncode == 0, p.stderr
    report = procs.parse_report(p.stdout)
    assert report["added"] == 1
    assert report["warnings"] == [{"path": "long.txt",
                                   "error": "only the first 50000 characters indexed (MAX_TEXT_CHARS)"}]
    assert _search(index, "tailword") == set()


@pytest.mark.skipif(not ocr.available(), reason="tesseract with chi_sim/eng is not installed (make ocr-deps)")
def test_ocr_time_is_capped_per_file_and_the_pages_left_are_named(tmp_path):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    write(corpus / "scanned.pdf", hostile.pdf_scanned_pages(40))
    write(corpus / "note.txt", "普通的纪要 plainword。".encode())
    t0 = time.monotonic()
    p = procs.run_build(corpus, index, "--json", env=procs.env(OCR_SECONDS=6))
    seconds = time.monotonic() - t0
    assert p.returncode == 0, p.stderr
    report = procs.parse_report(p.stdout)
    # the pages read in time are kept (on a loaded machine the first page may take all the time:
    # then the file is reported, for the same reason)
    said = [f["error"] for f in report["failed"] + report["warnings"] if f["path"] == "scanned.pdf"]
    assert len(said) == 1 and re.search(r"pages \d+-40: not read: the file's OCR time ran out \(6 s, OCR_SECONDS\)",
                                        said[0]), said
    assert seconds < 60
    assert _search(index, "plainword") == {"note.txt"}
    if report["added"] == 2:
        assert _search(index, "archive") == {"scanned.pdf"}
    figures.record("ocr cap", seconds=round(seconds, 1), said=said)


@pytest.mark.skipif(not ocr.available(), reason="tesseract with chi_sim/eng is not installed (make ocr-deps)")
def test_a_page_that_cannot_be_rendered_costs_that_page_only(tmp_path):
    """Text pages around a huge page that must be rendered for OCR: with the pixel cap off, the
    rendering runs into the reader's memory limit; the page is named, the other pages kept."""
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    write(corpus / "mixed.pdf", hostile.pdf_text_around_a_huge_drawing())
    for env, capped in (({"RENDER_MAX_MEGAPIXELS": 0, "READER_MEMORY_MB": 512}, False), ({}, True)):
        p = procs.run_build(corpus, index, "--json", "--rebuild", env=procs.env(**env))
        assert p.returncode == 0, p.stderr
        report = procs.parse_report(p.stdout)
        assert report["failed"] == [] and report["added"] == 1, report
        assert _search(index, "firstpageword") == {"mixed.pdf"} and _search(index, "thirdpageword") == {"mixed.pdf"}
        said = [w["error"] for w in report["warnings"]]
        if capped:  # rendered at a lower resolution: OCR finds nothing to read, nothing to warn about
            assert said == [], said
        else:
            assert len(said) == 1 and re.match(r"^page 2: not read: ", said[0]), said


def test_text_without_any_break_is_cut_in_linear_time():
    """A million characters with no line break, comma or space: cut into passages in seconds
    (slice by slice, it took hours), the same passages as before for ordinary text."""
    from indexer.ingest.passages import cut_passages

    t0 = time.monotonic()
    passages = cut_passages("海关合作" * 250_000, 400, 700)
    assert time.monotonic() - t0 < 20
    assert "".join(passages) == "海关合作" * 250_000 and max(len(p) for p in passages) <= 700
    t0 = time.monotonic()
    passages = cut_passages("中国海关与蒙古海关会谈，双方同意扩大试点。\n" * 100_000, 400, 700)  # no blank line
    assert time.monotonic() - t0 < 20 and len(passages) > 1000


def test_blank_pages_never_reach_ocr_and_a_failing_page_costs_that_page_only(tmp_path, monkeypatch):
    from indexer.ingest.extract import extract, ocr as ocr_module

    calls: list[int] = []

    def recognise(png, timeout=0):
        calls.append(len(png))
        raise ocr_module.OcrError("tesseract failed: Error in pixReadMem:\nline two\nline three")

    monkeypatch.setattr(ocr_module, "available", lambda: True)
    monkeypatch.setattr(ocr_module, "recognise", recognise)
    blank = write(tmp_path / "blank.pdf", hostile.pdf_pages([(hostile.A4, [])] * 50))
    with pytest.raises(Exception, match=r"^no text found \(every page blank\)$"):
        extract(blank, 50 << 20)
    assert calls == []
    mixed = write(tmp_path / "mixed.pdf", hostile.pdf_text_around_a_huge_drawing(2000.0))
    ex = extract(mixed, 50 << 20)
    assert len(calls) == 1
    assert "firstpageword" in ex.text and "thirdpageword" in ex.text
    assert ex.warnings == ["page 2: not read: tesseract failed: Error in pixReadMem: line two line three"]


def test_a_reader_that_takes_the_build_over_its_memory_budget_is_stopped(tmp_path, monkeypatch):
    """Under its own limit, a reader can still take the whole build tree over BUILD_MEMORY_MB: the
    watchdog stops the reader holding the most, the file is read once more, then reported."""
    import dataclasses

    import indexer.index.build as build_module
    from indexer.config import Settings

    real = build_module.extract

    def growing(path, *args, **kwargs):
        if path.name == "growing.txt":
            hog = []
            for _ in range(80):  # up to 800 MB, 10 MB at a time
                hog.append(bytearray(10 * 2**20))
                time.sleep(0.05)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(build_module, "extract", growing)
    corpus = tmp_path / "corpus"
    _make_records(corpus, 6)
    write(corpus / "growing.txt", "一个越读越大的文件。".encode())
    # the budget counts what the build adds to this process (by PSS): the growing reader's 800 MB passes 400
    settings = dataclasses.replace(Settings.from_env(corpus, tmp_path / "index"), build_workers=2,
                                   reader_memory_mb=2048, build_memory_mb=400)
    report = build_module.build(settings, log=lambda *_: None, quiet=True)
    budget = settings.build_memory_mb
    assert report.failed == [{"path": "growing.txt", "error": "reading it took the build over its memory budget "
                                                             f"({budget} MB, BUILD_MEMORY_MB)"}]
    assert report.added == 6
