"""Relevance harness: judged queries, recall@k and MRR for our search and a naive baseline.

Queries judged with a `passage` anchor (the OCR category) are scored on passages: a hit counts
when one of the shown excerpts contains the anchor, the damaged text as it stands in the file
(whitespace ignored); the baseline shows Whoosh's highlight fragments of the same width.

The baseline is Whoosh as tutorials use it: whole documents, jieba's stock ChineseAnalyzer on
title and content, the default query parser, no glossary, no bigrams, no folding. It indexes
the same extracted text and the same tags (so filters work in both), built in the same run.

    .venv/bin/python -m tests.relevance.harness            # judged set over corpus/
    .venv/bin/python -m tests.relevance.harness --archive  # judged set over ../shared/archive/
"""
from __future__ import annotations

import argparse
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
    """The project's search over a freshly built index."""

    name = "ours"

    def __init__(self, corpus: Path, workdir: Path):
        from indexer.index.build import build
        from indexer.search.handle import IndexHandle

        settings = Settings.from_env(corpus, workdir / "index")
        self.report = build(settings, log=lambda *_: None, quiet=True)
        self.index = IndexHandle(settings).get()

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
            per_query.append({"system": s.name, "q": j.q, "category": j.category, "recall": r, "rr": rr,
                              "ranked": ranked[:K], "missing": sorted(j.relevant - set(ranked[:K]))})
        table[s.name] = {cat: {"recall@5": v[0] / v[2], "mrr": v[1] / v[2], "n": v[2]} for cat, v in sums.items()}
    return {"table": table, "queries": per_query}


def run(judgments: Path, corpus: Path) -> dict:
    """Build both systems over `corpus` in a temporary folder and evaluate the judged set."""
    judged = load_judgments(judgments)
    with tempfile.TemporaryDirectory(prefix="relevance-") as tmp:
        ours = OurSystem(corpus, Path(tmp))
        baseline = NaiveBaseline(ours.documents(), Path(tmp))
        result = evaluate(judged, [ours, baseline])
        ours.index.close()
    result["judged"] = len(judged)
    return result


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


def main(argv=None) -> int:
    """Print the relevance table (and misses with --verbose)."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--archive", action="store_true", help="judged set over ../shared/archive/")
    p.add_argument("--verbose", action="store_true")
    p.add_argument("--json", action="store_true")
    a = p.parse_args(argv)
    if a.archive:
        if not ARCHIVE_DIR.is_dir():
            print(f"skipped: {ARCHIVE_DIR} is not present", file=sys.stderr)
            return 0
        result = run(ARCHIVE_SET, ARCHIVE_DIR)
    else:
        result = run(CORPUS_SET, PROJECT_ROOT / "corpus")
    if a.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    print(markdown(result))
    if a.verbose:
        for q in result["queries"]:
            if q["rr"] < 1 or q["recall"] < 1:
                print(f"{q['system']:8} {q['category']:13} rr={q['rr']:.2f} r={q['recall']:.2f} {q['q']!r} "
                      f"missing={q['missing']} got={q['ranked']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
