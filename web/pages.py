"""HTML pages: the search page and the document page."""
from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, abort, current_app, redirect, request

from indexer.analysis.taxonomy import load_taxonomy
from indexer.index.backend import IndexUnavailable
from indexer.search import highlight
from indexer.search.knowledge import get_knowledge
from indexer.search.request import parse_expand
from indexer.search.results import Snippet

from . import citation, histogram
from .api import service
from .api_json import doc_path, document_json, facet_value_json, hit_json, snippet_html
from .files import file_url, is_pdf, shown_inline
from .i18n import t
from .lenient import read_search
from .reading import excerpt_links
from .render import page, ui_lang
from .urls import (
    FILTER_KEYS,
    KNOWN_KEYS,
    doc_url,
    search_args,
    similar_url,
    url_with,
    without,
    year_range_url,
)

bp = Blueprint("pages", __name__)
FACET_TOP = 8  # values shown before "more"
PER_PAGE_CHOICES = (10, 20, 50, 100)
PAGER_WINDOW = 2
CHIPS_PER_HIT = 6


# -- the search page ---------------------------------------------------------------------------
@bp.get("/")
@bp.get("/search")
def search_page():
    """The search page; every state is in the URL."""
    if request.args.get("format") in ("csv", "json"):
        from .export import export

        return export(request.args["format"])
    raw = list(request.args.items(multi=True))
    args = search_args(raw)
    if len(args) != len([(k, v) for k, v in raw if k in KNOWN_KEYS]):
        # empty form fields (a blank year box): the same search under its clean URL
        keep = [(k, v) for k, v in raw if k not in KNOWN_KEYS or str(v).strip() != ""]
        return redirect(url_with(keep, drop=()), code=302)
    lang = ui_lang()
    read = read_search(args, current_app.config["SETTINGS"])  # a long query cut, unreadable settings left out
    req, args = read.req, read.args
    try:
        svc = service()
        result = svc.search(req)
    except IndexUnavailable:
        return page("search.html", 503, error=t("index_missing", lang), result=None, args=args, req=req, lang=lang)
    total_pages = max(1, -(-result.total // req.per_page))
    facets = {name: [facet_value_json(name, v, lang) for v in values] for name, values in result.facets.items()}
    know = get_knowledge(svc)
    return page(
        "search.html", result=result, req=req, args=args, error=None, lang=lang, notices=read.notices(lang),
        url_with=url_with, without=without,
        facets=_facet_views(facets, lang),
        hist=histogram.build(facets["year"], req.year_from, req.year_to, req.years,
                             lambda lo, hi: year_range_url(args, lo, hi)),
        constraints=_constraints(args, req, lang),
        hits=[_hit_view(h, req, know) for h in result.hits],
        pages=total_pages, pager=_pager(req.page, min(total_pages, current_app.config["SETTINGS"].max_page)),
        per_page_choices=PER_PAGE_CHOICES,
        shown=(min(result.total, (req.page - 1) * req.per_page + 1), min(result.total, req.page * req.per_page)),
        suggestions=_suggestions(svc, req, args, lang) if result.total == 0 else None,
        export_args=[(k, v) for k, v in args if k not in ("page", "per_page")],
        keep_args=[(k, v) for k, v in args if k not in ("q", "page")],
    )


def _facet_views(facets: dict, lang: str) -> dict:
    """Per facet: the values shown at once (the most frequent, and every ticked one), the rest behind "more"."""
    tax = load_taxonomy()
    out = {}
    for name in ("partner", "topic", "lang"):
        items = []
        for it in facets.get(name, []):
            v = it["value"]
            if name == "lang":
                label = t("lang_" + v, lang) if v in ("zh", "en") else v
                names = v
            else:
                e = tax.entry(v)
                label = it.get("label") or v
                names = " ".join([v] + ([e.zh, e.en] if e else []))  # the filter box finds either language
            items.append({**it, "label": label, "names": names.lower()})
        top = items[:FACET_TOP]
        rest = items[FACET_TOP:]
        top += [it for it in rest if it["selected"]]
        rest = [it for it in rest if not it["selected"]]
        out[name] = {"top": top, "rest": rest, "n": len(items), "selected": sum(it["selected"] for it in items)}
    return out


def _constraints(args, req, lang: str) -> list[dict]:
    """The chips of the constraints bar: what this search selects, each with the URL without it."""
    label = load_taxonomy().entry
    chips = []
    if req.q:
        chips.append({"facet": t("query_label", lang), "value": req.q, "href": without(args, "q"), "kind": "query"})
    for y in req.years:
        chips.append({"facet": t("facet_year", lang), "value": str(y), "href": url_with(args, remove=("year", str(y))),
                      "kind": "filter"})
    if req.year_from is not None or req.year_to is not None:
        if req.year_from is not None and req.year_to is not None:
            value = str(req.year_from) if req.year_from == req.year_to else f"{req.year_from}–{req.year_to}"
        elif req.year_from is not None:
            value = t("year_from_only", lang, y=req.year_from)
        else:
            value = t("year_to_only", lang, y=req.year_to)
        chips.append({"facet": t("facet_year", lang), "value": value, "href": without(args, "year_from", "year_to"),
                      "kind": "filter"})
    for name, ids in (("partner", req.partners), ("topic", req.topics)):
        for i in ids:
            e = label(i)
            chips.append({"facet": t("facet_" + name, lang), "value": e.label(lang) if e else i,
                          "href": url_with(args, remove=(name, i)), "kind": "filter"})
    if req.lang:
        chips.append({"facet": t("facet_lang", lang), "value": t("lang_" + req.lang, lang), "href": without(args, "lang"),
                      "kind": "filter"})
    if not req.expand:
        chips.append({"facet": t("match", lang), "value": t("exact_words", lang), "href": without(args, "expand"),
                      "kind": "match"})
    return chips


def _hit_view(hit, req, know) -> dict:
    """A result with links that carry the search to the document, and chips ordered for reading:
    the selected partners and topics first, then those the document speaks of most."""
    h = hit_json(hit)
    partners = know.ordered_tags(h["doc_id"], "partner", h["partners"], req.partners)
    topics = know.ordered_tags(h["doc_id"], "topic", h["topics"], req.topics)
    carry = {"q": req.q, "partner": req.partners, "topic": req.topics, "expand": None if req.expand else "0"}
    first = h["excerpts"][0]["n"] if h["excerpts"] else None
    return {
        **h,
        "href": doc_url(h["doc_id"], first, **carry),
        "excerpts": [excerpt_links(h["doc_id"], e, **carry) for e in h["excerpts"]],
        "partners_shown": partners[:CHIPS_PER_HIT], "partners_more": max(0, len(partners) - CHIPS_PER_HIT),
        "topics_shown": topics[:CHIPS_PER_HIT], "topics_more": max(0, len(topics) - CHIPS_PER_HIT),
    }


def _pager(current: int, last: int) -> list[int | None]:
    """Page numbers to link: the first, the last, a window around the current one; None is a gap."""
    keep = {1, last} | set(range(current - PAGER_WINDOW, current + PAGER_WINDOW + 1))
    out: list[int | None] = []
    for n in range(1, last + 1):
        if n in keep:
            out.append(n)
        elif out and out[-1] is not None:
            out.append(None)
    return out


def _suggestions(svc, req, args, lang: str) -> list[dict]:
    """When nothing matches: ways out, with the number of documents each would find."""
    out = []
    has_filters = any(k in FILTER_KEYS for k, _ in args)
    if req.q and has_filters:
        bare = replace(req, years=[], year_from=None, year_to=None, partners=[], topics=[], lang=None, page=1)
        n = svc.search(bare).total
        if n:
            out.append({"text": t("try_without_filters", lang, n=n), "href": url_with(args, drop=("page",) + FILTER_KEYS)})
        filters_only = replace(req, q="", page=1)
        n = svc.search(filters_only).total
        if n:
            out.append({"text": t("try_without_query", lang, n=n), "href": without(args, "q")})
    if req.q and not req.expand:
        out.append({"text": t("try_expand", lang), "href": without(args, "expand")})
    if req.q and len(req.q.split()) > 1:
        out.append({"text": t("try_fewer_words", lang), "href": None})
    return out


# -- the document page -------------------------------------------------------------------------
@bp.get("/doc/<doc_id:doc_id>")
def doc_page(doc_id: str):
    """A document: metadata and all passages, each with an anchor #p-N; search terms marked."""
    lang = ui_lang()
    try:
        svc = service()
        view = svc.document(doc_id)
    except IndexUnavailable:
        return page("error.html", 503, code=503, message=t("index_missing", lang))
    if view is None:
        abort(404, description=t("not_found", lang))
    doc = document_json(view)
    tax = load_taxonomy()
    know = get_knowledge(svc)
    doc["partners"] = know.ordered_tags(doc["doc_id"], "partner", doc["partners"])
    doc["topics"] = know.ordered_tags(doc["doc_id"], "topic", doc["topics"])
    q = request.args.get("q", "").strip()[: current_app.config["SETTINGS"].max_query_chars]
    expand = parse_expand(request.args.get("expand"))
    marks = [p for p in dict.fromkeys(request.args.getlist("partner")) if p in tax.partners]
    marks += [p for p in dict.fromkeys(request.args.getlist("topic")) if p in tax.topics]
    marker = svc.highlighter(q, expand) if q else None
    matched: list[int] = []
    if q or marks:
        wanted = set(marks)
        for p in doc["passages"]:
            spans = marker.spans(p["text"]) if marker else []
            if wanted:
                spans += [(s, e) for s, e, _k, ident in tax.find(p["text"]) if ident in wanted]
                spans = highlight.merge(spans)
            p["html"] = snippet_html(Snippet(highlight.marked(p["text"], spans)))
            if spans:
                p["matched"] = True
                matched.append(p["n"])
    by_n = {p["n"]: p for p in doc["passages"]}
    for i, n in enumerate(matched):
        p = by_n[n]
        p["prev_match"] = matched[i - 1] if i > 0 else None
        p["next_match"] = matched[i + 1] if i + 1 < len(matched) else None
        p["match_no"] = i + 1
    base = current_app.config["SETTINGS"].public_url  # "" = relative: never the Host header
    path = doc_path(doc["doc_id"])
    carried = [("q", q)] if q else []
    carried += [("expand", "0")] if q and not expand else []
    carried += [("partner", m) for m in marks if m in tax.partners] + [("topic", m) for m in marks if m in tax.topics]
    citations = {None: citation.text(citation.cite(doc, None, base), _today())}
    citations.update({p["n"]: citation.text(citation.cite(doc, p, base), _today()) for p in doc["passages"]})
    return page("doc.html", doc=doc, q=q, marks=marks, matched=matched, back_url=url_with(carried, drop=()),
                cite_url="/cite/" + path[len("/doc/"):], citations=citations,
                file_url=file_url(doc["doc_id"]), download_url=file_url(doc["doc_id"], download=True),
                inline=shown_inline(doc["doc_id"]), pdf=is_pdf(doc["doc_id"]), similar_url=similar_url,
                kind_label=(doc["source"].get("kind") or "").upper(), size_label=_size(doc["source"].get("size")),
                catalog=doc.get("catalog") or {}, extracted=doc.get("extracted") or {})


def _size(n: int | None) -> str:
    """A file size for people: 8.7 kB, 1.2 MB."""
    if not n:
        return "?"
    for unit, scale in (("MB", 1 << 20), ("kB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} B"


def _today() -> str:
    import datetime as dt

    return dt.date.today().isoformat()
