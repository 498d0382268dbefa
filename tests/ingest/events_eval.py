"""Precision and recall of event extraction against the judged set (tests/ingest/events_judged.yaml).

    python -m tests.ingest.events_eval            # report per kind and overall
    python -m tests.ingest.events_eval --misses   # also list missed and wrong events

An extracted event matches a judged one when the document, the kind and the date are equal and
the judged parties are all among the extracted ones. Judged events marked `optional` count as
correct when found and are not counted as missed when not. The archive (../shared/archive) is
scored when it is present.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from indexer.config import PROJECT_ROOT
from indexer.ingest.events import KINDS, Event

JUDGED_FILE = Path(__file__).with_name("events_judged.yaml")
ROOTS = {"corpus": PROJECT_ROOT / "corpus", "archive": PROJECT_ROOT.parent / "shared" / "archive"}
MAX_BYTES = 50 * 1024 * 1024


def _iso(value) -> str:
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else str(value)


@dataclass
class Judged:
    """One judged event."""

    root: str
    doc: str
    date: str
    kind: str
    parties: list[str]
    date_end: str | None = None
    optional: bool = False
    status: str = "done"
    note: str = ""


@dataclass
class Score:
    """Counts for one kind (or overall)."""

    found: int = 0  # extracted events
    correct: int = 0  # extracted events matching a judged one
    judged: int = 0  # judged events that are not optional
    recalled: int = 0  # of those, matched

    @property
    def precision(self) -> float | None:
        return self.correct / self.found if self.found else None

    @property
    def recall(self) -> float | None:
        return self.recalled / self.judged if self.judged else None


@dataclass
class Result:
    """Scores per kind and overall, with the misses and wrong events for the report."""

    per_kind: dict[str, Score] = field(default_factory=lambda: {k: Score() for k in KINDS})
    overall: Score = field(default_factory=Score)
    missed: list[Judged] = field(default_factory=list)
    wrong: list[tuple[str, Event]] = field(default_factory=list)
    passing: list[tuple[str, Event, str]] = field(default_factory=list)  # events dated by a date in passing
    matched: list[tuple[Judged, Event]] = field(default_factory=list)
    docs: int = 0


def load_judged(roots=("corpus", "archive")) -> tuple[list[Judged], dict[tuple[str, str], list[str]], list[tuple[str, str]]]:
    """(judged events, dates in passing per (root, doc), every judged (root, doc))."""
    spec = yaml.safe_load(JUDGED_FILE.read_text(encoding="utf-8"))
    events: list[Judged] = []
    passing: dict[tuple[str, str], list[str]] = {}
    docs: list[tuple[str, str]] = []
    for root in roots:
        for entry in spec.get(root, []):
            docs.append((root, entry["doc"]))
            passing[(root, entry["doc"])] = [_iso(v) for v in entry.get("passing", [])]
            for e in entry.get("events") or []:
                events.append(Judged(root, entry["doc"], _iso(e["date"]), e["kind"], list(e.get("parties") or []),
                                     _iso(e["date_end"]) if e.get("date_end") else None, bool(e.get("optional")),
                                     e.get("status", "done"), str(e.get("note", ""))))
    return events, passing, docs


@lru_cache(maxsize=None)
def document(root: str, doc_id: str):
    """The Document the build would make of one judged file (no catalogue)."""
    from indexer.ingest.documents import document_from_extracted
    from indexer.ingest.extract import extract

    ex = extract(ROOTS[root] / doc_id, MAX_BYTES)
    return document_from_extracted(ex, doc_id, {})


def available_roots() -> list[str]:
    """The corpora present here (the archive is not in a CI clone)."""
    return [r for r, path in ROOTS.items() if path.is_dir()]


def evaluate(roots=None) -> Result:
    """Score the extracted events of every judged document of `roots`."""
    roots = roots or available_roots()
    judged, passing, docs = load_judged(roots)
    result = Result()
    by_doc: dict[tuple[str, str], list[Judged]] = {}
    for j in judged:
        by_doc.setdefault((j.root, j.doc), []).append(j)
    for root, doc_id in docs:
        result.docs += 1
        extracted = list(document(root, doc_id).events)
        wanted = by_doc.get((root, doc_id), [])
        free = list(extracted)
        for j in wanted:
            if not j.optional:
                result.per_kind[j.kind].judged += 1
                result.overall.judged += 1
            hit = next((e for e in free if e.kind == j.kind and e.date == j.date and set(j.parties) <= set(e.partners)), None)
            if hit is None:
                if not j.optional:
                    result.missed.append(j)
                continue
            free.remove(hit)
            result.matched.append((j, hit))
            result.per_kind[hit.kind].correct += 1
            result.overall.correct += 1
            if not j.optional:
                result.per_kind[j.kind].recalled += 1
                result.overall.recalled += 1
        for e in extracted:
            result.per_kind[e.kind].found += 1
            result.overall.found += 1
            if any(e.date == p or (len(p) == 4 and e.date[:4] == p and e.precision == "year") for p in passing[(root, doc_id)]):
                result.passing.append((doc_id, e, e.date))
        result.wrong.extend((doc_id, e) for e in free)
    return result


def _pct(x: float | None) -> str:
    return "  -  " if x is None else f"{x:5.2f}"


def report(result: Result, details: bool = False, out=sys.stdout) -> None:
    """Print precision and recall per kind and overall."""
    print(f"{result.docs} judged documents", file=out)
    print(f"{'kind':<18}{'found':>6}{'correct':>8}{'precision':>10}{'judged':>8}{'recalled':>9}{'recall':>8}", file=out)
    for kind, s in [*result.per_kind.items(), ("overall", result.overall)]:
        print(f"{kind:<18}{s.found:>6}{s.correct:>8}{_pct(s.precision):>10}{s.judged:>8}{s.recalled:>9}{_pct(s.recall):>8}",
              file=out)
    print(f"events dated by a date in passing: {len(result.passing)}", file=out)
    if details:
        print("\nmissed:", file=out)
        for j in result.missed:
            print(f"  {j.doc} {j.date} {j.kind} {j.parties}  {j.note}", file=out)
        print("\nnot in the judged set:", file=out)
        for doc_id, e in result.wrong:
            print(f"  {doc_id} n={e.n} {e.date} {e.kind} {e.partners}  {e.evidence[:150]}", file=out)
        for doc_id, e, d in result.passing:
            print(f"  PASSING {doc_id} {d} {e.kind}: {e.evidence[:150]}", file=out)


def main(argv=None) -> int:
    """Command line: print the report."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--misses", action="store_true", help="list missed and unjudged events")
    args = ap.parse_args(argv)
    report(evaluate(), args.misses)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
