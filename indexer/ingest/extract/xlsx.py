"""Spreadsheets (.xlsx) through openpyxl: registers of agreements, visits and events are kept in
Excel. Each sheet is one page of rows, cells joined by " | ", the header row repeated nowhere."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

from indexer.config import MAX_SHEET_CELLS

from . import Extracted, ExtractionError, Page, open_package

MAX_ROWS = 50_000  # rows with text per sheet; a larger sheet is data, not a record to read


def _cell(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10] if getattr(value, "hour", 0) == 0 else value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def extract(path: Path, data: bytes) -> Extracted:
    """An .xlsx file: one page per sheet (numbered in order), the sheet name as a heading."""
    import openpyxl

    open_package(data, "xlsx")
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
        raise ExtractionError(f"corrupt xlsx: {type(e).__name__}") from None
    pages: list[Page] = []
    warnings: list[str] = []
    visited = 0  # cells looked at, the empty ones openpyxl fills in included
    try:
        for number, sheet in enumerate(book.worksheets, start=1):
            # the declared dimension ("A1:XFD1048576") would make every row 16,384 cells wide:
            # without it, a row is as wide as its last cell and missing rows are empty tuples
            sheet.reset_dimensions()
            lines = [sheet.title]
            for row in sheet.iter_rows(values_only=True):
                visited += len(row) + 1
                if visited > MAX_SHEET_CELLS:
                    warnings.append(f"sheet {sheet.title}: read up to row {len(lines)} only (too many cells)")
                    break
                cells = [_cell(v) for v in row if v is not None]
                if any(cells):
                    if len(lines) > MAX_ROWS:
                        warnings.append(f"sheet {sheet.title}: only the first {MAX_ROWS} rows read")
                        break
                    lines.append(" | ".join(c for c in cells if c))
            pages.append(Page(number, "\n".join(lines) if len(lines) > 1 else ""))
        title = book.properties.title if book.properties else None
    finally:
        book.close()
    meta = {"title": title.strip()} if title and title.strip() else {}
    return Extracted(pages=pages, kind="xlsx", meta=meta, warnings=warnings)
