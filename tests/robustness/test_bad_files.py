"""Bad files: each gets a one-line reason in the `--json` report, every good file is indexed, nothing is lost.

The corpus is generated here: corrupt, truncated and encrypted PDFs, empty files, binary junk
with text suffixes, GBK, Big5 and UTF-16 texts, a file over the size limit, unreadable files and
folders, symlink loops, symlinks out of the corpus, a named pipe, a file name that is not UTF-8,
and names with spaces, Chinese characters and HTML. The build runs as `python -m indexer build`;
when the tests run as root, the build runs without the capabilities that let root ignore
permission bits, so that "unreadable" means unreadable.
"""
from __future__ import annotations

import os
import random
import re
from pathlib import Path

import pytest

from indexer.search.request import SearchRequest
from tests.conftest import open_index

from . import figures, procs
from .files import docx_bytes, owner_only_encryption, pdf_bytes, write

GBK_TEXT = ("中国海关与蒙古海关在二连浩特举行口岸合作会谈，双方同意扩大农产品快速通关试点，"
            "并就知识产权边境保护交换了执法信息。标记词 gbkword。")
BIG5_TEXT = ("中國海關與哈薩克斯坦海關在霍爾果斯舉行會談，雙方同意加強口岸合作與風險管理，"
             "並簽署了關於原產地規則的備忘錄。標記詞 bigfiveword。")
UTF16_TEXT = "新加坡海关与中国海关签署经认证的经营者互认安排，标记词 utfsixteenword。Singapore customs signed the AEO arrangement."
SECRET = "outsidesecretword"
HTML_NAME = "<img src=x onerror=alert(1)> & 'q'.txt"


def _good_files(root: Path) -> dict[str, str]:
    """Write the readable files; returns doc_id → a word only that file contains."""
    good = {
        "utf8 中文 记录.txt": ("中国海关与哈萨克斯坦海关签署合作文件。标记词 utfeightword。".encode(), "utfeightword"),
        "gbk-minutes.txt": (GBK_TEXT.encode("gbk"), "gbkword"),
        "big5-minutes.txt": (BIG5_TEXT.encode("big5"), "bigfiveword"),
        "utf16le.txt": (UTF16_TEXT.encode("utf-16"), "utfsixteenword"),
        "utf16be.txt": (b"\xfe\xff" + UTF16_TEXT.replace("utfsixteenword", "bigendianword").encode("utf-16-be"),
                        "bigendianword"),
        "annual report 2005.txt": (b"Annual report of 2005: the customs union reviewed spacenameword projects.",
                                   "spacenameword"),
        HTML_NAME: ("Minutes whose file name carries markup htmlnameword.".encode(), "htmlnameword"),
        "sub dir/深层 文件.md": ("---\ntitle: Nested note\n---\n\nA nested Markdown note deepword on transit.\n".encode(),
                               "deepword"),
        "page.html": (b"<html><head><title>Saved page</title></head><body><p>Customs news htmlpageword about"
                      b" the single window reform in many ports across the region.</p></body></html>", "htmlpageword"),
        "report.pdf": (pdf_bytes([["Customs cooperation report pdfgoodword"], ["Second page on rules of origin"]],
                                 title="A PDF record"), "pdfgoodword"),
        "中文报告.pdf": (pdf_bytes([["中国海关与东盟海关举行能力建设研讨会 pdfzhword"]], chinese=True), "pdfzhword"),
        "owner-locked.pdf": (pdf_bytes([["Copy-protected yet readable ownerword report"]],
                                       encrypt=owner_only_encryption()), "ownerword"),
        "minutes.docx": (docx_bytes(["Word minutes of the meeting docxword on enforcement."], title="Word minutes"),
                         "docxword"),
    }
    for rel, (data, _word) in good.items():
        write(root / rel, data)
    return {rel: word for rel, (_data, word) in good.items()}


def _bad_files(root: Path, outside: Path, unreadable: bool) -> dict[str, str]:
    """Write the files that cannot be indexed; returns path in the report → pattern of its reason."""
    rng = random.Random(5)
    good_pdf = pdf_bytes([["A report that will be cut in half"] * 30] * 3)
    bad = {
        "truncated.pdf": (good_pdf[: len(good_pdf) // 2], r"^corrupt PDF"),
        "garbage.pdf": (rng.randbytes(20_000), r"^corrupt PDF"),
        "header-only.pdf": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<", r"^corrupt PDF"),
        "encrypted.pdf": (pdf_bytes([["secret minutes"]], encrypt="pw"), r"^encrypted PDF \(password required\)$"),
        "empty.txt": (b"", r"^empty file$"),
        "empty.pdf": (b"", r"^empty file$"),
        "empty.md": (b"", r"^empty file$"),
        "blank.txt": (b" \r\n\t\n\n", r"^empty file$"),
        "junk.txt": (rng.randbytes(8_000), r"^(binary content, not text|undecodable text)"),
        "junk.html": (rng.randbytes(8_000), r"^(binary content, not text|undecodable text)"),
        "junk.docx": (rng.randbytes(8_000), r"^corrupt docx"),
        "huge.txt": (("海关合作" * 100_000).encode(), r"^file too large: 1\.2 MB > limit 1 MB$"),
        "image.png": (b"\x89PNG\r\n\x1a\n" + rng.randbytes(100), r"^unknown type \.png$"),
        "README": (b"no extension", r"^unknown type \(no extension\)$"),
        os.fsdecode(b"\xba\xa3\xb9\xd8\xba\xcf\xd7\xf7.txt"): ("海关合作 gbknameword".encode(), r"^file name is not valid UTF-8"),
    }
    for rel, (data, _pattern) in bad.items():
        write(root / rel, data)
    expected = {os.fsencode(rel).decode("utf-8", "backslashreplace"): pattern for rel, (_d, pattern) in bad.items()}

    (root / "loop-self.txt").symlink_to("loop-self.txt")
    (root / "loop-a.txt").symlink_to("loop-b.txt")
    (root / "loop-b.txt").symlink_to("loop-a.txt")
    (root / "loopdir").mkdir()
    (root / "loopdir" / "back").symlink_to("..", target_is_directory=True)
    (root / "dangling.txt").symlink_to("no-such-file.txt")
    (outside / "secret.txt").write_text(f"not part of the corpus {SECRET}", encoding="utf-8")
    (root / "outside.txt").symlink_to(outside / "secret.txt")
    (root / "outside-dir").symlink_to(outside, target_is_directory=True)
    os.mkfifo(root / "pipe.txt")
    expected.update({
        "loop-self.txt": r"^symlink loop$", "loop-a.txt": r"^symlink loop$", "loop-b.txt": r"^symlink loop$",
        "loopdir/back": r"^symlink loop: folder already scanned$",
        "dangling.txt": r"^cannot read file: No such file or directory$",
        "outside.txt": r"^symlink points outside the corpus$", "outside-dir": r"^symlink points outside the corpus$",
        "pipe.txt": r"^not a regular file",
    })
    if unreadable:
        write(root / "locked.txt", "锁定的文件 lockedword".encode()).chmod(0)
        (root / "locked-dir").mkdir()
        write(root / "locked-dir" / "inner.txt", b"inside a locked folder lockeddirword")
        (root / "locked-dir").chmod(0)
        expected["locked.txt"] = r"^cannot read file: Permission denied$"
        expected["locked-dir"] = r"^cannot read folder: Permission denied$"
    return expected


def _search_ids(index: Path, q: str) -> set[str]:
    ix = open_index(index)
    try:
        return {h.doc.doc_id for h in ix.search(SearchRequest(q=q, per_page=100, expand=False)).hits}
    finally:
        ix.close()


@pytest.fixture()
def permissions(tmp_path) -> bool:
    """Whether permission bits bind the build (false as root without a way to drop capabilities)."""
    return procs.permissions_apply(tmp_path)


def _restore(root: Path) -> None:
    for dirpath, dirnames, filenames in os.walk(root):
        for d in dirnames:
            p = Path(dirpath) / d
            if not p.is_symlink():
                p.chmod(0o755)


def test_every_bad_file_gets_its_reason_and_every_good_file_is_indexed(tmp_path, permissions):
    corpus, outside, index = tmp_path / "corpus", tmp_path / "outside", tmp_path / "index"
    corpus.mkdir()
    outside.mkdir()
    good = _good_files(corpus)
    expected = _bad_files(corpus, outside, unreadable=permissions)
    try:
        p = procs.run_build(corpus, index, "--json", env=procs.env(MAX_FILE_MB=1), timeout=180,
                            **procs.as_ordinary_user())
    finally:
        _restore(corpus)
    assert p.returncode == 0, p.stderr  # an index was published: failed files are in the report
    assert "Traceback" not in p.stderr
    report = procs.parse_report(p.stdout)  # stdout carries the report and nothing else
    reasons = {f["path"]: f["error"] for f in report["failed"]}
    assert len(reasons) == len(report["failed"]), "a file is reported twice"
    assert set(reasons) == set(expected), f"missing: {set(expected) - set(reasons)}; unexpected: {set(reasons) - set(expected)}"
    for path, pattern in expected.items():
        reason = reasons[path]
        assert re.search(pattern, reason), f"{path}: {reason!r} does not match {pattern!r}"
        assert "\n" not in reason and len(reason) < 200
        assert f"failed: {path}: {reason}" in p.stderr
    assert report["added"] == len(good) and report["updated"] == report["removed"] == 0

    for rel, word in good.items():
        assert _search_ids(index, word) == {rel}, f"{rel} is not found by {word!r}"
    ix = open_index(index)
    try:
        texts = {d.doc_id: " ".join(p.text for p in ix.document(d.doc_id).passages) for d in ix.backend.documents()}
    finally:
        ix.close()
    assert "二连浩特举行口岸合作会谈" in texts["gbk-minutes.txt"]  # decoded, not mojibake
    assert "霍爾果斯舉行會談" in texts["big5-minutes.txt"]
    assert "经认证的经营者互认安排" in texts["utf16le.txt"] and "经认证的经营者互认安排" in texts["utf16be.txt"]
    assert _search_ids(index, SECRET) == set()  # nothing from outside the corpus was read
    assert _search_ids(index, "lockedword") == set()

    figures.record("bad files", files_tried=len(good) + len(expected), good_indexed=report["added"],
                   reasons_given=len(reasons),
                   unreadable_checked=permissions or "skipped: root without a way to drop CAP_DAC_OVERRIDE",
                   reasons=sorted({re.sub(r":.*", "", r) for r in reasons.values()}))


def test_files_and_folders_that_become_unreadable_keep_their_documents(tmp_path, permissions):
    if not permissions:
        pytest.skip("running as root and capabilities cannot be dropped: permission bits would not apply")
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    write(corpus / "a.txt", "哈萨克斯坦海关代表团来访 keptfileword。".encode())
    write(corpus / "folder" / "b.txt", "蒙古海关代表团来访 keptfolderword。".encode())
    write(corpus / "c.txt", "东盟海关研讨会 otherword。".encode())
    first = procs.run_build(corpus, index, "--json")
    assert first.returncode == 0, first.stderr
    # the file changes and loses its read permission; the folder loses its permission
    (corpus / "a.txt").write_text("改写后的内容 rewrittenword。", encoding="utf-8")
    (corpus / "a.txt").chmod(0)
    (corpus / "folder").chmod(0)
    (corpus / "c.txt").unlink()
    try:
        p = procs.run_build(corpus, index, "--json", **procs.as_ordinary_user())
    finally:
        (corpus / "folder").chmod(0o755)
        (corpus / "a.txt").chmod(0o644)
    assert p.returncode == 0, p.stderr
    report = procs.parse_report(p.stdout)
    reasons = {f["path"]: f["error"] for f in report["failed"]}
    assert reasons == {"a.txt": "cannot read file: Permission denied; the previously indexed version is kept",
                       "folder": "cannot read folder: Permission denied"}
    assert report["removed"] == 1  # c.txt, really gone
    assert _search_ids(index, "keptfileword") == {"a.txt"}  # the previously indexed version is kept
    assert _search_ids(index, "keptfolderword") == {"folder/b.txt"}
    assert _search_ids(index, "otherword") == set()


def test_build_that_cannot_publish_exits_non_zero_and_keeps_the_index(tmp_path, permissions):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    write(corpus / "a.txt", "哈萨克斯坦海关代表团来访 stayword。".encode())
    assert procs.run_build(corpus, index).returncode == 0
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    for args, message in (((tmp_path / "missing", index), "corpus folder not found"),
                          ((corpus, blocker / "index"), "index folder not writable")):
        p = procs.run_build(*args, "--json")
        assert p.returncode != 0
        assert message in p.stderr and "Traceback" not in p.stderr
        assert message in procs.parse_report(p.stdout)["error"]
    if permissions:
        corpus.chmod(0)
        try:
            p = procs.run_build(corpus, index, **procs.as_ordinary_user())
        finally:
            corpus.chmod(0o755)
        assert p.returncode != 0 and "corpus folder not readable" in p.stderr, p.stderr
        assert "Traceback" not in p.stderr
    assert _search_ids(index, "stayword") == {"a.txt"}


def test_a_file_that_kills_its_reading_process_is_reported_and_the_rest_indexed(tmp_path, monkeypatch):
    """A parsing library that crashes, or the OOM killer, takes one reader down: that file is read once
    more, then reported; a file whose reader died only once is indexed, with a warning."""
    import dataclasses
    import signal

    import indexer.index.build as build_module
    from indexer.config import Settings

    real = build_module.extract
    once = tmp_path / "killed-once"

    def crashing(path, *args, **kwargs):  # runs in reader processes, forked with this patch in place
        if "crash" in path.name:
            os.kill(os.getpid(), signal.SIGKILL)
        if "segfault" in path.name:
            os.kill(os.getpid(), signal.SIGSEGV)
        if "flaky" in path.name and not once.exists():
            once.touch()
            os.kill(os.getpid(), signal.SIGKILL)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(build_module, "extract", crashing)
    corpus = tmp_path / "corpus"
    for i in range(12):
        write(corpus / f"note-{i:02d}.txt", f"第{i}份纪要：中国海关与蒙古海关会谈 noteword{i}。".encode())
    write(corpus / "crash-me.txt", "这个文件让读取进程崩溃。".encode())
    write(corpus / "segfault-me.txt", "这个文件让读取进程崩溃。".encode())
    write(corpus / "flaky.txt", "这个文件第一次让读取进程崩溃 flakyword。".encode())
    settings = dataclasses.replace(Settings.from_env(corpus, tmp_path / "index"), build_workers=2)
    report = build_module.build(settings, log=lambda *_: None, quiet=True)
    assert report.failed == [
        {"path": "crash-me.txt", "error": "the reading process was killed (SIGKILL: out of memory, or killed by hand)"},
        {"path": "segfault-me.txt", "error": "the reading process died (SIGSEGV: a crash in a parsing library)"}]
    assert report.warnings == [{"path": "flaky.txt", "error": "read again: the reading process was killed "
                                                              "(SIGKILL: out of memory, or killed by hand)"}]
    assert report.added == 13
    for i in range(12):
        assert _search_ids(tmp_path / "index", f"noteword{i}") == {f"note-{i:02d}.txt"}
    assert _search_ids(tmp_path / "index", "flakyword") == {"flaky.txt"}
