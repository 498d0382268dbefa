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
    _report_skipped(report.skipped)
    j = report.as_json()
    _err(
        f"{report.generation or 'nothing published'}: {report.added} added, {report.updated} updated, "
        f"{report.removed} removed, {report.unchanged} unchanged, {len(report.failed)} failed"
        + (f", {len(report.skipped)} skipped (not documents)" if report.skipped else "")
        + f" in {report.seconds:.2f} s"
        + (f" ({j['mb_per_s']} MB/s, {j['pages_per_s']} pages/s)" if report.bytes_read else "")
    )
    if any(report.pdf_pages.values()):
        _err("PDF pages: " + ", ".join(f"{n} {route}" for route, n in report.pdf_pages.items() if n))
    if args.json:
        print(json.dumps(j, ensure_ascii=False, indent=2))
    return 0


def _report_skipped(skipped: list[dict], each: int = 10) -> None:
    """Files not read by design: each one when they are few, else how many of each kind."""
    if len(skipped) <= each:
        for f in skipped:
            _err(f"skipped: {f['path']}: {f['reason']}")
        return
    kinds: dict[str, int] = {}
    for f in skipped:
        kinds[f["reason"]] = kinds.get(f["reason"], 0) + 1
    for reason, n in sorted(kinds.items(), key=lambda kv: -kv[1]):
        _err(f"skipped: {n} files: {reason}")


def _open(index):
    from indexer.index.backend import IndexUnavailable
    from indexer.search.handle import IndexHandle

    settings = Settings.from_env(None, index)
    try:
        return IndexHandle(settings).get(), settings
    except IndexUnavailable as e:
        _err(str(e))
        return None, settings


def cmd_search(args) -> int:
    """Search from the command line; `--json` prints the API's object."""
    from indexer.search.request import BadRequest, parse_request
    from web.api_json import search_json

    svc, settings = _open(args.index)
    if svc is None:
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
    result = svc.search(req)
    if args.json:
        print(json.dumps(search_json(result, None), ensure_ascii=False, indent=2))
        return 0
    print(f"{result.total} documents for {args.query!r}")
    if result.expansions:
        print("also searched: " + ", ".join(e.also for e in result.expansions))
    for i, h in enumerate(result.hits, start=(req.page - 1) * req.per_page + 1):
        d = h.doc
        print(f"\n{i}. {d.title}  [{d.date or 'undated'}, {d.lang}]  {d.doc_id}")
        if d.partners or d.topics:
            print(f"   partners: {', '.join(d.partners[:12])}  topics: {', '.join(d.topics[:8])}")
        for e in h.excerpts:
            s = e.snippet
            text = ("…" if s.cut_before else "") + "".join(f"**{t}**" if m else t for t, m in s.parts) \
                + ("…" if s.cut_after else "")
            page = f" p.{e.page}" if e.page else ""
            print(f"   #p-{e.n}{page}: {text}")
    return 0


def cmd_stats(args) -> int:
    """Index statistics."""
    from web.api_json import label

    svc, _settings = _open(args.index)
    if svc is None:
        return 2
    s = svc.backend.stats()
    if args.json:
        top = {name: [{"value": v, "label": label(v, None), "count": c} for v, c in pairs]
               for name, pairs in (("top_partners", s.top_partners), ("top_topics", s.top_topics))}
        print(json.dumps({"generation": s.generation, "documents": s.documents, "passages": s.passages,
                          "languages": s.languages, "index_bytes": s.index_bytes, "built_at": s.built_at,
                          "corpus": s.corpus, **top, "years": s.years}, ensure_ascii=False, indent=2))
        return 0
    print(f"generation {s.generation} built {s.built_at} from {s.corpus}")
    print(f"{s.documents} documents, {s.passages} passages, {s.index_bytes / 1e6:.1f} MB")
    print("languages: " + ", ".join(f"{k} {v}" for k, v in s.languages.items()))
    if s.years:
        print(f"years: {s.years[0]}–{s.years[-1]}")
    print("top partners: " + ", ".join(f"{v} ({c})" for v, c in s.top_partners))
    print("top topics: " + ", ".join(f"{v} ({c})" for v, c in s.top_topics))
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
