"""What name variants add to tagging, for reading by eye: every mention found with variants that
tagging without them does not find, with its context, and the time both take.

    .venv/bin/python -m bench.variant_precision corpus ../shared/archive

A false tag shows up here as a mention of a partner or topic that the context does not speak of.
"""
from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

from indexer.analysis.taxonomy import load_taxonomy
from indexer.ingest.extract import extract
from indexer.ingest.passages import cut_passages

SUFFIXES = (".txt", ".md", ".pdf", ".html", ".htm", ".docx")


def passages(roots: list[Path]) -> list[tuple[str, str]]:
    """(file name, passage text) of every readable document under `roots`."""
    out = []
    for root in roots:
        for f in sorted(root.rglob("*")):
            if f.suffix.lower() not in SUFFIXES or not f.is_file():
                continue
            try:
                ex = extract(f, 50 * 1024 * 1024)
            except Exception as e:  # a bad file is not what this measures
                print(f"skipped {f}: {e}", file=sys.stderr)
                continue
            out += [(f.name, chunk) for page in ex.pages for chunk in cut_passages(page.text, 400, 700)]
    return out


def main(argv: list[str]) -> int:
    """Print the mentions variants add, then the counts and timings."""
    roots = [Path(a) for a in argv] or [Path("corpus")]
    items = passages(roots)
    tax = load_taxonomy()
    tax.variants()
    timings = {}
    for variants in (False, True):
        t = time.process_time()
        for _name, text in items:
            tax.find(text, variants=variants)
        timings[variants] = time.process_time() - t
    added: Counter = Counter()
    for name, text in items:
        before = {(k, i) for *_r, k, i in tax.find(text, variants=False)}
        for s, e, k, i in tax.find(text):
            if (k, i) not in before:
                before.add((k, i))
                context = text[max(0, s - 10): e + 10].replace("\n", " ")
                added[(i, text[s:e], context, name)] += 1
    for (ident, surface, context, name), n in sorted(added.items()):
        print(f"{ident:24} {surface:20} …{context}…  [{name}]")
    chars = sum(len(t) for _n, t in items)
    print(f"\n{len(items)} passages, {chars:,} characters: {len(added)} mentions added by variants", file=sys.stderr)
    print(f"tagging CPU time: {timings[False]:.3f} s without variants, {timings[True]:.3f} s with "
          f"({(timings[True] - timings[False]) / max(1, len(items)) * 1e6:.0f} µs more a passage)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
