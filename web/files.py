"""Downloads of a document: its original file (only indexed documents, only from inside the corpus folder) and its citation."""
from __future__ import annotations

from pathlib import Path

import datetime as dt

from flask import Blueprint, Response, abort, current_app, request, send_file

from indexer.index.backend import IndexUnavailable

from . import citation
from .api import service
from .api_json import document_json
from .i18n import t
from .render import ui_lang

bp = Blueprint("files", __name__)


def corpus_file(corpus_dir: Path, doc_id: str) -> Path | None:
    """The file of `doc_id` when it is a regular file inside the corpus folder (symlinks resolved)."""
    if not doc_id or "\x00" in doc_id or doc_id.startswith("/"):
        return None
    parts = doc_id.split("/")
    if any(p in ("", ".", "..") for p in parts):
        return None
    root = corpus_dir.resolve()
    try:
        path = (root / Path(*parts)).resolve(strict=True)
    except (OSError, RuntimeError, ValueError):
        return None
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return path


@bp.get("/file/<doc_id:doc_id>")
def download(doc_id: str):
    """The original file of an indexed document, as an attachment; 404 for anything else."""
    lang = ui_lang()
    try:
        known = service().backend.document(doc_id) is not None
    except IndexUnavailable:
        abort(404, description=t("not_found", lang))
    path = corpus_file(current_app.config["SETTINGS"].corpus_dir, doc_id) if known else None
    if path is None:
        abort(404, description=t("file_not_found", lang))
    return send_file(path, as_attachment=True, download_name=_header_safe(path.name), max_age=0, conditional=True)


@bp.get("/cite/<doc_id:doc_id>")
def cite(doc_id: str):
    """The citation of a document, or of its passage `n`, as RIS (`format=ris`) or BibTeX (`format=bib`)."""
    lang = ui_lang()
    fmt = request.args.get("format", "ris")
    if fmt not in citation.FORMATS:
        abort(400, description=t("bad_cite_format", lang))
    try:
        view = service().document(doc_id)
    except IndexUnavailable:
        abort(503, description=t("index_missing", lang))
    if view is None:
        abort(404, description=t("not_found", lang))
    doc = document_json(view)
    passage = None
    if request.args.get("n"):
        passage = next((p for p in doc["passages"] if str(p["n"]) == request.args["n"]), None)
        if passage is None:
            abort(404, description=t("no_such_passage", lang))
    c = citation.cite(doc, passage, current_app.config["SETTINGS"].public_url)
    today = dt.date.today().isoformat()
    body = citation.ris(c, today) if fmt == "ris" else citation.bibtex(c, today)
    mime = citation.FORMATS[fmt][0]
    name = citation.filename(c, fmt)
    return Response(body, mimetype=mime, headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _header_safe(name: str) -> str:
    """A file name fit for a Content-Disposition header: control characters (a newline) replaced."""
    return "".join("_" if ord(ch) < 32 or ord(ch) == 127 else ch for ch in name)
