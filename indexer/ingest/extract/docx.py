"""Word documents (.docx) through python-docx: paragraphs and tables in document order."""
from __future__ import annotations

import zipfile
from pathlib import Path

import docx
from docx.opc.exceptions import PackageNotFoundError

from . import Extracted, ExtractionError, Page


def extract(path: Path) -> Extracted:
    """A .docx file: body paragraphs and table rows, core properties as metadata."""
    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError) as e:
        raise ExtractionError(f"corrupt docx: {type(e).__name__}") from None
    except PackageNotFoundError:  # not a zip at all; its message would show the server's path
        raise ExtractionError("corrupt docx: not a Word package") from None
    lines: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = "".join(t.text or "" for t in child.iter() if t.tag.endswith("}t"))
            lines.append(text)
        elif tag == "tbl":
            for row in child.iter():
                if row.tag.endswith("}tr"):
                    cells = []
                    for cell in row.iter():
                        if cell.tag.endswith("}tc"):
                            cells.append("".join(t.text or "" for t in cell.iter() if t.tag.endswith("}t")).strip())
                    lines.append(" | ".join(c for c in cells if c))
            lines.append("")
    meta: dict = {}
    props = document.core_properties
    if props.title:
        meta["title"] = props.title.strip()
    return Extracted(pages=[Page(None, "\n\n".join(lines))], kind="docx", meta=meta)
