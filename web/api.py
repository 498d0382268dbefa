"""The JSON API of API.md: /api/search, /api/doc/<doc_id>, /healthz."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from indexer.index.backend import IndexUnavailable
from indexer.search.request import BadRequest, parse_request

from .api_json import document_json, search_json

bp = Blueprint("api", __name__)


def service():
    """The search service over the current index generation (IndexUnavailable when none)."""
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
        svc = service()
    except IndexUnavailable as e:
        return jsonify({"error": str(e)}), 503
    return jsonify(search_json(svc.search(req), request.args.get("ui")))


@bp.get("/api/doc/<doc_id:doc_id>")
def api_doc(doc_id: str):
    """A document with all its passages."""
    try:
        view = service().document(doc_id)
    except IndexUnavailable as e:
        return jsonify({"error": str(e)}), 503
    if view is None:
        return jsonify({"error": f"no document {doc_id!r}"}), 404
    return jsonify(document_json(view))


@bp.get("/healthz")
def healthz():
    """200 "ok <backend> <generation>" when the index can answer; 503 with the reason when it cannot."""
    backend = current_app.config["SETTINGS"].search_backend
    try:
        svc = service()
        svc.backend.doc_count()
    except Exception as e:  # any failure to read the index is "unhealthy", never a 500 page
        reason = " ".join(str(e).split())[:300]
        return current_app.response_class(f"unavailable {backend}: {reason}\n", status=503, mimetype="text/plain")
    return current_app.response_class(f"ok {backend} {svc.generation}\n", status=200, mimetype="text/plain")
