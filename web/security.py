"""Response headers and error handlers: a strict CSP, no tracebacks, JSON errors on the API."""
from __future__ import annotations

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from indexer.index.backend import IndexUnavailable

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def init_app(app: Flask) -> None:
    """Install security headers and error handlers."""

    @app.after_request
    def headers(resp):
        resp.headers.setdefault("Content-Security-Policy", CSP)
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("Referrer-Policy", "same-origin")
        resp.headers.setdefault("X-Frame-Options", "DENY")
        return resp

    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException):
        if _wants_json():
            return jsonify({"error": e.description or e.name}), e.code
        custom = e.description if e.description != type(e).description else None
        return _error_page(e.code, custom)

    @app.errorhandler(IndexUnavailable)
    def unavailable(e: IndexUnavailable):
        # the index cannot serve (not built, or the cluster is down): say so, never a 500
        if _wants_json():
            return jsonify({"error": str(e)}), 503
        from .i18n import t
        from .render import ui_lang

        return _error_page(503, t("index_unavailable", ui_lang(), msg=str(e)))

    @app.errorhandler(Exception)
    def internal_error(e: Exception):
        app.logger.exception("unhandled error on %s", request.path)
        if _wants_json():
            return jsonify({"error": "internal error"}), 500
        return _error_page(500, None)


def _error_page(code: int, message: str | None):
    """An error page in the user's language; plain text if even that fails."""
    from .i18n import t
    from .render import page, ui_lang

    try:
        if message is None and code == 404:
            message = t("page_not_found", ui_lang())
        return page("error.html", code, code=code, message=message)
    except Exception:  # never a traceback in a page
        return Response(f"{code} {message or 'error'}\n", status=code, mimetype="text/plain")
