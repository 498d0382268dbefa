"""A query plan as Whoosh queries over the passage fields: what decides a match, and what ranks.

Each clause matches on the word fields (`text`, `title`) and, for Chinese, on the bigram field
(the exact string, wherever segmentation cut it differently); a prefix clause is expanded
against the term dictionary. In the ranking query a clause scores its best way of matching (a
disjunction-max over its alternatives' words and strings, each weighted): a name matched in
three ways, or through a translation, does not outweigh what was typed, matched once, and one
occurrence of an equivalent scores at most its weight times one of the typed form. The
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


def _way_groups(c: Clause, reader=None) -> list[list]:
    """Each way the clause can match, as queries grouped by what they stand for: the words a prefix
    begins or the alternative as typed first, then each equivalent, then the clause's tags. The
    names a prefix begins are alternatives too; an alternative matches by its words in the text or
    the title, and by its Chinese string."""
    groups = []
    alternatives = c.alternatives
    if c.prefix and reader is not None:
        terms = _prefix_terms(c, reader)
        groups.append([wq.Or(terms)] if terms else [])
        alternatives = c.alternatives[1:]
    for alt in alternatives:
        ways = []
        if alt.words:
            ways.append(wq.Or([_words_query("text", alt.words, c.phrase, alt.weight),
                               _words_query("title", alt.words, c.phrase, alt.weight)]))
        if alt.has_han and alt.bigrams:
            # the exact string, wherever segmentation cut it differently (OCR confusions repaired)
            ways.append(_words_query("bigrams", alt.bigrams, True, BIGRAM_WEIGHT * alt.weight))
        groups.append(ways)
    # passages tagged with what the clause names, in whatever spelling they use
    groups.append([wq.Term("tags", tag, boost=TAG_WEIGHT) for tag in c.tags])
    return groups


def _ways(c: Clause, reader=None) -> list:
    return [w for ways in _way_groups(c, reader) for w in ways]


def _one_occurrence(q, one) -> float:
    """What a way scores for its terms found once in a passage of average length (0 when a term it
    needs is in no passage): `one(field, term)` gives a term's."""
    if isinstance(q, wq.Term):
        return q.boost * one(q.fieldname, q.text)
    if isinstance(q, (wq.And, wq.Phrase)):
        terms = q.subqueries if isinstance(q, wq.And) else [wq.Term(q.fieldname, w) for w in q.words]
        parts = [_one_occurrence(t, one) for t in terms]
        return q.boost * sum(parts) if all(parts) else 0.0
    if isinstance(q, (wq.Or, wq.DisjunctionMax)):
        return q.boost * max((_one_occurrence(sub, one) for sub in q.subqueries), default=0.0)
    return 0.0


def equivalent_scales(c: Clause, reader, one) -> list[float]:
    """A factor per alternative of the clause, then one for its tags, so that one occurrence of an
    equivalent scores at most its weight times one occurrence of what was typed (`one(field,
    term)`: a term's score found once). BM25 gives a rare or long equivalent more than the word
    typed (the idf of a rare name, the sum over the many terms of a long one: 亚太地区能力建设办公室
    for WCO, or World Customs Organization's three words), so a passage naming it once outranked
    the passages about what was asked; like a synonym query's blended statistics, the typed form
    sets the scale. Where no passage holds the typed form, the most trusted equivalent that some
    passage holds sets it (equivalents come most trusted first)."""
    return _scales(c, _way_groups(c, reader), one)


def _scales(c: Clause, groups: list[list], one) -> list[float]:
    scales = [1.0] * len(groups)
    if not c.alternatives:
        return scales
    weights = [1.0 if c.prefix else c.alternatives[0].weight] + [a.weight for a in c.alternatives[1:]] + [TAG_WEIGHT]
    best = [max((_one_occurrence(w, one) for w in ways), default=0.0) for ways in groups]
    ref = next((i for i, b in enumerate(best) if b > 0), None)
    if ref is None:
        return scales
    for i in range(ref + 1, len(groups)):
        if best[i] > 0:
            scales[i] = min(1.0, weights[i] / weights[ref] * best[ref] / best[i])
    return scales


def clause_query(c: Clause, reader=None):
    """The engine query that decides whether a passage matches this clause."""
    ways = _ways(c, reader)
    return wq.Or(ways) if ways else wq.NullQuery


def clause_scoring(c: Clause, reader=None, one=None):
    """The clause in the ranking query: its best way of matching; with `one(field, term)` (a term's
    score found once, see `equivalent_scales`), equivalents no stronger than the words typed."""
    return _clause_scoring(c, reader, one)[0]


def _clause_scoring(c: Clause, reader, one) -> tuple:
    """`clause_scoring`, and the factors its ways were scaled by (one per group of `_way_groups`)."""
    groups = _way_groups(c, reader)
    scales = _scales(c, groups, one) if one is not None else [1.0] * len(groups)
    ways = [w.with_boost(w.boost * f) if f < 1.0 else w for g, f in zip(groups, scales) for w in g]
    return (wq.DisjunctionMax(ways) if ways else wq.NullQuery), scales


def scoring_query(plan: QueryPlan, reader=None, one=None):
    """The query that ranks passages: every clause, plus a bonus for all words close together
    (`one`: see `clause_scoring`)."""
    return ranking_query(plan, reader, one)[0]


def ranking_query(plan: QueryPlan, reader=None, one=None) -> tuple:
    """`scoring_query`, and each positive clause's `equivalent_scales` (the near-match bonus weighs
    a clause's alternatives as its ways are weighed)."""
    scored = [_clause_scoring(c, reader, one) for c in plan.positive]
    parts = [q for q, _scales in scored]
    words = [w for c in plan.positive if not c.prefix for w in c.words]
    if len(plan.positive) > 1 and len(words) > 1:
        parts.append(wq.Phrase("text", words, slop=PROXIMITY_SLOP, boost=PROXIMITY_BOOST))
    for g in plan.groups:
        # a Chinese string found as typed, or nearly (segmentation or OCR damage)
        parts.append(wq.Phrase("text", g.words, slop=1, boost=PROXIMITY_BOOST))
        if len(g.bigrams) >= 2:
            parts.append(wq.Phrase("bigrams", g.bigrams, boost=PROXIMITY_BOOST))
    return wq.Or(parts), [scales for _q, scales in scored]
