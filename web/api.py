"""The JSON API of API.md: /api/search, /api/doc/<doc_id>, /healthz."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from indexer.index.backend import IndexUnavailable
from indexer.search.request import BadRequest, parse_request

from .api_json import document_json, search_json, similar_json

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


def passage_number(value: str | None) -> int | None:
    """The `n` of a passage (0-based, as anchors #p-N), or None when it is not a number."""
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) <= 9 else None


@bp.get("/api/similar/<path:doc_id>")
def api_similar(doc_id: str):
    """"More like this": passages of other documents like passage `n`, as hits of /api/search."""
    try:
        svc = service()
        if svc.backend.document(doc_id) is None:  # no such document, whatever else is asked
            return jsonify({"error": f"no document {doc_id[:200]!r}"}), 404
        n = passage_number(request.args.get("n"))
        if n is None:
            return jsonify({"error": "n must be a passage number (0, 1, 2, ... as in the anchors #p-N)"}), 400
        result = svc.similar(doc_id, n)
    except IndexUnavailable as e:
        return jsonify({"error": str(e)}), 503
    if result is None:
        return jsonify({"error": f"no passage {n} in {doc_id[:200]!r}"}), 404
    return jsonify(similar_json(result))


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
