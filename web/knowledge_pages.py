"""The knowledge base pages: one page per partner and per topic, an index of all, and their JSON twins."""
from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import quote

from flask import Blueprint, abort, jsonify, redirect, request

from indexer.analysis.taxonomy import load_taxonomy

from indexer.index.backend import IndexUnavailable
from indexer.search.events import get_register
from indexer.search.knowledge import get_knowledge

from . import histogram
from .api import service
from .api_json import browse_json, entity_json
from .i18n import t
from .reading import excerpt_links
from .render import page, ui_lang

bp = Blueprint("knowledge", __name__)
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,40}$")


def _entity(kind: str, ident: str, lang: str | None) -> dict | None:
    if not _ID.match(ident):
        return None
    svc = service()
    entity = get_knowledge(svc).entity(kind, ident)
    if entity is None:
        return None
    return entity_json(entity, lang, get_register(svc).of_entity(kind, ident))


@lru_cache(maxsize=1)
def _ids() -> dict[str, tuple[str, str]]:
    """Every partner and topic id by its folded form (case, `_` for `-`): (kind, canonical id)."""
    tax = load_taxonomy()
    out = {_fold(i): ("topic", i) for i in tax.topics}
    out.update({_fold(i): ("partner", i) for i in tax.partners})
    return out


def _fold(ident: str) -> str:
    return ident.lower().replace("_", "-")


def _canonical_url(kind: str, ident: str, prefix: str):
    """A redirect to the canonical page of an id typed in another case (/partner/kaz → /partner/KAZ,
    /api/topic/AEO → /api/topic/aeo, a topic asked for as a partner → the topic); None when none."""
    found = _ids().get(_fold(ident)) if _ID.match(ident) else None
    if found is None or found == (kind, ident):
        return None
    query = request.query_string.decode("latin-1")
    return redirect(f"{prefix}/{found[0]}/{quote(found[1])}" + (f"?{query}" if query else ""), code=301)


# -- JSON --------------------------------------------------------------------------------------
@bp.get("/api/browse")
def api_browse():
    """Every partner and topic with document and passage counts."""
    try:
        svc = service()
    except IndexUnavailable as e:
        return jsonify({"error": str(e)}), 503
    return jsonify({"generation": svc.generation, **browse_json(get_knowledge(svc), request.args.get("ui"))})


@bp.get("/api/partner/<ident>")
@bp.get("/api/topic/<ident>")
def api_entity(ident: str):
    """A partner's or topic's timeline, related topics or partners, documents and counts."""
    kind = request.path.split("/")[2]
    try:
        data = _entity(kind, ident, request.args.get("ui"))
    except IndexUnavailable as e:
        return jsonify({"error": str(e)}), 503
    if data is None:
        return _canonical_url(kind, ident, "/api") or (jsonify({"error": f"no {kind} {ident[:40]!r}"}), 404)
    return jsonify(data)


# -- HTML --------------------------------------------------------------------------------------
@bp.get("/browse")
def browse_page():
    """All partners and topics, with counts, each linking to its page."""
    lang = ui_lang()
    try:
        data = browse_json(get_knowledge(service()), lang)
    except IndexUnavailable:
        return page("error.html", 503, code=503, message=t("index_missing", lang))
    return page("browse.html", data=data, lang=lang)


@bp.get("/partner/<ident>")
@bp.get("/topic/<ident>")
def entity_page(ident: str):
    """The story of one partner or topic in the archive."""
    kind = request.path.split("/")[1]
    lang = ui_lang()
    try:
        data = _entity(kind, ident, lang)
    except IndexUnavailable:
        return page("error.html", 503, code=503, message=t("index_missing", lang))
    if data is None:
        return _canonical_url(kind, ident, "") or abort(404, description=t("no_such_" + kind, lang))
    # the chronicle: a year's events where it has some, else its telling passages
    by_year: dict[int, list[dict]] = {}
    for ev in data["chronicle"]:  # each opens its passage with this partner or topic marked
        marked = {**ev, "url": ev["url"].replace("#", f"?{kind}={ident}#", 1)}
        by_year.setdefault(int(ev["date"][:4]), []).append(marked)
    for y in data["timeline"]:  # each passage opens its page of the original and more like it, as excerpts do
        y["events"] = [excerpt_links(e["doc_id"], e) for e in y["events"]]
    passages = {y["year"]: y for y in data["timeline"]}
    chronicle = [{"year": y, "events": by_year.get(y, []), "passages": None if y in by_year else passages.get(y)}
                 for y in sorted(set(by_year) | set(passages))]
    with_data = {y["year"] for y in data["timeline"]} | set(by_year)

    def anchor(lo: int, hi: int) -> str:
        first = next((y for y in range(lo, hi + 1) if y in with_data), lo)
        return f"#y-{first}"

    chart = histogram.build([{"value": str(y["year"]), "count": y["passages"]} for y in data["years"]],
                            None, None, [], anchor, width=720, height=110, max_bars=80)
    return page("entity.html", data=data, kind=kind, chart=chart, lang=lang, chronicle=chronicle)
