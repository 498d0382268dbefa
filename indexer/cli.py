"""The command line of API.md: build, search, stats."""
from __future__ import annotations

import argparse
import json
import signal
import sys
import threading

from .config import Settings


def _err(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def printable(text: str) -> str:
    """Text safe for one line of a terminal: control, bidi-override and line-separator characters
    escaped (\\n, \\x1b, \\u202e), so that a file name cannot forge report lines or send escape codes."""
    out = []
    for ch in str(text):
        o = ord(ch)
        if o < 0x20 or 0x7F <= o <= 0x9F:
            out.append({"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(ch, f"\\x{o:02x}"))
        elif 0x202A <= o <= 0x202E or 0x2066 <= o <= 0x2069 or o in (0x200E, 0x200F, 0x2028, 0x2029):
            out.append(f"\\u{o:04x}")
        else:
            out.append(ch)
    return "".join(out)


def cmd_build(args) -> int:
    """Incremental build; exit 0 when an index was published."""
    from .index.build import BuildError, build

    settings = Settings.from_env(args.corpus, args.index)
    try:
        report = build(settings, rebuild=args.rebuild, log=_err, quiet=args.json)
        # done (published, or nothing to publish): a Ctrl-C from here on would only turn the
        # report and a clean exit into a "killed by SIGINT" status
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, signal.SIG_IGN)
    except BuildError as e:
        _err(f"build failed: {printable(e)}")
        if args.json:
            print(json.dumps({"error": str(e)}, ensure_ascii=False))
        return 2
    except KeyboardInterrupt:
        _err("build interrupted: the previously published index is still serving")
        return 130
    for f in report.failed:
        _err(f"failed: {printable(f['path'])}: {printable(f['error'])}")
    for w in report.warnings:
        _err(f"warning: {printable(w['path'])}: {printable(w['error'])}")
    j = report.as_json()
    _err(
        f"{report.generation or 'nothing published'}: {report.added} added, {report.updated} updated, "
        f"{report.removed} removed, {report.unchanged} unchanged, {len(report.failed)} failed "
        f"in {report.seconds:.2f} s"
        + (f" ({j['mb_per_s']} MB/s, {j['pages_per_s']} pages/s)" if report.bytes_read else "")
    )
    if any(report.pdf_pages.values()):
        _err("PDF pages: " + ", ".join(f"{n} {route}" for route, n in report.pdf_pages.items() if n))
    if args.json:
        print(json.dumps(j, ensure_ascii=False, indent=2))
    return 0


def _open(index):
    from .search.service import IndexHandle, IndexUnavailable

    settings = Settings.from_env(None, index)
    try:
        return IndexHandle(settings.index_dir).get(), settings
    except IndexUnavailable as e:
        _err(str(e))
        return None, settings


def cmd_search(args) -> int:
    """Search from the command line; `--json` prints the API's object."""
    from .search.request import BadRequest, parse_request

    ix, settings = _open(args.index)
    if ix is None:
        return 2
    values = {"q": args.query, "year_from": args.year_from, "year_to": args.year_to, "lang": args.lang,
              "sort": args.sort, "page": args.page, "per_page": args.per_page,
              "expand": "0" if args.no_expand else "1"}
    lists = {"year": args.year or [], "partner": args.partner or [], "topic": args.topic or []}
    try:
        req = parse_request(lambda k: None if values.get(k) is None else str(values[k]), lambda k: lists.get(k, []),
                            settings.max_query_chars, settings.max_page, settings.max_per_page)
    except BadRequest as e:
        _err(f"bad query: {e}")
        return 2
    result = ix.search(req)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    import html
    import re

    print(f"{result['total']} documents for {args.query!r}")
    if result["expansions"]:
        print("also searched: " + ", ".join(f"{e['also']}" for e in result["expansions"]))
    for i, h in enumerate(result["hits"], start=(req.page - 1) * req.per_page + 1):
        print(f"\n{i}. {h['title']}  [{h['date'] or 'undated'}, {h['lang']}]  {h['doc_id']}")
        if h["partners"] or h["topics"]:
            print(f"   partners: {', '.join(h['partners'][:12])}  topics: {', '.join(h['topics'][:8])}")
        for e in h["excerpts"]:
            text = html.unescape(re.sub(r"</?mark>", "**", e["html"]))
            page = f" p.{e['page']}" if e["page"] else ""
            print(f"   #p-{e['n']}{page}: {text}")
    return 0


def cmd_stats(args) -> int:
    """Index statistics."""
    ix, _settings = _open(args.index)
    if ix is None:
        return 2
    s = ix.stats()
    if args.json:
        print(json.dumps(s, ensure_ascii=False, indent=2))
        return 0
    print(f"generation {s['generation']} built {s['built_at']} from {s['corpus']}")
    print(f"{s['documents']} documents, {s['passages']} passages, {s['index_bytes'] / 1e6:.1f} MB")
    print("languages: " + ", ".join(f"{k} {v}" for k, v in s["languages"].items()))
    if s["years"]:
        print(f"years: {s['years'][0]}–{s['years'][-1]}")
    print("top partners: " + ", ".join(f"{p['value']} ({p['count']})" for p in s["top_partners"]))
    print("top topics: " + ", ".join(f"{p['value']} ({p['count']})" for p in s["top_topics"]))
    return 0


def parser() -> argparse.ArgumentParser:
    """The argument parser."""
    p = argparse.ArgumentParser(prog="python -m indexer", description="Index and search customs cooperation records.")
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="index the corpus incrementally and publish it atomically")
    b.add_argument("--corpus", help="corpus folder (default $CORPUS_DIR or corpus)")
    b.add_argument("--index", help="index folder (default $INDEX_DIR or instance/index)")
    b.add_argument("--rebuild", action="store_true", help="re-read every file")
    b.add_argument("--json", action="store_true", help="print the machine-readable report on stdout")
    b.set_defaults(func=cmd_build)
    s = sub.add_parser("search", help="search the index")
    s.add_argument("query")
    s.add_argument("--index")
    s.add_argument("--year", action="append", help="repeatable")
    s.add_argument("--year-from", dest="year_from")
    s.add_argument("--year-to", dest="year_to")
    s.add_argument("--partner", action="append", help="partner id, repeatable (e.g. WCO, KAZ)")
    s.add_argument("--topic", action="append", help="topic id, repeatable (e.g. aeo)")
    s.add_argument("--lang", choices=["zh", "en"])
    s.add_argument("--sort", choices=["relevance", "date"], default="relevance")
    s.add_argument("--page", type=int, default=1)
    s.add_argument("--per-page", dest="per_page", type=int, default=10)
    s.add_argument("--no-expand", action="store_true", help="no cross-lingual expansion")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_search)
    st = sub.add_parser("stats", help="index statistics")
    st.add_argument("--index")
    st.add_argument("--json", action="store_true")
    st.set_defaults(func=cmd_stats)
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    import signal

    args = parser().parse_args(argv)
    if args.command != "build":
        # `search ... | head` ends quietly; a build keeps Python's default (ignored): with the
        # default action, a write to a reader process that has just died would kill the build
        # silently, with nothing reported and nothing published
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    return args.func(args)
