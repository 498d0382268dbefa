"""Files to text: one extractor per format, each giving pages of text and the file's own metadata.

Every failure is an `ExtractionError` whose message is the one-line reason shown in the build
report ("corrupt PDF: ...", "empty file", "unknown type .xyz").
"""
from __future__ import annotations

import hashlib
import importlib
import io
import os
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from indexer.config import EXTRACTORS, LEGACY_OFFICE, MAX_UNZIPPED_BYTES, MAX_ZIP_MEMBERS


class ExtractionError(Exception):
    """A file that cannot be read; the message is a one-line reason for the build report."""


@dataclass
class Page:
    """Text of one page (PDF) or of a whole document (number None)."""

    number: int | None
    text: str


@dataclass
class Extracted:
    """What a file yields before cutting and tagging."""

    pages: list[Page]
    kind: str
    meta: dict = field(default_factory=dict)  # title, date, partners, topics, source_url, ...
    warnings: list[str] = field(default_factory=list)
    stats: dict = field(default_factory=dict)  # how pages were read (PDF: fast/layout/pdfminer/ocr)

    @property
    def text(self) -> str:
        """All pages' text."""
        return "\n\n".join(p.text for p in self.pages)


def unsupported_reason(suffix: str) -> str:
    """The one-line reason for a file type no extractor reads."""
    suffix = suffix.lower()
    if suffix in LEGACY_OFFICE:
        return f"old binary Office format {suffix}: save it as {LEGACY_OFFICE[suffix]}"
    return f"unknown type {suffix or '(no extension)'}"


def one_line(text: str, limit: int = 200) -> str:
    """A reason fit for one report line: white space (newlines included) collapsed, length bounded."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _too_large(size: int, max_bytes: int) -> ExtractionError:
    return ExtractionError(f"file too large: {size / 1e6:.1f} MB > limit {max_bytes / 1e6:.0f} MB")


def read_file(path: Path, max_bytes: int) -> tuple[bytes, os.stat_result]:
    """The file's bytes, read once, and its status as it was opened; ExtractionError with a one-line reason.

    The status is taken before the bytes are read: a file changed while it is read then looks
    changed to the next build, which compares contents by hash and reads it again."""
    try:
        with open(path, "rb") as f:
            st = os.fstat(f.fileno())
            if not stat.S_ISREG(st.st_mode):
                raise ExtractionError("not a regular file (named pipe, socket or device)")
            if st.st_size > max_bytes:
                raise _too_large(st.st_size, max_bytes)
            data = f.read(max_bytes + 1)
    except OSError as e:
        raise ExtractionError(f"cannot read file: {e.strerror or e}") from None
    if len(data) > max_bytes:  # it grew while it was read
        raise _too_large(len(data), max_bytes)
    return data, st


def extract(path: Path, max_bytes: int, cache_dir: Path | None = None, data: bytes | None = None,
            sha256: str | None = None) -> Extracted:
    """Extract a file by its suffix; raise ExtractionError with a one-line reason when it cannot be read.

    `data` is the file's bytes when the caller has read them already (then the file is not
    opened again), `sha256` their hash; `cache_dir` keeps slow results (OCR) between builds.
    """
    suffix = path.suffix.lower()
    module = EXTRACTORS.get(suffix)
    if module is None:
        raise ExtractionError(unsupported_reason(suffix))
    if data is None:
        data, _st = read_file(path, max_bytes)
    if not data:
        raise ExtractionError("empty file")
    if len(data) > max_bytes:
        raise _too_large(len(data), max_bytes)
    # one format's libraries only: a one-file rebuild of a .txt need not import pdfplumber & co (~0.7 s)
    extractor = importlib.import_module(f".{module}", __package__).extract
    try:
        if module == "pdf":
            result = extractor(path, data, cache_dir, sha256 or hashlib.sha256(data).hexdigest())
        else:
            result = extractor(path, data)
    except ExtractionError as e:
        raise ExtractionError(one_line(str(e))) from None
    except MemoryError:
        raise ExtractionError("ran out of memory while reading") from None
    except RecursionError:
        raise ExtractionError(f"cannot read {suffix[1:]} file: nested too deeply") from None
    except Exception as e:  # a library failing on a malformed file must not stop the build
        raise ExtractionError(one_line(f"cannot read {suffix[1:]} file: {type(e).__name__}: {str(e)[:120]}")) from None
    if not any(p.text.strip() for p in result.pages):
        raise ExtractionError(one_line(result.meta.get("empty_reason") or "no text found"))
    result.warnings = [one_line(w) for w in result.warnings]
    return result


def open_package(data: bytes, kind: str) -> zipfile.ZipFile:
    """A Word, PowerPoint or Excel file's zip package, after its declared unpacked size is checked.

    Python's zipfile stops every member at its declared size (and fails its CRC if there is
    more), so the declared sizes bound what parsing can unpack."""
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as e:
        raise ExtractionError(f"corrupt {kind}: {type(e).__name__}") from None
    members = package.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        raise ExtractionError(f"{kind} has {len(members)} parts > limit {MAX_ZIP_MEMBERS}")
    unpacked = sum(m.file_size for m in members)
    if unpacked > MAX_UNZIPPED_BYTES:
        raise ExtractionError(f"{kind} unpacks to {unpacked >> 20} MB > limit {MAX_UNZIPPED_BYTES >> 20} MB "
                              f"(MAX_UNZIPPED_MB)")
    return package
