"""Files to text: one extractor per format, each giving pages of text and the file's own metadata.

Every failure is an `ExtractionError` whose message is the one-line reason shown in the build
report ("corrupt PDF: ...", "empty file", "unknown type .xyz").
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path

from indexer.config import EXTRACTORS, LEGACY_OFFICE


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


def extract(path: Path, max_bytes: int, cache_dir: Path | None = None) -> Extracted:
    """Extract a file by its suffix; raise ExtractionError with a one-line reason when it cannot be read.

    `cache_dir` keeps slow results (OCR) between builds.
    """
    suffix = path.suffix.lower()
    module = EXTRACTORS.get(suffix)
    if module is None:
        raise ExtractionError(unsupported_reason(suffix))
    try:
        size = path.stat().st_size
    except OSError as e:
        raise ExtractionError(f"cannot read file: {e.strerror or e}") from None
    if size == 0:
        raise ExtractionError("empty file")
    if size > max_bytes:
        raise ExtractionError(f"file too large: {size / 1e6:.1f} MB > limit {max_bytes / 1e6:.0f} MB")
    # one format's libraries only: a one-file rebuild of a .txt need not import pdfplumber & co (~0.7 s)
    extractor = importlib.import_module(f".{module}", __package__).extract
    try:
        result = extractor(path, cache_dir) if module == "pdf" else extractor(path)
    except ExtractionError:
        raise
    except MemoryError:
        raise ExtractionError("out of memory while reading") from None
    except Exception as e:  # a library failing on a malformed file must not stop the build
        raise ExtractionError(f"cannot read {suffix[1:]} file: {type(e).__name__}: {str(e)[:120]}") from None
    if not any(p.text.strip() for p in result.pages):
        raise ExtractionError(result.meta.get("empty_reason") or "no text found")
    return result


def read_bytes(path: Path) -> bytes:
    """The file's bytes, with OS errors turned into a one-line reason."""
    try:
        return path.read_bytes()
    except OSError as e:
        raise ExtractionError(f"cannot read file: {e.strerror or e}") from None
