"""The incremental build: scan the corpus, re-read what changed, publish a new generation.

Unchanged files (same size and mtime, or same content hash) are not re-read; changed files are
re-extracted and replace their old passages; files that disappeared are removed. Files that
cannot be read are reported with a one-line reason and the build goes on.

Every file is read once, in a reader process under limits (`readers`): the bytes it hashes are
the bytes it extracts, so the stored hash always describes the indexed text.
"""
from __future__ import annotations

import hashlib
import importlib
import os
import stat
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from indexer.analysis.segment import fingerprint as segmenter_fingerprint
from indexer.analysis.tokens import ANALYSIS_VERSION, OCR_CONFUSIONS_FILE
from indexer.config import EXTRACTORS, NOT_DOCUMENT_NAMES, NOT_DOCUMENTS, SUPPORTED_SUFFIXES, Settings
from indexer.ingest import metadata
from indexer.ingest.documents import Document, document_from_extracted
from indexer.ingest.extract import ExtractionError, Extracted, extract, one_line, read_file, unsupported_reason

from . import backends, readers
from .backend import IndexUnavailable, PreviousGeneration
from .lock import BuildLocked
from .records import FileState

PASSAGE_VERSION = "7"  # bump when extraction, cutting, tagging or the engine's format changes: every file is re-read
# (6: ruled PDF tables read cell by cell, table rows their own paragraphs;
#  7: segments written from arrays, index/local/segments.py; pid a column only)
PDF_ROUTES = ("fast", "layout", "pdfminer", "ocr")
EXTRACT_WINDOW = 32  # files read ahead of the indexer: their documents wait in memory


class BuildError(Exception):
    """Nothing could be published (no readable corpus, no writable index folder)."""


@dataclass
class BuildReport:
    """What a build did; `as_json()` is the `--json` report of API.md."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    failed: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    generation: str | None = None
    seconds: float = 0.0
    bytes_read: int = 0
    pages: int = 0  # pages read: PDF pages, slides, sheets; a text file is one
    pdf_pages: dict = field(default_factory=lambda: dict.fromkeys(PDF_ROUTES, 0))  # how PDF pages were read
    passages: int = 0
    unreadable_dirs: list[str] = field(default_factory=list)  # their documents are kept, not removed
    skipped: list[dict] = field(default_factory=list)  # files not read by design (a LICENSE, data, checksums), with the reason

    def as_json(self) -> dict:
        """The machine-readable report."""
        return {
            "added": self.added, "updated": self.updated, "removed": self.removed,
            "unchanged": self.unchanged, "failed": self.failed, "skipped": self.skipped, "warnings": self.warnings,
            "generation": self.generation, "seconds": round(self.seconds, 3),
            "bytes_read": self.bytes_read, "pages": self.pages, "pdf_pages": self.pdf_pages,
            "mb_per_s": round(self.bytes_read / 1e6 / self.seconds, 3) if self.seconds and self.bytes_read else None,
            "pages_per_s": round(self.pages / self.seconds, 1) if self.seconds and self.pages else None,
        }


def analysis_fingerprint() -> str:
    """Changes whenever indexed terms would change; a mismatch forces a full rebuild."""
    ocr = hashlib.sha1(OCR_CONFUSIONS_FILE.read_bytes()).hexdigest()[:8]
    return f"a{ANALYSIS_VERSION}-p{PASSAGE_VERSION}-{segmenter_fingerprint()}-{ocr}"


@dataclass
class _Candidate:
    doc_id: str
    path: Path
    size: int
    mtime_ns: int
    meta: dict
    meta_hash: str


def _shown(rel: str) -> str:
    """A path as it can be printed and stored: bytes that are not UTF-8 shown as \\xNN."""
    return os.fsencode(rel).decode("utf-8", "backslashreplace")


def not_a_document(name: str) -> str | None:
    """Why a file beside the documents is not read by design (a listing, data, a checksum), or None."""
    p = Path(name)
    what = NOT_DOCUMENTS.get(p.suffix.lower()) if p.suffix else NOT_DOCUMENT_NAMES.get(p.name.lower())
    return f"{what}{f' ({p.suffix.lower()})' if p.suffix else ''}, not read by design" if what else None


def scan_corpus(corpus: Path, report: BuildReport) -> list[_Candidate]:
    """Every document file under the corpus, with its catalogue metadata; problems go to the report."""
    catalog, problems = metadata.load_catalog(corpus)
    for path, reason in problems:
        report.warnings.append({"path": path, "error": reason})
    root = corpus.resolve()
    seen_dirs: set[tuple[int, int]] = set()
    out: list[_Candidate] = []

    def on_error(err: OSError) -> None:
        rel = _shown(os.path.relpath(err.filename, corpus)) if err.filename else "?"
        report.failed.append({"path": rel, "error": f"cannot read folder: {err.strerror}"})
        report.unreadable_dirs.append(rel)

    for dirpath, dirnames, filenames in os.walk(corpus, followlinks=True, onerror=on_error):
        try:
            st = os.stat(dirpath)
        except OSError:
            continue
        key = (st.st_dev, st.st_ino)
        if key in seen_dirs:  # a symlink loop or a folder reached twice
            rel = _shown(os.path.relpath(dirpath, corpus))
            report.failed.append({"path": rel, "error": "symlink loop: folder already scanned"})
            dirnames[:] = []
            continue
        seen_dirs.add(key)
        real_dir = Path(dirpath).resolve()
        if real_dir != root and root not in real_dir.parents:
            rel = _shown(os.path.relpath(dirpath, corpus))
            report.failed.append({"path": rel, "error": "symlink points outside the corpus"})
            dirnames[:] = []
            continue
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            path = Path(dirpath) / name
            rel = path.relative_to(corpus).as_posix()
            if metadata.is_metadata_file(rel):
                continue
            if _shown(rel) != rel:  # e.g. GBK names unpacked from a Windows archive
                report.failed.append({"path": _shown(rel), "error": "file name is not valid UTF-8: rename the file"})
                continue
            try:
                st = os.lstat(path)
                if stat.S_ISLNK(st.st_mode):
                    real = path.resolve(strict=True)
                    if root not in real.parents:
                        report.failed.append({"path": rel, "error": "symlink points outside the corpus"})
                        continue
                    st = path.stat()
                # else: a plain entry of a folder already checked to be inside the corpus (resolving
                # every path costs a system call per path component: a second at 100k files)
            except (OSError, RuntimeError) as e:
                reason = "symlink loop" if isinstance(e, RuntimeError) or getattr(e, "errno", 0) == 40 else \
                    f"cannot read file: {getattr(e, 'strerror', None) or e}"
                report.failed.append({"path": rel, "error": reason})
                continue
            if not stat.S_ISREG(st.st_mode):  # reading a named pipe would block the build forever
                report.failed.append({"path": rel, "error": "not a regular file (named pipe, socket or device)"})
                continue
            if path.suffix.lower() not in SUPPORTED_SUFFIXES:
                skip = not_a_document(name)
                if skip:
                    report.skipped.append({"path": rel, "reason": skip})
                else:
                    report.failed.append({"path": rel, "error": unsupported_reason(path.suffix)})
                continue
            meta = dict(catalog.get(rel, {}))
            sidecar = metadata.sidecar_for(path)
            if sidecar is not None:
                try:
                    meta.update(metadata.load_sidecar(sidecar))
                except metadata.MetadataError as e:
                    report.warnings.append({"path": sidecar.relative_to(corpus).as_posix(), "error": str(e)})
            out.append(_Candidate(rel, path, st.st_size, st.st_mtime_ns, meta, metadata.fingerprint(meta)))
    return out


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _keep_text(ex: Extracted, max_chars: int) -> None:
    """Cut the extracted text at `max_chars` characters, naming the cut in a warning."""
    total = 0
    for i, page in enumerate(ex.pages):
        if total + len(page.text) > max_chars:
            page.text = page.text[: max(0, max_chars - total)]
            del ex.pages[i + 1:]
            where = f" (from page {page.number})" if page.number else ""
            ex.warnings.append(f"only the first {max_chars} characters indexed{where} (MAX_TEXT_CHARS)")
            return
        total += len(page.text)


def _extract_one(job) -> tuple[str, Document | None, str | None, dict]:
    """In a reader: read the file once, hash those bytes, extract the document from the same bytes.

    (doc_id, document or None, error, stats). Stats carry the hash, size and mtime of the bytes
    read, the pages read and, for PDFs, how each page was read. When the bytes hash as
    `known_sha256` (the indexed content), nothing is extracted: (doc_id, None, None, stats)."""
    path, doc_id, meta, known_sha256, max_bytes, target, maximum, cache_dir, max_chars = job
    try:
        data, st = read_file(Path(path), max_bytes)
    except ExtractionError as e:
        return doc_id, None, str(e), {}
    digest = _sha256(data)
    state = {"sha256": digest, "size": st.st_size, "mtime_ns": st.st_mtime_ns}
    if digest == known_sha256:
        return doc_id, None, None, state
    try:
        ex = extract(Path(path), max_bytes, cache_dir, data=data, sha256=digest)
        del data  # the reader's memory limit covers the document built next
        _keep_text(ex, max_chars)
        doc = document_from_extracted(ex, doc_id, meta, target, maximum)
        return doc_id, doc, None, {"pages": ex.stats.get("pages", len(ex.pages)), **ex.stats, **state}
    except ExtractionError as e:
        return doc_id, None, str(e), {}
    except MemoryError:
        raise  # the reader reports it with its limit
    except Exception as e:  # never let one file stop the build
        return doc_id, None, one_line(f"internal error while reading: {type(e).__name__}: {str(e)[:120]}"), {}


def _file_state(c: _Candidate, stats: dict) -> FileState:
    """What the next build compares: the size, mtime and hash of the bytes that were read."""
    return FileState(stats.get("size", c.size), stats.get("mtime_ns", c.mtime_ns), stats["sha256"], c.meta_hash)


def _progress(total: int, quiet: bool):
    if quiet or total < 20 or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="file", desc="indexing", file=sys.stderr, leave=False)


def build(settings: Settings, rebuild: bool = False, log=print, quiet: bool = False) -> BuildReport:
    """Run one incremental build and publish it; BuildError when nothing could be published."""
    t0 = time.monotonic()
    corpus = settings.corpus_dir
    if not corpus.is_dir():
        raise BuildError(f"corpus folder not found: {corpus}")
    try:
        os.listdir(corpus)
    except OSError as e:  # publishing an empty index would drop every document
        raise BuildError(f"corpus folder not readable: {corpus}: {e.strerror}") from None
    target = _target(settings)
    try:
        return _build(settings, target, rebuild, log, quiet, t0)
    except (IndexUnavailable, BuildLocked) as e:  # the cluster went away, another build holds the index
        raise BuildError(str(e)) from None


def _build(settings: Settings, target, rebuild: bool, log, quiet: bool, t0: float) -> BuildReport:
    corpus = settings.corpus_dir
    report = BuildReport()
    with target.locked():
        previous = None if rebuild else _previous(target, log)
        old_states = previous.file_states if previous is not None else {}
        candidates = scan_corpus(corpus, report)
        by_id = {c.doc_id: c for c in candidates}
        to_read: list[_Candidate] = []
        known: dict[str, str | None] = {}  # the indexed content's hash: a reader compares before extracting
        for c in candidates:
            st = old_states.get(c.doc_id)
            if st and st.size == c.size and st.mtime_ns == c.mtime_ns and st.meta_hash == c.meta_hash:
                report.unchanged += 1
                continue
            to_read.append(c)
            known[c.doc_id] = st.sha256 if st and st.meta_hash == c.meta_hash else None
        failed_ids = {f["path"] for f in report.failed}
        # a file or folder that cannot be read now keeps its previously indexed documents: nothing is lost
        hidden = tuple(d.rstrip("/") + "/" for d in report.unreadable_dirs)
        gone = [d for d in old_states if d not in by_id and d not in failed_ids and not d.startswith(hidden)]

        if previous is not None and not to_read and not gone:
            report.generation = previous.name
            report.seconds = time.monotonic() - t0
            return report

        generation = target.begin(previous, len(to_read))
        try:
            for doc_id in gone:
                generation.delete(doc_id)
                report.removed += 1
            jobs = [(str(c.path), c.doc_id, c.meta, known[c.doc_id], settings.max_file_bytes,
                     settings.passage_target_chars, settings.passage_max_chars, settings.cache_dir,
                     settings.max_text_chars)
                    for c in to_read]
            bar = _progress(len(jobs), quiet)
            for doc_id, doc, error, stats in _run_jobs(jobs, settings, report):
                c = by_id[doc_id]
                existed = doc_id in old_states
                if doc is None and error is None:  # touched, same bytes: only its state is refreshed
                    report.unchanged += 1
                    generation.keep(doc_id, _file_state(c, stats))
                elif doc is None:
                    kept = "; the previously indexed version is kept" if existed else ""
                    report.failed.append({"path": doc_id, "error": error + kept})
                else:
                    state = _file_state(c, stats)
                    if existed:
                        generation.replace(doc, state)
                    else:
                        generation.add(doc, state)
                    _count(report, c, doc, stats, existed)
                if bar is not None:
                    bar.update(1)
            if bar is not None:
                bar.close()
            report.generation = generation.publish({
                "fingerprint": analysis_fingerprint(), "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "corpus": str(corpus)})
        except BaseException:
            generation.abandon()
            raise
    report.failed.sort(key=lambda f: f["path"])
    report.seconds = time.monotonic() - t0
    return report


def _target(settings: Settings):
    """The configured backend's index, checked to be writable."""
    if settings.search_backend == "local":
        index_dir = settings.index_dir
        try:
            index_dir.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise BuildError(f"index folder not writable: {index_dir}: {e.strerror}") from None
        if not os.access(index_dir, os.W_OK):
            raise BuildError(f"index folder not writable: {index_dir}")
    try:
        return backends.target(settings)
    except IndexUnavailable as e:
        raise BuildError(str(e)) from None


def _previous(target, log) -> PreviousGeneration | None:
    """The published generation to build on, or None when everything must be read again."""
    try:
        previous = target.previous()
    except Exception as e:
        log(f"previous index unreadable ({type(e).__name__}): rebuilding everything")
        return None
    if previous is not None and previous.fingerprint != analysis_fingerprint():
        log("analysis changed since the last build: rebuilding everything")
        return None
    return previous


def _count(report: BuildReport, c: "_Candidate", doc: Document, stats: dict, existed: bool) -> None:
    """Add a document read to the report's figures."""
    report.bytes_read += c.size
    report.pages += stats["pages"]
    for route in PDF_ROUTES:
        report.pdf_pages[route] += stats.get(route, 0)
    report.passages += len(doc.passages)
    report.updated += existed
    report.added += not existed
    for w in doc.warnings:
        report.warnings.append({"path": doc.doc_id, "error": w})


def _run_jobs(jobs: list[tuple], settings: Settings, report: BuildReport):
    """Read every file in reader processes under the configured limits; (doc_id, doc, error, stats) in job order.

    A file whose reader died once and was read again is named in a warning."""
    if not jobs:
        return
    from indexer.analysis.segment import get_segmenter
    from indexer.analysis.taxonomy import load_taxonomy

    get_segmenter()  # load dictionaries before forking, so readers inherit them (read-across text uses them)
    load_taxonomy().tag("World Customs Organization 世界海关组织")  # and the tagger's name variants
    for suffix in {Path(job[0]).suffix.lower() for job in jobs}:  # and the extractors these files need
        try:
            importlib.import_module(f"indexer.ingest.extract.{EXTRACTORS[suffix]}")
        except (KeyError, ImportError):  # a reader reports it with the file
            pass
    limits = readers.Limits(
        memory_bytes=settings.reader_memory_mb << 20,
        seconds=settings.reader_seconds,
        # a document's passages, tags and pickling overhead: generous for the text that is kept
        result_bytes=max(64 << 20, 16 * settings.max_text_chars),
        tree_bytes=settings.build_memory_mb << 20,
    )
    for outcome in readers.run(_extract_one, jobs, min(settings.build_workers, len(jobs)), limits, EXTRACT_WINDOW):
        doc_id = outcome.job[1]
        if outcome.error is not None:
            yield doc_id, None, one_line(outcome.error), {}
            continue
        if outcome.retried:
            report.warnings.append({"path": doc_id, "error": f"read again: {outcome.retried}"})
        yield outcome.result
