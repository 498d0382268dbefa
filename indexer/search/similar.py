""""More like this": the query one passage stands for, decided here whatever the backend.

A passage stands for
1. its most distinctive words: those it repeats and few other passages hold (tf × idf, with the
   passage frequencies asked of the backend's vocabulary); never the commonest (held by more than
   a fifth of the passages: 海关, customs), nor a word no other passage holds unless another
   language names it;
2. each of these words' names in the other language (curated names, topic terms, lexicon
   translations the index holds), so that a Chinese passage finds the English ones;
3. its partners and topics, by their names in both languages.
Documents sharing at least two of these with it (its own document left out) are matched and
ranked by their best passages by the backend, as a search is; excerpts are cut and marked by
the search service as for a search.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from indexer.analysis.expand import get_expander
from indexer.analysis.lexicon import get_lexicon
from indexer.analysis.taxonomy import load_taxonomy
from indexer.analysis.textnorm import is_han
from indexer.analysis.tokens import word_tokens
from indexer.index.records import DocumentRecord, PassageRecord

from .plan import Alternative, Clause, QueryPlan
from .results import Hit

MAX_TERMS = 8  # distinctive words kept
MAX_CANDIDATES = 60  # words of a long passage whose frequencies are asked for
COMMON_SHARE = 0.2  # a word in more than this share of the passages says little about one
MIN_COMMON = 3  # ... but in a small index a word in three passages is not common yet
MAX_ALSO = 2  # names in the other language per word
MAX_TAGS = 4  # partners and topics of the passage that join the query
TAG_NAMES = 4  # names of one partner or topic searched
TAG_WEIGHT = 0.6  # a shared partner or topic counts less than a shared distinctive word
GENERAL_FREQ = 5000  # a Chinese word this frequent in jieba's reference corpus is a general one ...
GENERAL_PENALTY = 0.5  # ... and tells less about a passage than a rarer word
FUNCTION_POS = frozenset("r d c p u t m q f y e o mq ad k z tg".split())  # jieba's part-of-speech tags
DEMONSTRATIVES = "这那此该本其每各某"
LEXICON_WEIGHT = 0.4  # a dictionary translation (as analysis.expand weighs it)
MIN_SHARED = 2  # what a document must share with the passage (when the passage offers that much)


@dataclass(frozen=True)
class SimilarTerm:
    """One thing the passage stands for: a word (with its names in the other language) or a tag."""

    surface: str
    source: str  # "word", "partner:KAZ", "topic:ipr"
    weight: float
    passages: int | None  # how many passages hold the word (None for a tag)
    also: tuple[str, ...] = ()


@dataclass
class SimilarQuery:
    """The plan a passage stands for, what it is made of, and how many of its clauses a document must share."""

    plan: QueryPlan
    terms: list[SimilarTerm]
    least: int


@dataclass
class SimilarResult:
    """Passages of other documents like one passage, ranked, with what they were found by."""

    doc: DocumentRecord
    passage: PassageRecord
    terms: list[SimilarTerm]
    total: int
    hits: list[Hit] = field(default_factory=list)
    plan: QueryPlan | None = None  # what was searched (marks the passage's words that were)


def _alternative(surface: str, weight: float) -> Alternative | None:
    """Words only, no Chinese bigrams: likeness is in shared words, and bigrams would also match
    near-misses of a long name (the OCR tolerance a typed query needs, noise here)."""
    words = [t[0] for t in word_tokens(surface, "query")]
    return Alternative(surface, words, [], weight) if words else None


def _lang(s: str) -> str:
    return "zh" if any(is_han(ch) for ch in s) else "en"


def _candidates(text: str) -> list[tuple[str, str, int]]:
    """(term, surface as written, times in the passage) of the words worth weighing, most repeated first."""
    counts: Counter = Counter()
    surface: dict[str, str] = {}
    for term, _pos, s, e in word_tokens(text, "query"):
        if len(term) < 2 or not any(ch.isalpha() for ch in term) or _function_word(term):
            continue  # single characters, numbers and years (the year facet covers those), function words
        counts[term] += 1
        surface.setdefault(term, text[s:e])
    ranked = sorted(counts, key=lambda t: -counts[t])  # stable: first written first among equals
    return [(t, surface[t], counts[t]) for t in ranked[:MAX_CANDIDATES]]


def _telling(backend, names: list[tuple[str, float]], common: float) -> list[tuple[str, float]]:
    """The names the index holds (every word of them) of which some word is not common (海关 for
    Customs says nothing)."""
    words = {n: [t[0] for t in word_tokens(n, "query")] for n, _w in names}
    freq = backend.passage_frequencies(sorted({w for ws in words.values() for w in ws})) if words else {}
    out = []
    for n, w in names:
        counts = [freq.get(x, 0) for x in words[n]]
        if counts and 0 < min(counts) <= common:
            out.append((n, w))
    return out


@lru_cache(maxsize=1)
def _chinese_words() -> tuple[frozenset[str], frozenset[str]]:
    """From jieba's dictionary: function words (pronouns, adverbs, conjunctions, time words: 此类,
    同时, 长期, 中期), and words common in general Chinese (方法, 机构): neither tells what a passage is about."""
    import jieba

    function, general = set(), set()
    with open(Path(jieba.__file__).parent / "dict.txt", encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) < 3 or not parts[1].isdigit():
                continue
            if parts[2] in FUNCTION_POS:
                function.add(parts[0])
            elif int(parts[1]) >= GENERAL_FREQ:
                general.add(parts[0])
    return frozenset(function), frozenset(general)


def _function_word(term: str) -> bool:
    if not is_han(term[0]):
        return False
    if len(term) == 2 and term[0] in DEMONSTRATIVES:
        return True  # 这一, 该项: jieba joins them outside its dictionary
    return term in _chinese_words()[0]


def similar_query(backend, passage: PassageRecord) -> SimilarQuery:
    """What "more like this" searches for one passage (see the module's docstring)."""
    tags = ([("partner", p) for p in passage.partners] + [("topic", t) for t in passage.topics])[:MAX_TAGS]
    clauses, terms = _word_clauses(backend, passage.text, {f"{kind}:{ident}" for kind, ident in tags})
    tax = load_taxonomy()
    for kind, ident in tags:
        e = tax.entry(ident)
        if e is None:
            continue
        names = list(dict.fromkeys(n for n in [e.zh, e.en, *e.acronyms, *e.aliases_zh[:1], *e.aliases_en[:1]] if n))
        alts = [a for a in (_alternative(n, TAG_WEIGHT) for n in names[:TAG_NAMES]) if a]
        if alts:
            clauses.append(Clause(raw=e.label(), alternatives=alts))
            terms.append(SimilarTerm(e.label(), f"{kind}:{ident}", TAG_WEIGHT, None, tuple(names[1:TAG_NAMES])))
    plan = QueryPlan(text=" ".join(t.surface for t in terms), clauses=clauses)
    return SimilarQuery(plan, terms, MIN_SHARED if len(clauses) > MIN_SHARED else 1)


def _word_clauses(backend, text: str, tagged: set[str]) -> tuple[list[Clause], list[SimilarTerm]]:
    """The passage's most distinctive words as clauses, each with its names in the other language;
    a word naming one of the `tagged` partners or topics is left to that tag's clause."""
    total = max(1, backend.doc_count())
    common = max(MIN_COMMON, COMMON_SHARE * total)
    cands = _candidates(text)
    freq = backend.passage_frequencies([t for t, _s, _n in cands]) if cands else {}
    scored = []
    for term, surface, tf in cands:
        df = max(1, freq.get(term, 0))
        if df > common:
            continue
        idf = math.log(1 + (total - df + 0.5) / (df + 0.5))
        general = GENERAL_PENALTY if term in _chinese_words()[1] else 1.0
        scored.append((round((1 + math.log(tf)) * idf * general, 4), surface, df))
    scored.sort(key=lambda x: -x[0])

    def held(term: str) -> bool:
        return backend.passage_frequencies([term]).get(term, 0) > 0

    expander = get_expander()
    clauses: list[Clause] = []
    terms: list[SimilarTerm] = []
    for weight, surface, df in scored:
        if len(terms) >= MAX_TERMS:
            break
        found = expander.expansions(surface, lexicon=False)
        if any(x.source in tagged for x in found):
            continue
        other = [(x.surface, x.weight) for x in found if x.lang != _lang(surface)]
        if not other and _lang(surface) == "zh":
            # the dictionary's own translations of a Chinese word (composed guesses read "trade
            # trade"; an English word's Chinese translations are too loose: capacity → 身份), only
            # those the index holds
            other = [(t.surface, LEXICON_WEIGHT) for t in
                     get_lexicon().translations(surface, keep=held, limit=MAX_ALSO, compose=False)]
        other = _telling(backend, other, common)[:MAX_ALSO]
        if df <= 1 and not other:
            continue  # no other passage holds it, in either language
        alts = [a for a in [_alternative(surface, 1.0)] + [_alternative(o, w) for o, w in other] if a]
        clauses.append(Clause(raw=surface, alternatives=alts))
        terms.append(SimilarTerm(surface, "word", weight, df, tuple(o for o, _w in other)))
    return clauses, terms
