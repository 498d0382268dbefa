"""The original files: read in the browser where it can show them, else downloaded.

Only indexed documents, only regular files inside the corpus folder (symlinks resolved). A PDF
opens in the browser's own viewer (a link may add `#page=N`); text and Markdown are shown as
UTF-8 text whatever their encoding; an HTML original is shown as its source text, never as a
page of this site (its scripts would run with our origin). `?download=1` sends the bytes as they
are, as an attachment; formats no browser shows (Word, PowerPoint, Excel) are always downloaded.
No document can run script here: every file response says `nosniff` and carries a policy that
allows no script. A document's citation is downloaded here too, as RIS or BibTeX.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import quote

from flask import Blueprint, Response, abort, current_app, request, send_file

from indexer.index.backend import IndexUnavailable
from indexer.ingest.extract import ExtractionError

from . import citation
from .api import service
from .api_json import document_json
from .i18n import t
from .render import ui_lang

bp = Blueprint("files", __name__)

TEXT = "text/plain; charset=utf-8"
# what the browser is given to show, by suffix
INLINE = {".pdf": "application/pdf", ".txt": TEXT, ".text": TEXT, ".md": TEXT, ".markdown": TEXT,
          ".html": TEXT, ".htm": TEXT}
# what a download is labelled: the real type where it can do no harm, else plain bytes
DOWNLOAD = {".pdf": "application/pdf",
            ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
# a PDF viewer's page needs its own inline styles (Chromium) and must not be sandboxed (Firefox
# then refuses to show it); nothing in it may load or run anything from here
PDF_POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; form-action 'none'"
TEXT_POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox"
DOWNLOAD_POLICY = "default-src 'none'; sandbox"


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


def shown_inline(doc_id: str) -> bool:
    """Whether the browser is given this document's original to show (else it is downloaded)."""
    return Path(doc_id).suffix.lower() in INLINE


def is_pdf(doc_id: str) -> bool:
    """Whether the original is a PDF (whose pages a link can open in the browser's viewer)."""
    return Path(doc_id).suffix.lower() == ".pdf"


def file_url(doc_id: str, page: int | None = None, download: bool = False) -> str:
    """The original's URL; a PDF at `page` (the browser's viewer reads `#page=N`), or as a download."""
    url = "/file/" + quote(doc_id, safe="/")
    if download:
        return url + "?download=1"
    return url + (f"#page={page}" if page and is_pdf(doc_id) else "")


@bp.get("/file/<doc_id:doc_id>")
def original(doc_id: str):
    """The original file of an indexed document, shown or downloaded; 404 for anything else."""
    lang = ui_lang()
    try:
        known = service().backend.document(doc_id) is not None
    except IndexUnavailable:
        abort(404, description=t("not_found", lang))
    path = corpus_file(current_app.config["SETTINGS"].corpus_dir, doc_id) if known else None
    if path is None:
        abort(404, description=t("file_not_found", lang))
    suffix = path.suffix.lower()
    if request.args.get("download") or suffix not in INLINE:
        return _sent(send_file(path, mimetype=DOWNLOAD.get(suffix, "application/octet-stream"), as_attachment=True,
                               download_name=_header_safe(path.name), max_age=0, conditional=True), DOWNLOAD_POLICY)
    if INLINE[suffix] != TEXT:
        resp = send_file(path, mimetype=INLINE[suffix], as_attachment=False, download_name=_header_safe(path.name),
                         max_age=0, conditional=True)
        return _sent(resp, PDF_POLICY)
    return _sent(_as_text(path), TEXT_POLICY)


def _as_text(path: Path):
    """A text file as UTF-8 (an original in GBK or UTF-16 would show as mojibake otherwise)."""
    from indexer.ingest.extract.text import decode  # the text reader's encoding detection, when a text is asked for

    data = path.read_bytes()
    try:
        text = decode(data)
    except ExtractionError:
        text = data.decode("utf-8", "replace")
    resp = current_app.response_class(text, content_type=TEXT)
    resp.headers["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(path.name)}"
    resp.headers["Cache-Control"] = "no-cache"
    return resp


def _sent(resp, policy: str):
    resp.headers["Content-Security-Policy"] = policy
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    return resp


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
