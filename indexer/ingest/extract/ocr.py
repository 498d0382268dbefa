"""OCR of pages without a usable text layer: tesseract (chi_sim+eng) on a pdfium rendering, cached.

OCR takes seconds a page, so each result is kept under the index's cache folder, keyed by the
file's content hash, the page, the languages and the resolution: a re-build, or the same scan
under another name, costs nothing. The tesseract binary is called directly (one process a page).
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

from indexer.config import OCR_DPI, OCR_LANGS, OCR_TIMEOUT_S, TESSERACT
from indexer.index.lifetime import die_with_parent
from indexer.ingest.passages import join_lines

NOT_INSTALLED = "OCR not installed"

_HAN = r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]"
_SPACE_IN_CJK = re.compile(rf"(?<={_HAN}) +(?={_HAN})")


@lru_cache(maxsize=1)
def _tesseract() -> tuple[str | None, str, str]:
    """(binary, languages to use, version), binary None when tesseract or its languages are missing."""
    exe = shutil.which(TESSERACT)
    if not exe:
        return None, "", ""
    try:
        out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30)
        version = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None, "", ""
    have = {ln.strip() for ln in (out.stdout + out.stderr).splitlines()[1:] if ln.strip()}
    langs = "+".join(lang for lang in OCR_LANGS.split("+") if lang in have)
    first = (version.stdout or version.stderr).splitlines()
    return (exe if langs else None), langs, (first[0] if first else "")


def available() -> bool:
    """True when tesseract and at least one of the configured languages are installed."""
    return _tesseract()[0] is not None


def tidy(text: str) -> str:
    """Tesseract output as paragraphs: spaces between Chinese characters removed, wrapped lines joined."""
    paras = []
    for block in re.split(r"\n\s*\n", text.replace("\f", "\n\n")):
        cur = ""
        for line in block.splitlines():
            line = _SPACE_IN_CJK.sub("", line.strip())
            if line:
                cur = join_lines(cur, line)
        if cur:
            paras.append(cur)
    return "\n\n".join(paras)


class OcrError(RuntimeError):
    """OCR of one page failed; the message is a one-line reason."""


def _first_error(stderr: bytes) -> str:
    lines = [ln.strip() for ln in stderr.decode("utf-8", "replace").splitlines() if ln.strip()]
    errors = [ln for ln in lines if "rror" in ln] or lines
    return " ".join(errors[0].split())[:120] if errors else "no message"


def recognise(png: bytes, timeout: float = OCR_TIMEOUT_S) -> str:
    """Text of a page image; OcrError with a one-line reason when tesseract fails or takes too long."""
    exe, langs, _ = _tesseract()
    if exe is None:
        raise OcrError(NOT_INSTALLED)
    parent = os.getpid()
    try:
        # one thread: the build runs one reader per core already, and tesseract's OpenMP threads
        # made a page 2.6x slower here; it dies with the reader that started it; it inherits the
        # reader's memory limit
        proc = subprocess.run([exe, "stdin", "stdout", "-l", langs, "--psm", "3"], input=png,
                              capture_output=True, timeout=timeout, env={**os.environ, "OMP_THREAD_LIMIT": "1"},
                              preexec_fn=lambda: die_with_parent(parent))
    except subprocess.TimeoutExpired:
        raise OcrError(f"OCR took longer than {timeout:.0f} s") from None
    except OSError as e:
        raise OcrError(f"tesseract could not start: {e.strerror or e}") from None
    if proc.returncode != 0:
        raise OcrError(f"tesseract failed: {_first_error(proc.stderr)}")
    if not proc.stdout.strip() and b"Error in " in proc.stderr:
        # out of memory, tesseract prints leptonica's errors and exits 0 with no text
        raise OcrError(f"tesseract failed: {_first_error(proc.stderr)}")
    return tidy(proc.stdout.decode("utf-8", "replace"))


class OcrCache:
    """OCR results on disk, one small text file per page, keyed by content hash."""

    def __init__(self, folder: Path | None):
        self.folder = Path(folder) / "ocr" if folder else None

    def key(self, file_hash: str, page: int) -> str:
        """The cache key of one page of one file content, for this OCR set-up."""
        _, langs, version = _tesseract()
        return hashlib.sha256(f"{file_hash}:{page}:{langs}:{OCR_DPI}:{version}".encode()).hexdigest()

    def get(self, key: str) -> str | None:
        """A cached result, or None."""
        if self.folder is None:
            return None
        try:
            return (self.folder / key[:2] / f"{key}.txt").read_text(encoding="utf-8")
        except OSError:
            return None

    def put(self, key: str, text: str) -> None:
        """Store a result atomically; a cache that cannot be written is only a lost speed-up."""
        if self.folder is None:
            return
        target = self.folder / key[:2] / f"{key}.txt"
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
            os.replace(tmp, target)
        except OSError:
            pass
