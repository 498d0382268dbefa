"""A query plan as Whoosh queries over the passage fields: what decides a match, and what ranks.

Each clause matches on the word fields (`text`, `title`) and, for Chinese, on the bigram field
(the exact string, wherever segmentation cut it differently); a prefix clause is expanded
against the term dictionary. The ranking query adds a bonus for all words close together and
for a Chinese string found as typed.
"""
from __future__ import annotations

from whoosh import query as wq

from indexer.analysis.textnorm import fold
from indexer.search.plan import Clause, QueryPlan

MAX_PREFIX_EXPANSION = 64
BIGRAM_WEIGHT = 0.35
FUZZY_BIGRAM_WEIGHT = 0.15
GROUP_BIGRAM_WEIGHT = 0.5
PROXIMITY_SLOP = 8
PROXIMITY_BOOST = 1.5


def _words_query(fieldname: str, words: list[str], phrase: bool, boost: float = 1.0):
    if len(words) == 1:
        return wq.Term(fieldname, words[0], boost=boost)
    if phrase:
        return wq.Phrase(fieldname, words, boost=boost)
    return wq.And([wq.Term(fieldname, w) for w in words], boost=boost)


def prefix_stem(c: Clause) -> str:
    """The folded stem a prefix clause expands."""
    return fold(c.raw.rstrip("*? ")).lower()


def clause_query(c: Clause, reader=None):
    """The engine query that decides whether a passage matches this clause."""
    if c.prefix and reader is not None:
        stem = prefix_stem(c)
        terms: list = []
        for fieldname in ("text", "title"):
            for i, t in enumerate(reader.expand_prefix(fieldname, stem)):
                if i >= MAX_PREFIX_EXPANSION:
                    break
                terms.append(wq.Term(fieldname, t.decode("utf-8") if isinstance(t, bytes) else t))
        return wq.Or(terms) if terms else wq.NullQuery
    options = []
    for alt in c.alternatives:
        if alt.words:
            options.append(_words_query("text", alt.words, c.phrase, alt.weight))
            options.append(_words_query("title", alt.words, c.phrase, alt.weight))
        if alt.has_han and alt.bigrams:
            # the exact string, wherever segmentation cut it differently (OCR confusions repaired)
            options.append(_words_query("bigrams", alt.bigrams, True, BIGRAM_WEIGHT * alt.weight))
    return wq.Or(options) if options else wq.NullQuery


def scoring_query(plan: QueryPlan, reader=None):
    """The query that ranks passages: every clause, plus a bonus for all words close together."""
    parts = [clause_query(c, reader) for c in plan.positive]
    words = [w for c in plan.positive if not c.prefix for w in c.words]
    if len(plan.positive) > 1 and len(words) > 1:
        parts.append(wq.Phrase("text", words, slop=PROXIMITY_SLOP, boost=PROXIMITY_BOOST))
    for g in plan.groups:
        # a Chinese string found as typed, or nearly (segmentation or OCR damage)
        parts.append(wq.Phrase("text", g.words, slop=1, boost=PROXIMITY_BOOST))
        if len(g.bigrams) >= 2:
            parts.append(wq.Phrase("bigrams", g.bigrams, boost=PROXIMITY_BOOST))
    return wq.Or(parts)
