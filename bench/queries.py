"""The fixed query mix: Chinese, English, phrase, filtered and empty-query browse requests.

Queries are drawn (deterministically from the seed) from the same vocabulary the corpus
generator writes with, so they hit a generated archive at realistic rates: frequent and rarer
words, partner and topic names, phrases that occur in the sentence shapes. Every request asks for
what a user's page shows: facet counts and a page of hits with highlighted excerpts.
"""
from __future__ import annotations

import random

from .corpus_gen import PROMINENT_PARTNERS, YEARS, load_sources

CATEGORIES = ("zh", "en", "phrase", "filtered", "browse")
EN_STOP = set("the and for with that this from which have has been were will shall their there these those "
              "also such into between other more most than through about under".split())


def _frequent(counter, n: int, keep) -> list[str]:
    return [w for w, _ in counter.most_common() if keep(w)][:n]


def query_mix(per_category: int, seed: int = 42) -> list[tuple[str, dict]]:
    """(category, query parameters) pairs, `per_category` of each, interleaved in a fixed order."""
    src = load_sources()
    rng = random.Random(seed)
    zh_words = _frequent(src.corpus_words["zh"], 400, lambda w: 2 <= len(w) <= 4)
    en_words = _frequent(src.corpus_words["en"], 400, lambda w: w not in EN_STOP)
    zh_names = [n for p in PROMINENT_PARTNERS[:25] for n in src.names.get((p, "zh"), [])[:1]]
    zh_names += [n for t in src.topics for n in src.names[(t, "zh")][:2]]
    en_names = [n for t in src.topics for n in src.names[(t, "en")][:2]]
    en_names += [n for p in PROMINENT_PARTNERS[:25] for n in src.names.get((p, "en"), [])[:1]]
    en_phrases = [p for p in src.phrases["en"] if len(p.split()) == 2 and all(w.isalpha() for w in p.split())]

    def zh_query() -> str:
        r = rng.random()
        if r < 0.35:
            return rng.choice(zh_words)
        if r < 0.6:
            return rng.choice(zh_names)
        if r < 0.85:
            return rng.choice(zh_words) + " " + rng.choice(zh_words)
        return rng.choice(zh_names) + rng.choice(zh_words)  # typed without a space

    def en_query() -> str:
        r = rng.random()
        if r < 0.4:
            return rng.choice(en_words)
        if r < 0.7:
            return rng.choice(en_names)
        return rng.choice(en_words) + " " + rng.choice(en_words)

    def phrase_query() -> str:
        r = rng.random()
        if r < 0.4 and en_phrases:
            return f'"{rng.choice(en_phrases)}"'
        if r < 0.7:
            return f'"{rng.choice(zh_names)}"'
        return f'"{rng.choice(en_names)}"'

    def filters() -> dict:
        r = rng.random()
        if r < 0.35:
            return {"partner": rng.choice(PROMINENT_PARTNERS[:20])}
        if r < 0.6:
            lo = rng.randrange(YEARS.start, YEARS.stop - 5)
            return {"year_from": str(lo), "year_to": str(lo + rng.randint(1, 6))}
        if r < 0.8:
            return {"topic": rng.choice(src.topics)}
        return {"partner": rng.choice(PROMINENT_PARTNERS[:10]), "lang": rng.choice(["zh", "en"])}

    out: list[tuple[str, dict]] = []
    for _ in range(per_category):
        out.append(("zh", {"q": zh_query()}))
        out.append(("en", {"q": en_query()}))
        out.append(("phrase", {"q": phrase_query()}))
        out.append(("filtered", {"q": zh_query() if rng.random() < 0.5 else en_query(), **filters()}))
        browse: dict = {"q": ""}
        if rng.random() < 0.7:
            browse.update(filters())
        if rng.random() < 0.5:
            browse["sort"] = "date"
        out.append(("browse", browse))
    return out
