"""The events register: /events (HTML), /api/events (JSON) and /events.csv, every state a URL."""
from __future__ import annotations

import csv
import io
from dataclasses import replace

from flask import Blueprint, current_app, jsonify, request

from indexer.index.backend import IndexUnavailable
from indexer.search.events import get_register
from indexer.search.request import BadRequest, parse_event_request

from . import histogram
from .api import service
from .api_json import doc_path, events_json
from .export import _cell
from .i18n import t
from .render import label_for, page, ui_lang
from .urls import url_with

bp = Blueprint("events", __name__)
EVENT_KEYS = ("q", "partner", "topic", "kind", "year_from", "year_to", "sort", "page", "per_page")
CSV_COLUMNS = ("date", "date_end", "precision", "kind", "partners", "partner_labels", "topics", "topic_labels",
               "place", "summary", "evidence", "doc_id", "title", "n", "page", "passage_url")
EXPORT_ROWS = 10_000


def _query():
    s = current_app.config["SETTINGS"]
    return parse_event_request(request.args.get, request.args.getlist, s.max_query_chars, s.max_page, s.max_per_page)


def _search(query):
    svc = service()
    return svc, get_register(svc).search(query, svc.plan(query.q) if query.q else None)


@bp.get("/api/events")
def api_events():
    """The register as JSON; 400 with {"error"} for a bad parameter."""
    try:
        query = _query()
    except BadRequest as e:
        return jsonify({"error": str(e)}), 400
    _svc, result = _search(query)
    return jsonify(events_json(result, request.args.get("ui")))


@bp.get("/events.csv")
def events_csv():
    """Every event of the selection as CSV (at most EXPORT_ROWS)."""
    try:
        query = replace(_query(), page=1, per_page=EXPORT_ROWS)
    except BadRequest as e:
        return current_app.response_class(f"error: {e}\n", status=400, mimetype="text/plain")
    svc, result = _search(query)
    label = label_for(ui_lang())
    base = current_app.config["SETTINGS"].public_url
    buf = io.StringIO()
    buf.write("\ufeff")  # spreadsheet programs then read the Chinese as UTF-8
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(CSV_COLUMNS)
    for e in result.events:
        doc = svc.backend.document(e.doc_id)
        w.writerow([_cell(v) for v in (
            e.date, e.date_end or "", e.precision, e.kind, ";".join(e.partners), ";".join(map(label, e.partners)),
            ";".join(e.topics), ";".join(map(label, e.topics)), e.place or "", e.summary, e.evidence, e.doc_id,
            doc.title if doc else "", e.n, e.page or "", f"{base}{doc_path(e.doc_id)}#p-{e.n}")])
    resp = current_app.response_class(buf.getvalue(), mimetype="text/csv")
    resp.headers["Content-Disposition"] = 'attachment; filename="events.csv"'
    resp.headers["X-Result-Total"] = str(result.total)
    return resp


@bp.get("/events")
def events_page():
    """The register: filters with counts, a timeline, the events by year."""
    lang = ui_lang()
    args = [(k, v) for k, v in request.args.items(multi=True) if k in EVENT_KEYS and str(v).strip()]
    try:
        query = _query()
    except BadRequest as e:
        return page("error.html", 400, code=400, message=t("bad_request", lang, msg=str(e)))
    try:
        svc, result = _search(query)
    except IndexUnavailable:
        return page("error.html", 503, code=503, message=t("index_missing", lang))
    data = events_json(result, lang)
    docs = {d: svc.backend.document(d) for d in {e["doc_id"] for e in data["events"]}}
    titles = {d: doc.title if doc else "" for d, doc in docs.items()}
    chart = histogram.build(data["facets"]["year"], query.year_from, query.year_to, [],
                            lambda lo, hi: url_with(args, drop=("page", "year_from", "year_to"), path="/events",
                                                    year_from=lo, year_to=hi))
    pages = max(1, -(-result.total // query.per_page))
    return page("events.html", lang=lang, data=data, query=query, args=args, titles=titles, chart=chart,
                pages=pages, url_with=url_with)
