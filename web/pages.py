"""HTML pages: the search page and the document page."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, abort, current_app, make_response, render_template, request

from indexer import highlight
from indexer.expand import get_expander
from indexer.params import BadRequest
from indexer.query import highlight_terms, parse
from indexer.search import IndexUnavailable, quote_doc_id
from indexer.taxonomy import load_taxonomy

from .api import index, search_request
from .i18n import choose_lang, t

bp = Blueprint("pages", __name__)
FILTER_KEYS = ("year", "partner", "topic", "lang", "year_from", "year_to")


def ui_lang() -> str:
    """The interface language of this request."""
    return choose_lang(request.args.get("ui"), request.cookies.get("ui"), request.accept_languages)


def url_with(args: list[tuple[str, str]], remove: tuple[str, str] | None = None,
             add: tuple[str, str] | None = None, drop: tuple[str, ...] = ("page",), **replace) -> str:
    """The search URL for the current parameters with one value removed, added or replaced."""
    out = [(k, v) for k, v in args if k not in drop and (k, v) != remove and k not in replace]
    if add and add not in out:
        out.append(add)
    out += [(k, str(v)) for k, v in replace.items() if v not in (None, "")]
    return "/search?" + urlencode(out) if out else "/search"


def _render(template: str, status: int = 200, **ctx):
    lang = ctx.pop("lang", None) or ui_lang()
    resp = make_response(render_template(template, lang=lang, t=t, **ctx), status)
    if request.args.get("ui") in ("zh", "en"):
        resp.set_cookie("ui", request.args["ui"], max_age=365 * 86400, samesite="Lax")
    return resp


@bp.get("/")
@bp.get("/search")
def search_page():
    """The search page; every state is in the URL."""
    lang = ui_lang()
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "ui"]
    try:
        req = search_request()
    except BadRequest as e:
        return _render("search.html", 400, error=t("bad_request", lang, msg=str(e)), result=None, args=args,
                       req=None, url_with=url_with, lang=lang)
    try:
        result = index().search(req, ui_lang=lang)
    except IndexUnavailable:
        return _render("search.html", 503, error=t("index_missing", lang), result=None, args=args,
                       req=req, url_with=url_with, lang=lang)
    tax = load_taxonomy()
    return _render("search.html", result=result, req=req, args=args, url_with=url_with, error=None,
                   label=lambda i: (tax.entry(i).label(lang) if tax.entry(i) else i), lang=lang,
                   pages=max(1, -(-result["total"] // req.per_page)))


@bp.get("/doc/<path:doc_id>")
def doc_page(doc_id: str):
    """A document: metadata and all passages, each with an anchor #p-N."""
    lang = ui_lang()
    try:
        doc = index().document(doc_id)
    except IndexUnavailable:
        return _render("error.html", 503, code=503, message=t("index_missing", lang))
    if doc is None:
        abort(404, description=t("not_found", lang))
    tax = load_taxonomy()
    q = request.args.get("q", "")[: current_app.config["SETTINGS"].max_query_chars]
    marked = 0
    if q:
        terms, strings = highlight_terms(parse(get_expander().quote_known_phrases(q), get_expander().expand))
        for p in doc["passages"]:
            spans = highlight.match_spans(p["text"], terms, strings)
            p["html"] = highlight.render(p["text"], spans)
            p["matched"] = bool(spans)
            marked += bool(spans)
    return _render("doc.html", doc=doc, q=q, marked=marked,
                   label=lambda i: (tax.entry(i).label(lang) if tax.entry(i) else i),
                   doc_url=f"/doc/{quote_doc_id(doc['doc_id'])}")
