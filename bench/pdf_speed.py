"""PDF extraction speed: pages per second of each route, against pdfplumber measured in the same run.

    .venv/bin/python -m bench.pdf_speed [FOLDER ...] [--baseline-pages N] [--json]

Folders default to ../shared/pdf-samples and ../shared/archive/en_pdfs. Routes measured on every
page that has a text layer:
- pdfium text: pypdfium2's page text alone (the floor of the fast path);
- fast path: pdfium lines with boxes, the simplicity test and paragraph marks (pages it accepts);
- layout path: every glyph from pdfium, over-prints removed, columns and paragraphs;
- extract(): what the build runs (route chosen per page, running lines removed; OCR off);
- baseline: pdfplumber `dedupe_chars().extract_text()` (the walking skeleton's reader), on the
  first N pages only because it is slow.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from indexer.config import PROJECT_ROOT

DEFAULT_FOLDERS = [PROJECT_ROOT.parent / "shared" / "pdf-samples", PROJECT_ROOT.parent / "shared" / "archive" / "en_pdfs"]


def _pdfs(folders: list[Path]) -> list[Path]:
    return sorted(p for f in folders if f.is_dir() for p in f.rglob("*.pdf"))


def _timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def measure(files: list[Path], baseline_pages: int) -> dict:
    """Seconds and pages of each route over `files`."""
    import pdfplumber

    from indexer.ingest.extract import ExtractionError, ocr, pdf, pdf_pdfium, quality
    from indexer.ingest.extract.pdf_layout import layout_lines, read_blocks

    results = {k: {"pages": 0, "seconds": 0.0} for k in ("pdfium_text", "fast_path", "layout_path", "extract", "baseline")}
    text_pages: list[tuple[Path, int]] = []
    for path in files:
        try:
            doc = pdf_pdfium.open_pdf(path)
        except ExtractionError:
            continue
        for i in range(len(doc)):
            page = doc[i]
            fast = pdf_pdfium.fast_lines(page)
            if fast is None or quality.garbage_reason(fast[1]):
                continue
            text_pages.append((path, i))
            r = results["pdfium_text"]
            r["seconds"] += _timed(lambda: page.get_textpage().get_text_range())
            r["pages"] += 1
            lines_holder = {}

            def fast_route():
                lines, _text = pdf_pdfium.fast_lines(page)
                lines_holder["simple"] = pdf_pdfium.is_simple(lines)
                if lines_holder["simple"]:
                    read_blocks([lines])
            seconds = _timed(fast_route)
            if lines_holder["simple"]:
                results["fast_path"]["seconds"] += seconds
                results["fast_path"]["pages"] += 1

            def layout_route():
                glyphs, width, _height = pdf_pdfium.glyphs(page)
                layout_lines(glyphs, width)
            results["layout_path"]["seconds"] += _timed(layout_route)
            results["layout_path"]["pages"] += 1
        doc.close()
    available = ocr.available
    ocr.available = lambda: False  # OCR speed is tesseract's, not ours: measured apart
    try:
        for path in files:
            r = results["extract"]
            try:
                seconds = _timed(lambda: r.setdefault("_last", pdf.extract(path)))
            except ExtractionError:
                continue
            r["seconds"] += seconds
            r["pages"] += r.pop("_last").stats["pages"]
    finally:
        ocr.available = available
    for path, i in text_pages[:baseline_pages]:
        with pdfplumber.open(str(path)) as doc:
            page = doc.pages[i]
            results["baseline"]["seconds"] += _timed(lambda: page.dedupe_chars().extract_text())
            results["baseline"]["pages"] += 1
    return results


def report(results: dict) -> list[str]:
    """Lines of the table: pages, seconds, pages/s and the ratio to the pdfplumber baseline."""
    def rate(r):
        return r["pages"] / r["seconds"] if r["seconds"] else 0.0
    base = rate(results["baseline"]) or None
    out = [f"{'route':<13}{'pages':>7}{'seconds':>10}{'pages/s':>10}{'x baseline':>12}"]
    for name, r in results.items():
        ratio = f"{rate(r) / base:.1f}" if base else "-"
        out.append(f"{name:<13}{r['pages']:>7}{r['seconds']:>10.2f}{rate(r):>10.1f}{ratio:>12}")
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its table (or JSON)."""
    p = argparse.ArgumentParser(prog="python -m bench.pdf_speed", description=__doc__.split("\n")[0])
    p.add_argument("folders", nargs="*", type=Path)
    p.add_argument("--baseline-pages", type=int, default=40, help="pdfplumber pages to time (it is slow)")
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    files = _pdfs(args.folders or DEFAULT_FOLDERS)
    if not files:
        print("no PDF found in " + ", ".join(map(str, args.folders or DEFAULT_FOLDERS)), file=sys.stderr)
        return 2
    results = measure(files, args.baseline_pages)
    if args.json:
        print(json.dumps({k: {**v, "pages_per_s": round(v["pages"] / v["seconds"], 1) if v["seconds"] else None}
                          for k, v in results.items()}, indent=2))
    else:
        print(f"{len(files)} PDF files")
        print("\n".join(report(results)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
