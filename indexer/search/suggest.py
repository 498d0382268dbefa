"""Did you mean: a respelling of a query, offered only if it finds more.

Two respellings are tried: each unknown word (for English, one the general lexicon does not
know either) replaced by the nearest word of the index's own vocabulary (or of the lexicon's: its
translations may be in the index), and each word that is a slip of a partner's or topic's name
(in either language) replaced by the name; the one finding more documents is offered.
"""
from __future__ import annotations

import re

from indexer.analysis.textnorm import fold, is_han
from indexer.analysis.lexicon import get_lexicon
from indexer.analysis.names import suggest_name

from .facets import Filters
from .plan import QueryPlan
from .results import Suggestion

FEW_HITS = 3  # below this many documents, a respelled query is tried
SUGGEST_MAX_CLAUSES = 6
SUGGEST_MAX_WORDS = 3
SUGGEST_MAX_LEN = 16


def did_you_mean(backend, plan: QueryPlan, query: str, filters: Filters, planner, total: int) -> Suggestion | None:
    """A respelled query when it finds more documents than `total` under the same filters
    (`planner(text)` plans it as the search planned `query`)."""
    if len(plan.positive) > SUGGEST_MAX_CLAUSES:
        return None  # a pasted paragraph, not a misspelt query
    replacements: dict[str, str] = {}
    tried = 0
    for c in plan.positive:
        if c.prefix or c.phrase:
            continue
        raw = fold(c.raw).lower()
        han = any(is_han(ch) for ch in raw)
        if han:
            candidates = [raw] if 3 <= len(raw) <= SUGGEST_MAX_LEN and not backend.term_frequency(raw) else []
            max_distance, prefix = 1, 0
        else:
            # a word the dictionary knows is spelt right, though the index lacks it (road: its
            # translations may have found what was meant); respelling it into the index's nearest
            # word would offer a different query (road -> rocb)
            candidates = [w for w in c.words if 4 <= len(w) <= SUGGEST_MAX_LEN and not backend.term_frequency(w)
                          and not get_lexicon().chinese_for(w)]
            max_distance, prefix = 2, 1
        for word in candidates:
            tried += 1
            if tried > SUGGEST_MAX_WORDS:  # each look-up walks the term dictionary
                break
            found = backend.similar_terms(word, max_distance, prefix)
            if not found and not han:
                # a misspelt English word the index lacks: the dictionary's nearest may translate into words it has
                found = get_lexicon().nearest_english(word, max_distance)[:1]
            if found:
                replacements[c.raw if han else word] = found[0]
    best: Suggestion | None = None
    for text in _respellings(query, plan, replacements):
        n = backend.match(planner(text), filters).total
        if n > total and (best is None or n > best.total):
            best = Suggestion(text, n)
    return best


def _respellings(query: str, plan: QueryPlan, replacements: dict[str, str]) -> list[str]:
    """The query with names for slips of names, and with vocabulary replacements (each when it differs;
    on a tie the name, as the taxonomy writes it, is offered)."""
    out = []
    names = {}
    for c in plan.positive:
        if not (c.prefix or c.phrase):
            found = suggest_name(c.raw)
            if found and fold(found[0]).lower() != fold(c.raw).lower():
                names[c.raw] = found[0]
    if names:
        out.append(_replaced(query, plan, names))
    if replacements:
        out.append(_replaced(query, plan, replacements))
    return [t for t in dict.fromkeys(out) if t != query]


def _replaced(query: str, plan: QueryPlan, replacements: dict[str, str]) -> str:
    text = query
    for old, new in replacements.items():
        text = re.sub(re.escape(old), new, text, flags=re.I) if old.lower() in text.lower() else text
    if text == query:
        words = [replacements.get(w, w) for c in plan.positive for w in ([c.raw] if c.raw in replacements else c.words)]
        text = " ".join(words)
    return text
