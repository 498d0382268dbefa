"""Word documents (.docx) through python-docx: paragraphs and tables in document order."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn

from . import Extracted, ExtractionError, Page, open_package

_P, _TBL, _TR, _TC, _T = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc"), qn("w:t")


def _text(el) -> str:
    # by tag name: XML comments and processing instructions (which Word keeps) have no text runs
    return "".join(t.text or "" for t in el.iter(_T))


def extract(path: Path, data: bytes) -> Extracted:
    """A .docx file: body paragraphs and table rows, core properties as metadata."""
    open_package(data, "docx")
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as e:
        raise ExtractionError(f"corrupt docx: {type(e).__name__}") from None
    except PackageNotFoundError:  # not a zip at all; its message would show the server's path
        raise ExtractionError("corrupt docx: not a Word package") from None
    lines: list[str] = []
    body = document.element.body
    for child in body.iterchildren(_P, _TBL):
        if child.tag == _P:
            lines.append(_text(child))
        else:
            for row in child.iter(_TR):
                cells = [_text(cell).strip() for cell in row.iter(_TC)]
                lines.append(" | ".join(c for c in cells if c))
            lines.append("")
    meta: dict = {}
    props = document.core_properties
    if props.title:
        meta["title"] = props.title.strip()
    return Extracted(pages=[Page(None, "\n\n".join(lines))], kind="docx", meta=meta)
