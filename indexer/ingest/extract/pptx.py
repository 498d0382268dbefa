"""Slide decks (.pptx) through python-pptx: one page per slide, its title first, then text
frames top to bottom, tables row by row, and the speaker notes."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

from . import Extracted, ExtractionError, Page, open_package


def _shape_texts(shape) -> list[str]:
    if shape.shape_type == 6 and hasattr(shape, "shapes"):  # a group: its members in place
        return [t for s in _ordered(shape.shapes) for t in _shape_texts(s)]
    if getattr(shape, "has_table", False) and shape.has_table:
        rows = []
        for row in shape.table.rows:
            cells = [c.text.strip() for c in row.cells]
            if any(cells):
                rows.append(" | ".join(c for c in cells if c))
        return rows
    if getattr(shape, "has_text_frame", False) and shape.has_text_frame:
        return [p for p in (para_text(p) for p in shape.text_frame.paragraphs) if p]
    return []


def para_text(paragraph) -> str:
    """A paragraph's runs joined; line breaks inside it become spaces."""
    return "".join(r.text for r in paragraph.runs).replace("\v", " ").strip() or paragraph.text.strip()


def _ordered(shapes):
    """Shapes top to bottom, then left to right (the order a reader scans a slide)."""
    return sorted(shapes, key=lambda s: ((s.top or 0) // 100000, s.left or 0))


def extract(path: Path, data: bytes) -> Extracted:
    """A .pptx file: each slide one page (numbered as the slide), core title as metadata."""
    import pptx
    from pptx.exc import PackageNotFoundError

    open_package(data, "pptx")
    try:
        deck = pptx.Presentation(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, PackageNotFoundError) as e:
        raise ExtractionError(f"corrupt pptx: {type(e).__name__}") from None
    pages: list[Page] = []
    for number, slide in enumerate(deck.slides, start=1):
        title_shape = slide.shapes.title
        blocks: list[str] = []
        if title_shape is not None and title_shape.has_text_frame and title_shape.text_frame.text.strip():
            blocks.append(" ".join(title_shape.text_frame.text.split()))
        for shape in _ordered(slide.shapes):
            if title_shape is not None and shape.shape_id == title_shape.shape_id:
                continue
            blocks += _shape_texts(shape)
        if slide.has_notes_slide:
            notes = slide.notes_slide.notes_text_frame
            if notes is not None and notes.text.strip():
                blocks.append(notes.text.strip())
        pages.append(Page(number, "\n\n".join(blocks)))
    meta: dict = {}
    if deck.core_properties.title:
        meta["title"] = deck.core_properties.title.strip()
    return Extracted(pages=pages, kind="pptx", meta=meta)
