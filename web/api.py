"""The JSON API of API.md: /api/search, /api/doc/<doc_id>, /healthz."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from indexer.search.request import BadRequest, parse_request
from indexer.search.service import IndexUnavailable

bp = Blueprint("api", __name__)


def index():
    """The current index generation (IndexUnavailable when none)."""
    return current_app.extensions["index"].get()


def search_request():
    """The validated search request of this HTTP request (BadRequest when invalid)."""
    s = current_app.config["SETTINGS"]
    return parse_request(request.args.get, request.args.getlist, s.max_query_chars, s.max_page, s.max_per_page)


@bp.get("/api/search")
def api_search():
    """Search; 400 with {"error"} for an invalid parameter, 503 when no index exists."""
    try:
        req = search_request()
    except BadRequest as e:
        return jsonify({"error": str(e)}), 400
    try:
        ix = index()
    except IndexUnavailable as e:
        return jsonify({"error": str(e)}), 503
    return jsonify(ix.search(req, ui_lang=request.args.get("ui")))


@bp.get("/api/doc/<path:doc_id>")
def api_doc(doc_id: str):
    """A document with all its passages."""
    try:
        doc = index().document(doc_id)
    except IndexUnavailable as e:
        return jsonify({"error": str(e)}), 503
    if doc is None:
        return jsonify({"error": f"no document {doc_id!r}"}), 404
    return jsonify(doc)


@bp.get("/healthz")
def healthz():
    """200 ok when the index is readable."""
    try:
        ix = index()
        ix.engine.doc_count()
    except Exception as e:  # any failure to read the index is "unhealthy", never a 500 page
        return current_app.response_class(f"unavailable: {e}\n", status=503, mimetype="text/plain")
    return current_app.response_class("ok\n", status=200, mimetype="text/plain")
