"""The current result set as CSV or JSON, from the search page's own URL (/search.csv?..., as Datasette does).

At most `Settings.max_export_rows` documents are exported (1,000 by default), best first in
the order the page shows them; the JSON says whether the set was cut (`truncated`).
"""
from __future__ import annotations

import csv
import io
from dataclasses import replace

from flask import Blueprint, current_app, jsonify

from indexer.index.backend import IndexUnavailable
from indexer.search.request import BadRequest

from .api import search_request, service
from . import api_json
from .render import label_for, ui_lang

bp = Blueprint("export", __name__)

COLUMNS = ("rank", "doc_id", "title", "date", "year", "lang", "partners", "partner_labels", "topics",
           "topic_labels", "score", "url", "passage", "page", "passage_url", "excerpt")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


@bp.get("/search.csv")
def search_csv():
    """The result set as CSV."""
    return export("csv")


@bp.get("/search.json")
def search_json():
    """The result set as JSON (the object of /api/search, with every hit up to the cap)."""
    return export("json")


def export(fmt: str):
    """Run the search of this request over the whole result set (up to the cap) and serialise it."""
    try:
        req = search_request()
    except BadRequest as e:
        return _error(fmt, str(e), 400)
    cap = current_app.config["SETTINGS"].max_export_rows
    try:
        result = service().search(replace(req, page=1, per_page=cap))
    except IndexUnavailable as e:
        return _error(fmt, str(e), 503)
    truncated = result.total > len(result.hits)
    if fmt == "json":
        return jsonify({**api_json.search_json(result, ui_lang()), "exported": len(result.hits), "limit": cap,
                        "truncated": truncated})
    return _csv_response(result, truncated)


def _csv_response(result, truncated: bool):
    base = current_app.config["SETTINGS"].public_url  # "" = relative links
    label = label_for(ui_lang())
    buf = io.StringIO()
    buf.write("\ufeff")  # a BOM, so that spreadsheet programs read the Chinese as UTF-8
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(COLUMNS)
    for rank, h in enumerate(result.hits, start=1):
        d, e = h.doc, (h.excerpts[0] if h.excerpts else None)
        doc_url = base + api_json.doc_path(d.doc_id)
        w.writerow([_cell(v) for v in (
            rank, d.doc_id, d.title, d.date or "", d.year or "", d.lang,
            ";".join(d.partners), ";".join(label(p) for p in d.partners),
            ";".join(d.topics), ";".join(label(p) for p in d.topics), round(float(h.score), 4), doc_url,
            e.n if e else "", (e.page or "") if e else "", f"{doc_url}#p-{e.n}" if e else "",
            e.snippet.plain() if e else "",
        )])
    resp = current_app.response_class(buf.getvalue(), mimetype="text/csv")
    resp.headers["Content-Disposition"] = 'attachment; filename="search-results.csv"'
    resp.headers["X-Result-Total"] = str(result.total)
    resp.headers["X-Result-Truncated"] = "1" if truncated else "0"
    return resp


def _cell(value):
    """A cell a spreadsheet will not run as a formula (text starting with = + - @ gets a quote)."""
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value
    return value


def _error(fmt: str, message: str, status: int):
    if fmt == "json":
        return jsonify({"error": message}), status
    return current_app.response_class(f"error: {message}\n", status=status, mimetype="text/plain")
