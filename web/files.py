"""Downloading a document's original file: only indexed documents, only from inside the corpus folder."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, send_file

from indexer.index.backend import IndexUnavailable

from .api import service
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


def _header_safe(name: str) -> str:
    """A file name fit for a Content-Disposition header: control characters (a newline) replaced."""
    return "".join("_" if ord(ch) < 32 or ord(ch) == 127 else ch for ch in name)
