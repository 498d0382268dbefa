"""A query plan as Whoosh queries over the passage fields: what decides a match, and what ranks.

Each clause matches on the word fields (`text`, `title`) and, for Chinese, on the bigram field
(the exact string, wherever segmentation cut it differently); a prefix clause is expanded
against the term dictionary. In the ranking query a clause scores its best way of matching (a
disjunction-max over its alternatives' words and strings, each weighted): a name matched in
three ways, or through a translation, does not outweigh what was typed, matched once. The
ranking query adds a bonus for all words close together and for a Chinese string found as typed.
"""
from __future__ import annotations

from whoosh import query as wq

from indexer.analysis.textnorm import fold
from indexer.search.plan import TAG_WEIGHT, Clause, QueryPlan

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


def _prefix_terms(c: Clause, reader) -> list:
    stem = prefix_stem(c)
    terms: list = []
    for fieldname in ("text", "title"):
        for i, t in enumerate(reader.expand_prefix(fieldname, stem)):
            if i >= MAX_PREFIX_EXPANSION:
                break
            terms.append(wq.Term(fieldname, t.decode("utf-8") if isinstance(t, bytes) else t))
    return terms


def _ways(c: Clause, reader=None) -> list:
    """Each way the clause can match, as a query: the words a prefix begins (the names it begins
    are alternatives too), an alternative's words in the text or the title, its Chinese string."""
    ways = []
    alternatives = c.alternatives
    if c.prefix and reader is not None:
        terms = _prefix_terms(c, reader)
        if terms:
            ways.append(wq.Or(terms))
        alternatives = c.alternatives[1:]
    for alt in alternatives:
        if alt.words:
            ways.append(wq.Or([_words_query("text", alt.words, c.phrase, alt.weight),
                               _words_query("title", alt.words, c.phrase, alt.weight)]))
        if alt.has_han and alt.bigrams:
            # the exact string, wherever segmentation cut it differently (OCR confusions repaired)
            ways.append(_words_query("bigrams", alt.bigrams, True, BIGRAM_WEIGHT * alt.weight))
    for tag in c.tags:  # passages tagged with what the clause names, in whatever spelling they use
        ways.append(wq.Term("tags", tag, boost=TAG_WEIGHT))
    return ways


def clause_query(c: Clause, reader=None):
    """The engine query that decides whether a passage matches this clause."""
    ways = _ways(c, reader)
    return wq.Or(ways) if ways else wq.NullQuery


def clause_scoring(c: Clause, reader=None):
    """The clause in the ranking query: its best way of matching."""
    ways = _ways(c, reader)
    return wq.DisjunctionMax(ways) if ways else wq.NullQuery


def scoring_query(plan: QueryPlan, reader=None):
    """The query that ranks passages: every clause, plus a bonus for all words close together."""
    parts = [clause_scoring(c, reader) for c in plan.positive]
    words = [w for c in plan.positive if not c.prefix for w in c.words]
    if len(plan.positive) > 1 and len(words) > 1:
        parts.append(wq.Phrase("text", words, slop=PROXIMITY_SLOP, boost=PROXIMITY_BOOST))
    for g in plan.groups:
        # a Chinese string found as typed, or nearly (segmentation or OCR damage)
        parts.append(wq.Phrase("text", g.words, slop=1, boost=PROXIMITY_BOOST))
        if len(g.bigrams) >= 2:
            parts.append(wq.Phrase("bigrams", g.bigrams, boost=PROXIMITY_BOOST))
    return wq.Or(parts)
