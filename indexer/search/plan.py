"""A user's query read once into a typed plan: clauses, phrases, exclusions, prefixes, expansions.

The query string is never handed to an engine query parser: field syntax, brackets and
operators are read as plain text, so no input can raise a parse error or reach a field the
user should not query. Each clause carries the analysed terms of what was typed and of its
equivalents (alternatives: names in the other language, name variants, a topic's terms, general
lexicon translations that the index holds), each weighted below what was typed; a backend
decides how to match them. `plan_query` is the only place a query is parsed and expanded: the
search, did-you-mean and the document page's highlighting all read the same plan.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from typing import Callable

from indexer.analysis.expand import get_expander
from indexer.analysis.textnorm import is_han
from indexer.analysis.tokens import bigram_tokens, word_tokens

TAG_WEIGHT = 0.5  # a passage tagged with what a clause names (written in a spelling of its own)
TAGGING_KINDS = ("name", "variant", "fuzzy", "prefix")  # the clause is a name of the partner or topic
MIN_FUZZY_BIGRAMS = 4
MAX_FUZZY_BIGRAMS = 32  # a pasted paragraph is not a damaged name: no near-matching, bounded cost

_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_SYNTAX = re.compile(r"[()\[\]{}^~:<>=\\/|&!+,;，；：、。（）【】《》〈〉「」『』]+")


@dataclass
class Alternative:
    """One way a clause can match: analysed word terms and Chinese bigrams of one surface form."""

    surface: str
    words: list[str]
    bigrams: list[str]
    weight: float = 1.0

    @property
    def has_han(self) -> bool:
        """True when the surface has Chinese characters (then its bigrams are matched too)."""
        return any(is_han(ch) for ch in self.surface)


@dataclass
class Clause:
    """One unit of the query that a matching document must satisfy (or must not, when negated)."""

    raw: str
    phrase: bool = False
    prefix: bool = False
    negated: bool = False
    alternatives: list[Alternative] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)  # "partner:LUX", "topic:ipr": passages tagged with what it names

    @property
    def words(self) -> list[str]:
        """Word terms of the clause as typed."""
        return self.alternatives[0].words if self.alternatives else []

    @property
    def key(self) -> tuple:
        """What decides the clause's matches (for caches)."""
        return (self.raw, self.phrase, self.prefix, tuple(a.surface for a in self.alternatives), tuple(self.tags))

    def fuzzy_bigrams(self) -> list[tuple[tuple[str, ...], int]]:
        """For OCR-damaged text: (distinct bigrams, how many must occur in one passage) per Chinese
        alternative of at least five characters; a quarter of the bigrams may be missing."""
        return [spec for _i, spec in self.fuzzy_alternatives()]

    def fuzzy_alternatives(self) -> list[tuple[int, tuple[tuple[str, ...], int]]]:
        """`fuzzy_bigrams`, each with the number of the alternative it comes from."""
        if self.prefix or self.negated:
            return []
        out = []
        for i, alt in enumerate(self.alternatives):
            bgs = tuple(dict.fromkeys(alt.bigrams))
            if MIN_FUZZY_BIGRAMS <= len(bgs) <= MAX_FUZZY_BIGRAMS and alt.has_han:
                out.append((i, (bgs, len(bgs) - max(1, len(bgs) // 4))))
        return out


@dataclass
class Group:
    """A Chinese string typed without spaces: its words and bigrams, rewarded where they stand as typed."""

    words: list[str]
    bigrams: list[str]

    def near_bigrams(self) -> tuple[tuple[str, ...], int] | None:
        """Its distinct bigrams and how many of them make a passage read "nearly as typed" (two thirds)."""
        bgs = tuple(dict.fromkeys(self.bigrams))
        if MIN_FUZZY_BIGRAMS <= len(bgs) <= MAX_FUZZY_BIGRAMS:
            return bgs, math.ceil(len(bgs) * 2 / 3)
        return None


@dataclass
class Expansion:
    """A term that was also searched under another name, and where the equivalence comes from."""

    term: str
    also: str
    source: str


@dataclass
class QueryPlan:
    """The clauses of a query, the strings typed together, and what was expanded (shown to the user)."""

    text: str
    clauses: list[Clause]
    groups: list[Group] = field(default_factory=list)
    expansions: list[Expansion] = field(default_factory=list)

    @property
    def positive(self) -> list[Clause]:
        """Clauses a document must match."""
        return [c for c in self.clauses if not c.negated and c.alternatives]

    @property
    def negated(self) -> list[Clause]:
        """Clauses a document must not match."""
        return [c for c in self.clauses if c.negated and c.alternatives]

    @property
    def empty(self) -> bool:
        """True when nothing is left to match (browse mode)."""
        return not self.positive

    @property
    def key(self) -> tuple:
        """What decides the plan's matches (for caches)."""
        return tuple(c.key + (c.negated,) for c in self.clauses)


def plan_query(text: str, expand: bool = True, known: Callable[[str], bool] | None = None) -> QueryPlan:
    """The plan of a query: known multi-word names kept together and equivalents added when `expand`;
    `known(term)` says whether the index holds a word term (general-lexicon translations need it)."""
    expander = get_expander()
    if not expand:
        return parse(text)
    plan = parse(expander.quote_known_phrases(text), lambda surface: expander.expansions(surface, keep=known))
    _join_compounds(plan, lambda surface: expander.compound(surface, keep=known))
    return plan


def _join_compounds(plan: QueryPlan, compound) -> None:
    """Adjacent English words that translate as one term (tariff law → 关税法) become one clause: all
    its words in one passage, or the term."""
    i = 0
    while i < len(plan.clauses):
        for n in (3, 2):
            run = plan.clauses[i : i + n]
            if len(run) < n or any(c.phrase or c.prefix or c.negated or not c.raw.isascii() for c in run):
                continue
            surface = " ".join(c.raw for c in run)
            found = compound(surface)
            if not found:
                continue
            joined = Clause(raw=surface, alternatives=[Alternative(surface, [w for c in run for w in c.words], [])])
            for c in run[1:]:
                joined.alternatives[0].bigrams += c.alternatives[0].bigrams
            for e in found:
                alt = _alternative(e.surface, e.weight)
                if alt is not None:
                    joined.alternatives.append(alt)
                    plan.expansions.append(Expansion(surface, e.surface, e.source))
            # what each word alone was expanded to is replaced by the whole term's translation
            raws = {c.raw for c in run}
            plan.expansions[:] = [x for x in plan.expansions if x.term not in raws]
            plan.clauses[i : i + n] = [joined]
            break
        i += 1


def parse(text: str, expand=None) -> QueryPlan:
    """Split a query into clauses; `expand(surface)` may return equivalents (with `surface`, `source`,
    `weight`) to add; a prefix that begins a partner's or topic's name also searches its names."""
    clauses: list[Clause] = []
    groups: list[Group] = []
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
            if phrase or prefix or negated or not any(is_han(ch) for ch in piece) or _names_something(piece, expand):
                _add_clause(clauses, piece, phrase, prefix, negated)
            else:
                _add_chinese(clauses, groups, piece)
    plan = QueryPlan(text=text, clauses=clauses, groups=groups)
    if expand is not None:
        for c in plan.clauses:
            if c.negated:
                continue
            for e in (_names_begun_by(c.raw) if c.prefix else expand(c.raw)):
                if getattr(e, "kind", "") in TAGGING_KINDS and e.source.startswith(("partner:", "topic:")) \
                        and e.source not in c.tags:
                    c.tags.append(e.source)  # a document may write the name in a spelling of its own
                alt = _alternative(e.surface, e.weight)
                if alt and alt.words != c.words and all(alt.words != a.words for a in c.alternatives):
                    c.alternatives.append(alt)
                    plan.expansions.append(Expansion(c.raw, e.surface, e.source))
    return plan


NAMING = ("name", "variant", "fuzzy", "term", "label")  # expansions that say the string is a name as typed


def _names_something(piece: str, expand) -> bool:
    """A Chinese string typed as a whole that is a name (or a variant or slip of one: 知识产杈) stays
    one clause: its words alone would not find what it names."""
    return expand is not None and any(getattr(e, "kind", "") in NAMING for e in expand(piece))


def _names_begun_by(prefix: str) -> list:
    """A prefix typed for a name (Kazakh*): the names of the one partner or topic it begins."""
    from indexer.analysis.expand import VARIANT_WEIGHT, Expansion as Equivalent
    from indexer.analysis.taxonomy import load_taxonomy
    from indexer.analysis.names import match_names

    found = {(m.kind, m.id) for m in match_names(prefix.rstrip("*? ") + "*", fuzzy=False) if m.how == "prefix"}
    if len(found) != 1:
        return []  # a prefix of many names is a prefix, not a name
    kind, ident = found.pop()
    e = load_taxonomy().entry(ident)
    names = e.names() if kind == "partner" else [e.zh, e.en]
    return [Equivalent(n, f"{kind}:{ident}", VARIANT_WEIGHT, "", "prefix") for n in names if len(n) >= 2]


def _alternative(surface: str, weight: float = 1.0) -> Alternative | None:
    words = [t[0] for t in word_tokens(surface, "query")]
    bigrams = [t[0] for t in bigram_tokens(surface)]
    if not words and not bigrams:
        return None
    return Alternative(surface, words, bigrams, weight)


def _add_chinese(clauses: list[Clause], groups: list[Group], raw: str) -> None:
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
    groups.append(Group([t[0] for t in toks], [b[0] for b in bigram_tokens(raw)]))


def _add_clause(clauses: list[Clause], raw: str, phrase: bool, prefix: bool, negated: bool) -> None:
    alt = _alternative(raw)
    if alt is None:
        return
    clauses.append(Clause(raw=raw, phrase=phrase, prefix=prefix, negated=negated, alternatives=[alt]))
