"""Reading a user's query: words, "quoted phrases", -exclusions and prefix* wildcards.

The query string is never handed to an engine query parser: field syntax, brackets and
operators are read as plain text, so no input can raise a parse error or reach a field the
user should not query. Each clause becomes engine queries over the word, title and bigram
fields; cross-lingual expansions are added as alternatives of the clause.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from whoosh import query as wq

from indexer.analysis.textnorm import fold, is_han
from indexer.analysis.tokens import bigram_tokens, word_tokens

MAX_PREFIX_EXPANSION = 64
BIGRAM_WEIGHT = 0.35
EXPANSION_WEIGHT = 0.7  # what the user typed ranks above its equivalents
FUZZY_BIGRAM_WEIGHT = 0.15
GROUP_BIGRAM_WEIGHT = 0.5
MIN_FUZZY_BIGRAMS = 4
MAX_FUZZY_BIGRAMS = 32  # a pasted paragraph is not a damaged name: no near-matching, bounded cost
PROXIMITY_SLOP = 8
PROXIMITY_BOOST = 1.5

_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_SYNTAX = re.compile(r"[()\[\]{}^~:<>=\\/|&!+,;，；：、。（）【】《》〈〉「」『』]+")


@dataclass
class Alternative:
    """One way a clause can match: analysed word terms and Chinese bigrams of one surface form."""

    surface: str
    words: list[str]
    bigrams: list[str]
    weight: float = 1.0


@dataclass
class Clause:
    """One unit of the query that a matching document must satisfy (or must not, when negated)."""

    raw: str
    phrase: bool = False
    prefix: bool = False
    negated: bool = False
    alternatives: list[Alternative] = field(default_factory=list)

    @property
    def words(self) -> list[str]:
        """Word terms of the clause as typed."""
        return self.alternatives[0].words if self.alternatives else []


@dataclass
class ParsedQuery:
    """The clauses of a query, plus what was expanded (shown to the user)."""

    text: str
    clauses: list[Clause]
    groups: list[tuple[list[str], list[str]]] = field(default_factory=list)  # (words, bigrams) typed together
    expansions: list[dict] = field(default_factory=list)

    @property
    def positive(self) -> list[Clause]:
        """Clauses a document must match."""
        return [c for c in self.clauses if not c.negated and c.alternatives]

    @property
    def empty(self) -> bool:
        """True when nothing is left to match (browse mode)."""
        return not self.positive


def _alternative(surface: str, weight: float = 1.0) -> Alternative | None:
    words = [t[0] for t in word_tokens(surface, "query")]
    bigrams = [t[0] for t in bigram_tokens(surface)]
    if not words and not bigrams:
        return None
    return Alternative(surface, words, bigrams, weight)


def parse(text: str, expand=None) -> ParsedQuery:
    """Split a query into clauses; `expand(surface)` may return equivalent surfaces to add."""
    clauses: list[Clause] = []
    groups: list[tuple[list[str], list[str]]] = []
    for m in _TOKEN.finditer(text or ""):
        negated = bool(m.group(1))
        if m.group(2) is not None:
            raw, phrase, prefix = m.group(2).strip(), True, False
        else:
            raw, phrase, prefix = m.group(3), False, False
            if raw.startswith("-") and len(raw) > 1:
                negated, raw = True, raw[1:]
            if raw.endswith("*") and len(raw.rstrip("*?")) >= 3 and raw.rstrip("*?").isascii():
                prefix = True
            raw = raw.replace("*", " ").replace("?", " ")
        raw = _SYNTAX.sub(" ", raw).strip()
        if not raw:
            continue
        pieces = raw.split() if not phrase else [raw]  # syntax characters split a token
        for piece in pieces:
            if phrase or prefix or negated or not any(is_han(ch) for ch in piece):
                _add_clause(clauses, piece, phrase, prefix, negated)
            else:
                _add_chinese(clauses, groups, piece)
    parsed = ParsedQuery(text=text, clauses=clauses, groups=groups)
    if expand is not None:
        for c in parsed.clauses:
            if c.negated or c.prefix:
                continue
            for surface, source in expand(c.raw):
                alt = _alternative(surface, EXPANSION_WEIGHT)
                if alt and alt.words != c.words and all(alt.words != a.words for a in c.alternatives):
                    c.alternatives.append(alt)
                    parsed.expansions.append({"term": c.raw, "also": surface, "source": source})
    return parsed


def _add_chinese(clauses: list[Clause], groups: list, raw: str) -> None:
    """A Chinese string typed without spaces: one clause per word of two or more characters (each
    expands on its own, so 风险管理研讨会 also finds a symposium on risk management), and a group
    that rewards passages where the whole string stands as typed."""
    toks = word_tokens(raw, "query")
    words = [(raw[s:e], t) for t, _p, s, e in toks if len(t) >= 2 or not any(is_han(ch) for ch in t)]
    if len(toks) < 2 or not words:
        _add_clause(clauses, raw, False, False, False)
        return
    for surface, _term in words:
        _add_clause(clauses, surface, False, False, False)
    groups.append(([t[0] for t in toks], [b[0] for b in bigram_tokens(raw)]))


def _add_clause(clauses: list[Clause], raw: str, phrase: bool, prefix: bool, negated: bool) -> None:
    alt = _alternative(raw)
    if alt is None:
        return
    clauses.append(Clause(raw=raw, phrase=phrase, prefix=prefix, negated=negated, alternatives=[alt]))


def _words_query(fieldname: str, words: list[str], phrase: bool, boost: float = 1.0):
    if len(words) == 1:
        return wq.Term(fieldname, words[0], boost=boost)
    if phrase:
        return wq.Phrase(fieldname, words, boost=boost)
    return wq.And([wq.Term(fieldname, w) for w in words], boost=boost)


def clause_query(c: Clause, reader=None):
    """The engine query that decides whether a passage matches this clause."""
    if c.prefix and reader is not None:
        stem = fold(c.raw.rstrip("*? ")).lower()
        terms: list = []
        for fieldname in ("text", "title"):
            for i, t in enumerate(reader.expand_prefix(fieldname, stem)):
                if i >= MAX_PREFIX_EXPANSION:
                    break
                terms.append(wq.Term(fieldname, t.decode("utf-8") if isinstance(t, bytes) else t))
        return wq.Or(terms) if terms else wq.NullQuery
    options = []
    for alt in c.alternatives:
        has_han = any(is_han(ch) for ch in alt.surface)
        if alt.words:
            options.append(_words_query("text", alt.words, c.phrase, alt.weight))
            options.append(_words_query("title", alt.words, c.phrase, alt.weight))
        if has_han and alt.bigrams:
            # the exact string, wherever segmentation cut it differently (OCR confusions repaired)
            options.append(_words_query("bigrams", alt.bigrams, True, BIGRAM_WEIGHT * alt.weight))
    return wq.Or(options) if options else wq.NullQuery


def fuzzy_bigrams(c: Clause) -> list[tuple[tuple[str, ...], int]]:
    """For OCR-damaged text: (distinct bigrams, how many must occur in one passage) per Chinese
    alternative of at least five characters; a quarter of the bigrams may be missing."""
    if c.prefix or c.negated:
        return []
    out = []
    for alt in c.alternatives:
        bgs = tuple(dict.fromkeys(alt.bigrams))
        if MIN_FUZZY_BIGRAMS <= len(bgs) <= MAX_FUZZY_BIGRAMS and any(is_han(ch) for ch in alt.surface):
            out.append((bgs, len(bgs) - max(1, len(bgs) // 4)))
    return out


def group_bigrams(parsed: ParsedQuery) -> list[tuple[tuple[str, ...], int]]:
    """For each Chinese string typed as a whole: its distinct bigrams and how many of them make a
    passage read "nearly as typed" (two thirds)."""
    out = []
    for _words, bigrams in parsed.groups:
        bgs = tuple(dict.fromkeys(bigrams))
        if MIN_FUZZY_BIGRAMS <= len(bgs) <= MAX_FUZZY_BIGRAMS:
            out.append((bgs, math.ceil(len(bgs) * 2 / 3)))
    return out


def scoring_query(parsed: ParsedQuery, reader=None):
    """The query that ranks passages: every clause, plus a bonus for all words close together."""
    parts = [clause_query(c, reader) for c in parsed.positive]
    words = [w for c in parsed.positive if not c.prefix for w in c.words]
    if len(parsed.positive) > 1 and len(words) > 1:
        parts.append(wq.Phrase("text", words, slop=PROXIMITY_SLOP, boost=PROXIMITY_BOOST))
    for group_words, group_bigrams in parsed.groups:
        # a Chinese string found as typed, or nearly (segmentation or OCR damage)
        parts.append(wq.Phrase("text", group_words, slop=1, boost=PROXIMITY_BOOST))
        if len(group_bigrams) >= 2:
            parts.append(wq.Phrase("bigrams", group_bigrams, boost=PROXIMITY_BOOST))
    return wq.Or(parts)
