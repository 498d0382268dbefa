"""The naive baseline: Whoosh as tutorials use it, as a tiny Flask app served by waitress.

Whole documents, jieba's stock ChineseAnalyzer on title and content (stored, for highlighting),
tags as comma-separated KEYWORD fields, the default query parser over title and content, facet
counts with `groupedby` (allow_overlap, so multi-valued facets count right), highlights taken
from the faceted results. It indexes the same extracted text and tags as our index (read from
our generation's document store), so both answer over the same archive.

    .venv/bin/python -m bench.baseline build --from GENERATION_DIR --out DIR   # prints timings as JSON
    .venv/bin/python -m bench.baseline serve --index DIR --port 5001
"""
from __future__ import annotations

import argparse
import json
import sqlite3
import time
from pathlib import Path

from bench.jieba_speed import load_jieba

FACETS = {"year": "years", "partner": "partners", "topic": "topics", "lang": "lang"}


def _schema():
    from jieba.analyse import ChineseAnalyzer
    from whoosh.fields import ID, KEYWORD, TEXT, Schema

    analyzer = ChineseAnalyzer()
    return Schema(doc_id=ID(stored=True, unique=True), title=TEXT(analyzer=analyzer, stored=True),
                  content=TEXT(analyzer=analyzer, stored=True), years=KEYWORD(commas=True, stored=True),
                  partners=KEYWORD(commas=True, stored=True), topics=KEYWORD(commas=True, stored=True),
                  lang=ID(stored=True), date=ID(stored=True, sortable=True))


def documents(generation: Path):
    """(fields, text bytes) of every document of one of our generations: the same text and tags."""
    db = sqlite3.connect(f"file:{generation / 'docs.sqlite'}?mode=ro&immutable=1", uri=True)
    docs = db.execute("SELECT ord, doc_id, title, date, lang, years, partners, topics FROM docs ORDER BY ord").fetchall()
    texts: dict[int, list[str]] = {}
    for doc_ord, text in db.execute("SELECT doc_ord, text FROM passages ORDER BY doc_ord, n"):
        texts.setdefault(doc_ord, []).append(text)
    db.close()
    for doc_ord, doc_id, title, date, lang, years, partners, topics in docs:
        content = "\n".join(texts.get(doc_ord, []))
        yield {
            "doc_id": doc_id, "title": title or "", "content": content,
            "years": ",".join(str(y) for y in json.loads(years or "[]")),
            "partners": ",".join(json.loads(partners or "[]")), "topics": ",".join(json.loads(topics or "[]")),
            "lang": lang or "", "date": date or "",
        }, len(content.encode("utf-8"))


def build(generation: Path, out: Path) -> dict:
    """Index the documents of `generation` into `out`; seconds and bytes of the indexing alone."""
    from whoosh import index

    load_jieba()
    docs = list(documents(generation))
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    ix = index.create_in(str(out), _schema())
    w = ix.writer(limitmb=256)
    for fields, _n in docs:
        w.add_document(**fields)
    w.commit()
    seconds = time.perf_counter() - t0
    n_bytes = sum(n for _f, n in docs)
    return {"documents": len(docs), "bytes": n_bytes, "seconds": round(seconds, 3),
            "mb_per_s": round(n_bytes / 1e6 / seconds, 3)}


def create_app(folder: Path):
    """The baseline's Flask app: /api/search (same parameters as ours) and /healthz."""
    from flask import Flask, jsonify, request
    from whoosh import index, sorting
    from whoosh import query as wq
    from whoosh.qparser import MultifieldParser

    ix = index.open_dir(str(folder))
    app = Flask(__name__)
    app.json.ensure_ascii = False
    parser = MultifieldParser(["title", "content"], ix.schema)

    @app.get("/healthz")
    def healthz():
        return "ok\n"

    @app.get("/api/search")
    def search():
        args = request.args
        q = (args.get("q") or "").strip()
        filters = []
        for name, fieldname in (("partner", "partners"), ("topic", "topics"), ("year", "years")):
            values = args.getlist(name)
            if values:
                filters.append(wq.Or([wq.Term(fieldname, v) for v in values]))
        if args.get("lang"):
            filters.append(wq.Term("lang", args["lang"]))
        if args.get("year_from") or args.get("year_to"):
            lo, hi = int(args.get("year_from") or 1900), int(args.get("year_to") or 2100)
            filters.append(wq.Or([wq.Term("years", str(y)) for y in range(lo, hi + 1)]))
        page = int(args.get("page") or 1)
        per_page = int(args.get("per_page") or 10)
        query = parser.parse(q) if q else wq.Every()
        facets = {name: sorting.FieldFacet(field, allow_overlap=(name != "lang")) for name, field in FACETS.items()}
        kwargs = {"sortedby": "date", "reverse": True} if (not q or args.get("sort") == "date") else {}
        with ix.searcher() as s:
            results = s.search(query, limit=page * per_page, filter=wq.And(filters) if filters else None,
                               groupedby=facets, **kwargs)
            hits = []
            for hit in list(results)[(page - 1) * per_page:]:
                hits.append({"doc_id": hit["doc_id"], "title": hit["title"], "date": hit["date"],
                             "score": hit.score if isinstance(hit.score, float) else None, "excerpts": [{"html": hit.highlights("content", top=3)}]})
            out = {"total": len(results), "hits": hits,
                   "facets": {name: sorted(((str(k), len(v)) for k, v in results.groups(name).items()),
                                           key=lambda kv: -kv[1]) for name in FACETS}}
        return jsonify(out)

    return app


def main(argv=None) -> int:
    """Build or serve the baseline."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build")
    b.add_argument("--from", dest="generation", type=Path, required=True)
    b.add_argument("--out", type=Path, required=True)
    s = sub.add_parser("serve")
    s.add_argument("--index", type=Path, required=True)
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--threads", type=int, default=4)
    a = p.parse_args(argv)
    if a.cmd == "build":
        print(json.dumps(build(a.generation, a.out)))
        return 0
    from waitress import serve

    load_jieba()
    serve(create_app(a.index), host="127.0.0.1", port=a.port, threads=a.threads, _quiet=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
