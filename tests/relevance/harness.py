"""Relevance harness: judged queries, recall@k and MRR for our search and a naive baseline.

Queries judged with a `passage` anchor (the OCR category) are scored on passages: a hit counts
when one of the shown excerpts contains the anchor, the damaged text as it stands in the file
(whitespace ignored); the baseline shows Whoosh's highlight fragments of the same width.

The baseline is Whoosh as tutorials use it: whole documents, jieba's stock ChineseAnalyzer on
title and content, the default query parser, no glossary, no bigrams, no folding. It indexes
the same extracted text and the same tags (so filters work in both), built in the same run.

    .venv/bin/python -m tests.relevance.harness            # judged set over corpus/
    .venv/bin/python -m tests.relevance.harness --archive  # judged set over ../shared/archive/
    .venv/bin/python -m tests.relevance.harness --backend typesense   # ours served by a Typesense node
    .venv/bin/python -m tests.relevance.harness --compare  # both backends: tables side by side, and
                                                           # every judged query whose total or top 5 differ

`--backend typesense` starts its own single Typesense node on free loopback ports (data in the
temporary folder), builds into it, runs the judged queries and stops the node, whatever happens.
Differences between the backends that are there by design are explained, query by query, in
backend_differences.yaml; `--compare` prints the explanation next to each difference, and names
the ones without one.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from indexer.config import PROJECT_ROOT, Settings

HERE = Path(__file__).resolve().parent
CORPUS_SET = HERE / "judgments_corpus.yaml"
ARCHIVE_SET = HERE / "judgments_archive.yaml"
DIFFERENCES = HERE / "backend_differences.yaml"
BACKENDS = ("local", "typesense")
ARCHIVE_DIR = PROJECT_ROOT.parent / "shared" / "archive"
K = 5


@dataclass
class Judged:
    """One judged query."""

    q: str
    category: str
    relevant: set[str]
    params: dict = field(default_factory=dict)
    passage: str | None = None  # an excerpt must contain this text


def load_judgments(path: Path) -> list[Judged]:
    """Judged queries with document aliases resolved."""
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    aliases = spec.get("docs", {})
    return [Judged(q["q"], q["category"], {aliases.get(d, d) for d in q["relevant"]}, q.get("params") or {},
                   q.get("passage")) for q in spec["queries"]]


def _compact(text: str) -> str:
    """Text as compared with an anchor: whitespace and ellipses removed."""
    import re

    return re.sub(r"\s+|…", "", text)


def _plain(html_text: str) -> str:
    """Excerpt HTML as comparable text: tags, entities, ellipses and whitespace removed."""
    import html
    import re

    return re.sub(r"\s+|…", "", html.unescape(re.sub(r"<[^>]+>", "", html_text)))


def score(j: Judged, ranked: list[str], excerpts: list[str]) -> tuple[float, float]:
    """(recall@K, reciprocal rank): on passages when the query has an anchor, else on documents."""
    if j.passage:
        anchor = "".join(j.passage.split())
        for i, text in enumerate(excerpts[:K], start=1):
            if anchor in text:
                return 1.0, 1.0 / i
        return 0.0, 0.0
    return recall_at(ranked, j.relevant), reciprocal_rank(ranked, j.relevant)


def recall_at(ranked: list[str], relevant: set[str], k: int = K) -> float:
    """Share of the relevant documents found in the first k."""
    return len(set(ranked[:k]) & relevant) / len(relevant) if relevant else 1.0


def reciprocal_rank(ranked: list[str], relevant: set[str]) -> float:
    """1/rank of the first relevant document, 0 when none is returned."""
    for i, d in enumerate(ranked, start=1):
        if d in relevant:
            return 1.0 / i
    return 0.0


# -- our system ----------------------------------------------------------------------------
class OurSystem:
    """The project's search over a freshly built index (the local one, or a collection on `node`)."""

    name = "ours"

    def __init__(self, corpus: Path, workdir: Path, node=None):
        from indexer.index.build import build
        from indexer.search.handle import IndexHandle

        settings = replace(Settings.from_env(corpus, workdir / "index"), search_backend="local")
        if node is not None:  # a nodes.ClusterHandle: the same build, written to the cluster
            settings = replace(settings, search_backend="typesense", typesense_nodes=node.nodes_setting,
                               typesense_api_key=node.api_key, typesense_collection="relevance")
        self.backend = settings.search_backend
        self.report = build(settings, log=lambda *_: None, quiet=True)
        self.index = IndexHandle(settings).get()
        self.totals: dict[tuple, int] = {}  # per judged query, documents found (as the page says)

    def documents(self) -> list[dict]:
        """Every indexed document with its text and tags (to build the baseline from)."""
        from dataclasses import asdict

        out = []
        for d in self.index.backend.documents():
            full = self.index.document(d.doc_id)
            out.append({**asdict(d), "text": "\n".join(p.text for p in full.passages)})
        return out

    def results(self, j: Judged, k: int = 20) -> tuple[list[str], list[str]]:
        """doc_ids in rank order, and the shown excerpts in order (as plain text)."""
        from indexer.search.request import parse_request

        params = {"q": j.q, "per_page": str(k), **{a: b for a, b in j.params.items() if not isinstance(b, list)}}
        lists = {a: [str(x) for x in b] for a, b in j.params.items() if isinstance(b, list)}
        req = parse_request(lambda n: None if params.get(n) is None else str(params[n]),
                            lambda n: lists.get(n, []))
        result = self.index.search(req)
        if not result.total and result.suggestion is not None:  # as a reader clicks "did you mean"
            result = self.index.search(replace(req, q=result.suggestion.q))
        self.totals[_key(j)] = result.total
        hits = result.hits
        return [h.doc.doc_id for h in hits], [_compact(e.snippet.plain()) for h in hits for e in h.excerpts]


# -- the naive baseline ----------------------------------------------------------------------
class NaiveBaseline:
    """Whoosh + jieba's ChineseAnalyzer over whole documents, default query parser."""

    name = "baseline"

    def __init__(self, documents: list[dict], workdir: Path):
        import logging

        import jieba
        from jieba.analyse import ChineseAnalyzer
        from whoosh import index
        from whoosh.fields import ID, KEYWORD, TEXT, Schema

        jieba.setLogLevel(logging.WARNING)
        jieba.dt.tmp_dir = str(workdir)
        analyzer = ChineseAnalyzer()
        schema = Schema(doc_id=ID(stored=True, unique=True), title=TEXT(analyzer=analyzer),
                        content=TEXT(analyzer=analyzer, stored=True), years=KEYWORD(commas=True), partners=KEYWORD(commas=True),
                        topics=KEYWORD(commas=True), lang=ID(), date=ID(stored=True, sortable=True))
        folder = workdir / "baseline"
        folder.mkdir(parents=True, exist_ok=True)
        self.ix = index.create_in(str(folder), schema)
        w = self.ix.writer()
        for d in documents:
            w.add_document(doc_id=d["doc_id"], title=d["title"] or "", content=d["text"],
                           years=",".join(str(y) for y in d["years"]), partners=",".join(d["partners"]),
                           topics=",".join(d["topics"]), lang=d["lang"], date=d["date"] or "")
        w.commit()
        self.searcher = self.ix.searcher()

    def results(self, j: Judged, k: int = 20) -> tuple[list[str], list[str]]:
        """doc_ids in rank order and highlight fragments (query errors count as no results, as a
        tutorial app would show them)."""
        from whoosh import highlight
        from whoosh import query as wq
        from whoosh.qparser import MultifieldParser

        filters = []
        for name, field_name in (("partner", "partners"), ("topic", "topics"), ("year", "years")):
            values = j.params.get(name)
            if values:
                filters.append(wq.Or([wq.Term(field_name, str(v)) for v in values]))
        if j.params.get("lang"):
            filters.append(wq.Term("lang", j.params["lang"]))
        if "year_from" in j.params or "year_to" in j.params:
            lo, hi = int(j.params.get("year_from", 1900)), int(j.params.get("year_to", 2100))
            filters.append(wq.Or([wq.Term("years", str(y)) for y in range(lo, hi + 1)]))
        try:
            q = MultifieldParser(["title", "content"], self.ix.schema).parse(j.q) if j.q.strip() else wq.Every()
            results = self.searcher.search(q, limit=k, filter=wq.And(filters) if filters else None)
            results.fragmenter = highlight.ContextFragmenter(maxchars=240, surround=100)
            excerpts = []
            for h in results:
                excerpts += [_plain(f) for f in h.highlights("content", top=3, text=None).split("...") if f.strip()]
            return [h["doc_id"] for h in results], excerpts
        except Exception:
            return [], []


# -- running ---------------------------------------------------------------------------------
def _key(j: Judged) -> tuple:
    """A judged query's identity (the same words may be judged with and without filters)."""
    return j.q, json.dumps(j.params, sort_keys=True)


def evaluate(judged: list[Judged], systems) -> dict:
    """Per system and category: recall@K, MRR and the number of queries."""
    table: dict = {}
    per_query = []
    for s in systems:
        sums: dict = defaultdict(lambda: [0.0, 0.0, 0])
        for j in judged:
            ranked, excerpts = s.results(j)
            r, rr = score(j, ranked, excerpts)
            for cat in (j.category, "all"):
                sums[cat][0] += r
                sums[cat][1] += rr
                sums[cat][2] += 1
            per_query.append({"system": s.name, "q": j.q, "params": j.params, "category": j.category, "recall": r,
                              "rr": rr, "ranked": ranked[:K], "missing": sorted(j.relevant - set(ranked[:K])),
                              "total": getattr(s, "totals", {}).get(_key(j))})
        table[s.name] = {cat: {"recall@5": v[0] / v[2], "mrr": v[1] / v[2], "n": v[2]} for cat, v in sums.items()}
    return {"table": table, "queries": per_query}


def run(judgments: Path, corpus: Path, backend: str = "local", node=None) -> dict:
    """Build both systems over `corpus` in a temporary folder and evaluate the judged set; ours on
    `backend` (for typesense: on `node`, a nodes.ClusterHandle, else on a node started and stopped here)."""
    judged = load_judgments(judgments)
    with tempfile.TemporaryDirectory(prefix="relevance-") as tmp:
        with _node_for(backend, node, Path(tmp)) as serving:
            ours = OurSystem(corpus, Path(tmp), serving)
            baseline = NaiveBaseline(ours.documents(), Path(tmp))
            result = evaluate(judged, [ours, baseline])
            ours.index.close()
    result["judged"] = len(judged)
    result["backend"] = backend
    return result


@contextlib.contextmanager
def _node_for(backend: str, node, folder: Path):
    """None for the local backend; the given node, or one started in `folder` and stopped at exit."""
    if backend not in BACKENDS:
        raise ValueError(f"backend {backend!r}: expected one of {', '.join(BACKENDS)}")
    if backend == "local" or node is not None:
        yield node
        return
    from indexer.index.typesense import nodes

    with nodes.running(folder / "typesense", size=1, timeout=60) as started:
        yield started


def compare(judgments: Path, corpus: Path, node=None) -> dict:
    """The judged set on both backends, and the judged queries whose total or top K differ."""
    results = {b: run(judgments, corpus, b, node if b == "typesense" else None) for b in BACKENDS}
    explained = load_differences()
    ours = {b: {(q["q"], json.dumps(q["params"], sort_keys=True)): q for q in r["queries"] if q["system"] == "ours"}
            for b, r in results.items()}
    differences = []
    for key, a in ours["local"].items():
        b = ours["typesense"][key]
        if a["total"] != b["total"] or a["ranked"] != b["ranked"]:
            kind = "total" if a["total"] != b["total"] else "top" if set(a["ranked"]) != set(b["ranked"]) else "order"
            differences.append({"q": a["q"], "params": a["params"], "category": a["category"], "kind": kind,
                                "total": [a["total"], b["total"]], "top": [a["ranked"], b["ranked"]],
                                "rr": [a["rr"], b["rr"]], "recall": [a["recall"], b["recall"]],
                                "why": _why(explained, a, b)})
    return {"results": results, "differences": differences}


def load_differences(path: Path = DIFFERENCES) -> dict:
    """Why the backends differ on judged queries, by design: {"order": why, "queries": {q: {"total"|"top": why}}}."""
    spec = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
    spec = spec or {}
    return {"order": spec.get("order"), "queries": {d["q"]: d for d in spec.get("queries", [])}}


def _why(explained: dict, local: dict, cluster: dict) -> str | None:
    """The written reason for one difference: a total needs its own; other documents in the top K
    need their own; the same documents in another order are the engines' ranking."""
    mine = explained["queries"].get(local["q"], {})
    if local["total"] != cluster["total"]:
        return mine.get("total")
    if set(local["ranked"]) != set(cluster["ranked"]):
        return mine.get("top")
    return mine.get("order") or explained["order"]


def markdown(result: dict) -> str:
    """The per-category table, ours next to the baseline."""
    ours, base = result["table"]["ours"], result["table"]["baseline"]
    cats = sorted(c for c in ours if c != "all") + ["all"]
    lines = ["| category | n | recall@5 ours | recall@5 baseline | MRR ours | MRR baseline |",
             "| --- | --- | --- | --- | --- | --- |"]
    for c in cats:
        lines.append(f"| {c} | {ours[c]['n']} | {ours[c]['recall@5']:.3f} | {base[c]['recall@5']:.3f} | "
                     f"{ours[c]['mrr']:.3f} | {base[c]['mrr']:.3f} |")
    return "\n".join(lines)


def compare_markdown(compared: dict) -> str:
    """Both backends side by side per category, then every judged query where they differ."""
    local, cluster = (compared["results"][b]["table"] for b in BACKENDS)
    base = compared["results"]["local"]["table"]["baseline"]
    cats = sorted(c for c in local["ours"] if c != "all") + ["all"]
    lines = ["| category | n | recall@5 local | recall@5 cluster | MRR local | MRR cluster | recall@5 baseline | MRR baseline |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for c in cats:
        a, b = local["ours"][c], cluster["ours"][c]
        lines.append(f"| {c} | {a['n']} | {a['recall@5']:.3f} | {b['recall@5']:.3f} | {a['mrr']:.3f} | {b['mrr']:.3f} | "
                     f"{base[c]['recall@5']:.3f} | {base[c]['mrr']:.3f} |")
    diffs = compared["differences"]
    kinds = {k: [d for d in diffs if d["kind"] == k] for k in ("total", "top", "order")}
    lines += ["", f"{len(diffs)} judged queries differ: {len(kinds['total'])} in total, {len(kinds['top'])} in the "
                  f"documents of the top {K}, {len(kinds['order'])} in order only; "
                  f"{sum(1 for d in diffs if not d['why'])} unexplained"]
    for d in kinds["total"] + kinds["top"]:
        params = f" {json.dumps(d['params'], ensure_ascii=False)}" if d["params"] else ""
        what = f"total {d['total'][0]} local, {d['total'][1]} cluster" if d["kind"] == "total" else f"top {K}"
        lines += [f"- {d['category']}: {d['q']!r}{params}: {what}; recall {d['recall'][0]:.2f} / {d['recall'][1]:.2f}, "
                  f"rr {d['rr'][0]:.2f} / {d['rr'][1]:.2f}",
                  f"    local:   {d['top'][0]}", f"    cluster: {d['top'][1]}", f"    why: {d['why'] or 'UNEXPLAINED'}"]
    if kinds["order"]:
        lines.append(f"{kinds['order'][0]['why'] or 'UNEXPLAINED'}:")
        lines += [f"- {d['category']}: {d['q']!r}" + (f" {json.dumps(d['params'], ensure_ascii=False)}" if d["params"] else "")
                  + f": rr {d['rr'][0]:.2f} / {d['rr'][1]:.2f}" for d in kinds["order"]]
    return "\n".join(lines)


def main(argv=None) -> int:
    """Print the relevance table (and misses with --verbose)."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--archive", action="store_true", help="judged set over ../shared/archive/")
    p.add_argument("--backend", choices=BACKENDS, default="local",
                   help="where ours is built and served (typesense: a node started and stopped here)")
    p.add_argument("--compare", action="store_true",
                   help="both backends; list the judged queries whose total or top 5 differ")
    p.add_argument("--verbose", action="store_true")
    p.add_argument("--json", action="store_true")
    a = p.parse_args(argv)
    if a.archive and not ARCHIVE_DIR.is_dir():
        print(f"skipped: {ARCHIVE_DIR} is not present", file=sys.stderr)
        return 0
    judgments, corpus = (ARCHIVE_SET, ARCHIVE_DIR) if a.archive else (CORPUS_SET, PROJECT_ROOT / "corpus")
    if a.compare:
        compared = compare(judgments, corpus)
        print(json.dumps(compared, ensure_ascii=False, indent=2) if a.json else compare_markdown(compared))
        return 0
    result = run(judgments, corpus, a.backend)
    if a.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    print(f"backend: {a.backend}")
    print(markdown(result))
    if a.verbose:
        for q in result["queries"]:
            if q["rr"] < 1 or q["recall"] < 1:
                print(f"{q['system']:8} {q['category']:13} rr={q['rr']:.2f} r={q['recall']:.2f} {q['q']!r} "
                      f"missing={q['missing']} got={q['ranked']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
