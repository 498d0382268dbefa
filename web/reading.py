"""Reading on from a passage: "more like this" (the passages of other documents like it)."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, request, send_from_directory

from indexer.index.backend import IndexUnavailable
from indexer.search.highlight import Highlighter, snippet

from .api import passage_number, service
from .api_json import similar_json, snippet_html
from .files import file_url, is_pdf
from .i18n import t
from .render import page, ui_lang
from .urls import doc_url, similar_url

bp = Blueprint("reading", __name__)
SOURCE_WIDTH = 260  # characters of the passage shown above its likes (a phone sees the first likes too)


def excerpt_links(doc_id: str, e: dict, **carry) -> dict:
    """An excerpt's links: its passage on the document page, its page of the original (PDFs), more like it."""
    return {**e, "href": doc_url(doc_id, e["n"], **carry), "similar_href": similar_url(doc_id, e["n"]),
            "source_href": file_url(doc_id, e["page"]) if e.get("page") and is_pdf(doc_id) else None}


@bp.get("/similar/<path:doc_id>")
def similar_page(doc_id: str):
    """The passages of other documents like passage `n` of this one, ranked, with their excerpts."""
    lang = ui_lang()
    n = passage_number(request.args.get("n"))
    try:
        result = service().similar(doc_id, n) if n is not None else None
    except IndexUnavailable:
        return page("error.html", 503, code=503, message=t("index_missing", lang), lang=lang)
    if result is None:
        abort(404, description=t("no_such_passage", lang))
    data = similar_json(result)
    p = result.passage
    marker = Highlighter.for_plan(result.plan) if result.plan else Highlighter()
    source = {**excerpt_links(doc_id, {"n": p.n, "page": p.page}),
              "html": snippet_html(snippet(p.text, marker.spans(p.text), SOURCE_WIDTH))}
    hits = [{**j, "href": doc_url(j["doc_id"], j["excerpts"][0]["n"] if j["excerpts"] else None),
             "excerpts": [excerpt_links(j["doc_id"], e) for e in j["excerpts"]]} for j in data["hits"]]
    return page("similar.html", data=data, source=source, hits=hits, doc_title=result.doc.title,
                json_url="/api" + similar_url(doc_id, result.passage.n), lang=lang)


@bp.get("/favicon.ico")
def favicon():
    """The site's icon where a browser looks for it unasked (beside an original it shows, which has no <link>)."""
    return send_from_directory(current_app.static_folder, "favicon.svg", mimetype="image/svg+xml", max_age=86400)
