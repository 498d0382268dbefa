"""Answers before and after a change: 200 mixed queries whose `/api/search` bodies must stay byte for byte.

A refactor that claims "behaviour unchanged" is checked here: `capture` builds an index of a corpus
from scratch with `python -m indexer build --rebuild`, asks the JSON API (through the app's own test
client) a fixed mix of requests, and writes every body as it came; `compare` says which differ.
Besides `/api/search` it records `/api/doc` of the first documents, `/api/browse` and a few
partner and topic pages, as a wider net.

    .venv/bin/python -m bench.answers capture --corpus corpus --out /tmp/before-sample.json
    .venv/bin/python -m bench.answers capture --passages 10000 --out /tmp/before-10k.json
    ... change the code ...
    .venv/bin/python -m bench.answers capture --corpus corpus --out /tmp/after-sample.json
    .venv/bin/python -m bench.answers compare /tmp/before-sample.json /tmp/after-sample.json

The mix (`requests_mix`): the bench query mix (Chinese words, names and typed-together strings,
English words and names, quoted phrases, filtered queries, browsing with and without filters,
date sort), plus `expand=0`, misspellings, exclusions, prefixes, date-sorted queries, languages and
later pages: 200 requests, drawn deterministically from the seed.
"""
from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlencode

from indexer.config import PROJECT_ROOT

from .queries import query_mix

TOTAL = 200


def _misspell(rng: random.Random, q: str) -> str:
    """One slip: a letter dropped, doubled or swapped in an English word; a character changed in Chinese."""
    words = q.split()
    i = rng.randrange(len(words))
    w = words[i]
    if w.isascii() and len(w) >= 4:
        k = rng.randrange(1, len(w) - 1)
        w = rng.choice([w[:k] + w[k + 1:], w[:k] + w[k] + w[k:], w[:k - 1] + w[k] + w[k - 1] + w[k + 1:]])
    elif len(w) >= 2:
        k = rng.randrange(len(w))
        w = w[:k] + rng.choice("的国关合作海在与会") + w[k + 1:]
    words[i] = w
    return " ".join(words)


def requests_mix(seed: int = 7) -> list[dict]:
    """The fixed list of `/api/search` parameter sets."""
    rng = random.Random(seed)
    base = [params for _cat, params in query_mix(30, seed=seed)]  # 150
    worded = [p for p in base if p.get("q")]
    extra: list[dict] = []
    for p in rng.sample(worded, 12):
        extra.append({**p, "expand": "0"})
    for p in rng.sample(worded, 10):
        extra.append({**p, "q": _misspell(rng, p["q"].strip('"'))})
    for p in rng.sample(worded, 8):
        extra.append({**p, "sort": "date"})
    for p in rng.sample(worded, 5):
        other = rng.choice(worded)["q"].strip('"').split()[0]
        extra.append({**p, "q": f"{p['q']} -{other}"})
    for p in rng.sample([p for p in worded if p["q"].isascii() and len(p["q"].strip('"')) >= 5], 5):
        extra.append({**p, "q": p["q"].strip('"')[:4] + "*"})
    for p in rng.sample(worded, 5):
        extra.append({**p, "lang": rng.choice(["zh", "en"])})
    for p in rng.sample(worded, 5):
        extra.append({**p, "page": "2", "per_page": "5"})
    out: dict[str, dict] = {}
    for params in base + extra:  # the same request drawn twice is asked once
        out.setdefault(urlencode(params), params)
    more = iter(params for _cat, params in query_mix(60, seed=seed + 1))
    while len(out) < TOTAL:
        params = next(more)
        out.setdefault(urlencode(params), params)
    return list(out.values())[:TOTAL]
    return out


def _build(corpus: Path, index: Path) -> None:
    cmd = [sys.executable, "-m", "indexer", "build", "--corpus", str(corpus), "--index", str(index), "--rebuild"]
    subprocess.run(cmd, cwd=PROJECT_ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def capture(corpus: Path, index: Path) -> dict:
    """Every answer of the mix (and the wider net) over a fresh build of `corpus`, as text."""
    sys.path.insert(0, str(PROJECT_ROOT))
    from app import create_app
    from indexer.config import Settings

    _build(corpus, index)
    client = create_app(Settings.from_env(corpus, index)).test_client()
    answers: dict[str, str] = {}

    def ask(url: str) -> dict:
        r = client.get(url)
        answers[url] = f"{r.status_code} {r.get_data(as_text=True)}"
        return r.get_json(silent=True) or {}

    for params in requests_mix():
        ask("/api/search?" + urlencode(params))
    browse = ask("/api/browse")
    first = ask("/api/search?" + urlencode({"q": "", "per_page": "20"}))
    for h in first.get("hits", []):
        ask(f"/api/doc/{h['doc_id']}")
    for group in ("organisations", "countries", "topics"):
        for item in browse.get(group, [])[:4]:
            ask(f"/api/{item['kind']}/{item['id']}")
    return answers


def compare(before: dict, after: dict) -> list[str]:
    """URLs whose answers differ (or exist on one side only)."""
    return [u for u in sorted(set(before) | set(after)) if before.get(u) != after.get(u)]


def main(argv=None) -> int:
    """capture | compare."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("capture")
    c.add_argument("--corpus", type=Path, help="a corpus folder")
    c.add_argument("--passages", type=int, help="or a generated bench corpus of this many passages")
    c.add_argument("--out", type=Path, required=True)
    d = sub.add_parser("compare")
    d.add_argument("before", type=Path)
    d.add_argument("after", type=Path)
    a = p.parse_args(argv)
    if a.cmd == "compare":
        before, after = (json.loads(x.read_text(encoding="utf-8")) for x in (a.before, a.after))
        diff = compare(before, after)
        print(f"{len(before)} answers before, {len(after)} after, {len(diff)} differ")
        for u in diff[:20]:
            print("  differs:", u)
        return 1 if diff else 0
    with tempfile.TemporaryDirectory() as tmp:
        corpus = a.corpus
        if corpus is None:
            from .corpus_gen import generate

            corpus = Path(tmp) / "corpus"
            generate(corpus, a.passages or 10_000)
        answers = capture(corpus.resolve(), Path(tmp) / "index")
    a.out.write_text(json.dumps(answers, ensure_ascii=False, indent=0), encoding="utf-8")
    print(f"{len(answers)} answers written to {a.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
