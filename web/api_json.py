"""The JSON of API.md: the search layer's typed results serialised, with links, labels and marked HTML.

Used by the JSON API, the exports and `python -m indexer search --json`, so all three print
the same object. Key order is part of the interface: keep it.
"""
from __future__ import annotations

from urllib.parse import quote

from markupsafe import escape

from indexer.analysis.taxonomy import load_taxonomy
from indexer.index.records import DocumentRecord
from indexer.search.facets import BY_NAME, FacetValue
from indexer.search.knowledge import Entity, Knowledge, Summary
from indexer.search.results import DocumentView, Hit, SearchResult, Snippet
from indexer.search.similar import SimilarResult


def doc_path(doc_id: str) -> str:
    """The document page's path: `/doc/` and the id percent-encoded (slashes kept)."""
    return "/doc/" + quote(doc_id, safe="/")


def snippet_html(s: Snippet) -> str:
    """HTML-escaped text with only <mark> tags added, and "…" where it was cut."""
    body = "".join(f"<mark>{escape(t)}</mark>" if marked else str(escape(t)) for t, marked in s.parts)
    return ("…" if s.cut_before else "") + body + ("…" if s.cut_after else "")


def label(ident: str, lang: str | None) -> str:
    """A partner's or topic's name in the interface language (both without one); the id when unknown."""
    e = load_taxonomy().entry(ident)
    return e.label(lang) if e else ident


def search_json(result: SearchResult, ui_lang: str | None) -> dict:
    """The object of `GET /api/search`."""
    req = result.request
    f = result.filters
    return {
        "query": req.q, "total": result.total, "page": req.page, "per_page": req.per_page, "sort": req.sort,
        "hits": [hit_json(h) for h in result.hits],
        "facets": {name: [facet_value_json(name, v, ui_lang) for v in values] for name, values in result.facets.items()},
        "expansions": [{"term": e.term, "also": e.also, "source": e.source} for e in result.expansions],
        "suggestion": {"q": result.suggestion.q, "total": result.suggestion.total} if result.suggestion else None,
        "relaxed": result.relaxed,
        "filters": {"year": list(f.years), "year_from": f.year_from, "year_to": f.year_to,
                    "partner": list(f.partners), "topic": list(f.topics), "lang": f.lang},
        "generation": result.generation,
    }


def hit_json(h: Hit) -> dict:
    """One hit, linking to its first excerpt."""
    d = h.doc
    excerpts = [{"n": e.n, "page": e.page, "years": e.years, "html": snippet_html(e.snippet)} for e in h.excerpts]
    anchor = f"#p-{excerpts[0]['n']}" if excerpts else ""
    return {
        "doc_id": d.doc_id, "title": d.title, "date": d.date, "year": d.year, "lang": d.lang,
        "title_lang": d.title_lang, "author": d.author, "partners": d.partners, "topics": d.topics, "score": round(float(h.score), 4), "excerpts": excerpts,
        "url": doc_path(d.doc_id) + anchor, "missing": h.missing,
    }


def similar_json(result: SimilarResult) -> dict:
    """The object of `GET /api/similar/<doc_id>?n=`: the passage, what it stands for, and hits as in /api/search."""
    p = result.passage
    return {
        "doc_id": result.doc.doc_id, "n": p.n, "page": p.page, "title": result.doc.title,
        "url": doc_path(result.doc.doc_id) + f"#p-{p.n}",
        "terms": [{"term": t.surface, "source": t.source, "also": list(t.also), "passages": t.passages}
                  for t in result.terms],
        "total": result.total, "hits": [hit_json(h) for h in result.hits],
    }


def facet_value_json(name: str, v: FacetValue, ui_lang: str | None) -> dict:
    """One facet value; partners and topics carry their label."""
    item = {"value": v.value, "count": v.count, "selected": v.selected}
    if BY_NAME[name].labelled:
        item["label"] = label(v.value, ui_lang)
    return item


def document_json(view: DocumentView) -> dict:
    """The object of `GET /api/doc/<doc_id>`."""
    d = view.doc
    return {
        "doc_id": d.doc_id, "title": d.title, "date": d.date, "year": d.year, "lang": d.lang,
        "title_lang": d.title_lang, "author": d.author, "partners": d.partners, "topics": d.topics,
        "source": {"path": d.doc_id, "kind": d.kind, "size": d.size, "url": d.source_url},
        "catalog": d.catalog, "extracted": d.extracted, "years": d.years,
        "passages": [{"n": p.n, "text": p.text, "page": p.page, "years": p.years, "partners": p.partners,
                      "topics": p.topics, "article": p.article, "facet_years": p.facet_years,
                      "dated_by": p.dated_by} for p in view.passages],
    }


# -- the knowledge pages -------------------------------------------------------------------------
def _q(value: str) -> str:
    return quote(value, safe="/")


def _labels(ident: str) -> dict:
    return {"zh": label(ident, "zh"), "en": label(ident, "en")}


GROUPS = ("organisation", "country", "topic")


def browse_json(know: Knowledge, lang: str | None) -> dict:
    """Every partner and topic with document and passage counts, grouped (`/api/browse` without its generation)."""
    groups: dict[str, list[dict]] = {g: [] for g in GROUPS}
    for s in know.overview():
        item = {
            "id": s.id, "kind": s.kind, "label": label(s.id, lang), "labels": _labels(s.id),
            "documents": s.documents, "passages": s.passages, "first_year": s.first_year, "last_year": s.last_year,
            "url": f"/{s.kind}/{_q(s.id)}",
        }
        groups[_group(s)].append(item)
    for items in groups.values():
        items.sort(key=lambda it: (-it["documents"], -it["passages"], it["label"]))
    return {"documents": len(know.docs), "passages": len(know.passages),
            "organisations": groups["organisation"], "countries": groups["country"], "topics": groups["topic"]}


def _group(s: Summary) -> str:
    if s.kind == "topic":
        return "topic"
    return s.type if s.type in ("organisation", "country") else "country"


def entity_json(e: Entity, lang: str | None, events=()) -> dict:
    """The object of `/api/partner/<id>` and `/api/topic/<id>`; `chronicle` holds its events, oldest first."""
    s = e.summary
    base = f"{s.kind}={_q(s.id)}"
    return {
        "id": s.id, "kind": s.kind, "type": s.type, "label": label(s.id, lang), "labels": _labels(s.id),
        "counts": {"documents": s.documents, "passages": s.passages, "years": len(e.years),
                   "undated_passages": e.undated_passages},
        "first_year": s.first_year, "last_year": s.last_year, "peak_year": e.peak_year,
        "years": [{"year": y, "passages": n, "documents": d} for y, n, d in e.years],
        "timeline": [{
            "year": y.year, "passages": y.passages,
            "events": [{
                "doc_id": m.doc.doc_id, "title": m.doc.title, "date": m.doc.date, "lang": m.doc.lang, "n": m.n,
                "page": m.page, "dated_by": m.dated_by, "names_year": m.names_year, "html": snippet_html(m.snippet),
                "url": f"{doc_path(m.doc.doc_id)}?{base}#p-{m.n}",
            } for m in y.mentions],
            "more": y.more, "search_url": f"/search?{base}&year_from={y.year}&year_to={y.year}",
        } for y in e.timeline],
        "related": {("partners" if other == "partner" else "topics"): [{
            "id": r.id, "label": label(r.id, lang), "passages": r.passages, "documents": r.documents,
            "share": r.share, "url": f"/{other}/{_q(r.id)}", "search_url": f"/search?{base}&{other}={_q(r.id)}",
        } for r in items] for other, items in e.related.items()},
        "documents": [_document_share(d, base) for d in e.documents],
        "search_url": f"/search?{base}", "url": f"/{s.kind}/{_q(s.id)}",
        "chronicle": [event_json(ev) for ev in events],
        "events_url": f"/events?{base}",
    }


def _document_share(share, base: str) -> dict:
    d: DocumentRecord = share.doc
    anchor = f"#p-{share.passages[0]}" if share.passages else ""
    return {"doc_id": d.doc_id, "title": d.title, "date": d.date, "year": d.year, "lang": d.lang,
            "passages": len(share.passages), "of": share.of, "url": f"{doc_path(d.doc_id)}?{base}{anchor}"}


# -- the events register ---------------------------------------------------------------------------
def event_json(e) -> dict:
    """One event of the register, linking to its passage."""
    return {"date": e.date, "date_end": e.date_end, "precision": e.precision, "kind": e.kind,
            "partners": e.partners, "topics": e.topics, "place": e.place, "summary": e.summary,
            "evidence": e.evidence, "doc_id": e.doc_id, "n": e.n, "page": e.page,
            "url": f"{doc_path(e.doc_id)}#p-{e.n}", "status": e.status, "date_source": e.date_source,
            "article": e.article}


def events_json(result, lang: str | None) -> dict:
    """The object of `GET /api/events`."""
    q = result.query
    return {"total": result.total, "page": q.page, "per_page": q.per_page,
            "events": [event_json(e) for e in result.events],
            "facets": {name: [facet_value_json(name, v, lang) if name in ("partner", "topic")
                              else {"value": v.value, "count": v.count, "selected": v.selected}
                              for v in values] for name, values in result.facets.items()}}
