"""Which documents match a query plan, as one compact filter expression over document records.

A clause becomes at most a few terms: the single tokens a document record decides exactly (one
list per field), the documents whose passages meet its other conditions (several tokens in one
passage, phrases, a prefix, OCR near-matches: searched on passage records, grouped by document,
one list of ids), and, for a condition held by more than EXACT_DOCUMENTS documents, its first
tokens on the document record (a superset: such a match may hold a few more documents than the
local engine's). Relaxed matching (most clauses) is counted here when every clause's documents
can be listed, else written as an OR of ANDs when it fits in a filter, else any clause.
"""
from __future__ import annotations

import math
import threading
from collections import Counter, OrderedDict
from dataclasses import dataclass, field

from indexer.search.plan import Clause, QueryPlan

from .cluster import Cluster
from .filters import (MAX_CONJUNCTION, NOTHING, Condition, at_least, conditions, conj, disj, near_matches,
                      none_of, one_of)

EXACT_DOCUMENTS = 1000
GROUP_PAGE = 250  # Typesense's largest page
PREFIX_TERMS = 64
RELAXED_SHARE = 2 / 3
CACHE_SIZE = 256


@dataclass
class ClauseMatch:
    """What decides a clause on document records."""

    words: set[str] = field(default_factory=set)
    bigrams: set[str] = field(default_factory=set)
    ids: set[str] = field(default_factory=set)
    approximate: list[Condition] = field(default_factory=list)

    def expression(self) -> str:
        """Documents matching the clause."""
        return disj([one_of("wordset", sorted(self.words)) if self.words else "",
                     one_of("bigramset", sorted(self.bigrams)) if self.bigrams else "",
                     one_of("doc_id", sorted(self.ids)) if self.ids else "",
                     *(c.expression(MAX_CONJUNCTION) for c in self.approximate)])

    def negation(self) -> str:
        """Documents not matching it."""
        return conj([none_of("wordset", sorted(self.words)), none_of("bigramset", sorted(self.bigrams)),
                     none_of("doc_id", sorted(self.ids)), *(c.negation() for c in self.approximate)])


class Matcher:
    """Document expressions of plans over one collection (clauses cached, thread-safe)."""

    def __init__(self, cluster: Cluster, collection: str):
        self.cluster = cluster
        self.collection = collection
        self._lock = threading.Lock()
        self._cache: OrderedDict = OrderedDict()

    def query_expression(self, plan: QueryPlan, relaxed: bool = False) -> str:
        """Documents that match every positive clause (or, relaxed, most of them) and no negated one."""
        positive = [self.clause(c) for c in plan.positive]
        if relaxed and positive:
            matched = self._most(positive, max(1, math.ceil(len(positive) * RELAXED_SHARE)))
        else:
            matched = conj(m.expression() for m in positive)
        return conj(["kind:=doc", matched, *(self.clause(c).negation() for c in plan.negated)])

    def some_expression(self, plan: QueryPlan, least: int) -> str:
        """Documents where at least `least` of the positive clauses match ("more like this")."""
        positive = [self.clause(c) for c in plan.positive]
        if not positive:
            return conj(["kind:=doc", NOTHING])
        return conj(["kind:=doc", self._most(positive, max(1, min(least, len(positive))))])

    def _most(self, clauses: list[ClauseMatch], need: int) -> str:
        """Documents matching at least `need` of the clauses."""
        listed = [self._document_ids(m.expression()) for m in clauses]
        if all(ids is not None for ids in listed):
            counts = Counter(d for ids in listed for d in ids)
            return one_of("doc_id", sorted(d for d, n in counts.items() if n >= need))
        return at_least([m.expression() for m in clauses], need) or disj(m.expression() for m in clauses)

    def clause(self, c: Clause) -> ClauseMatch:
        """How the clause is decided on document records."""
        with self._lock:
            if c.key in self._cache:
                self._cache.move_to_end(c.key)
                return self._cache[c.key]
        value = self._clause(c)
        with self._lock:
            self._cache[c.key] = value
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return value

    def _clause(self, c: Clause) -> ClauseMatch:
        m = self._prefix(c) if c.prefix else ClauseMatch()
        searched: list[Condition] = []
        for cond in conditions(c):
            if cond.on_document:
                (m.words if cond.field == "wordset" else m.bigrams).add(cond.tokens[0])
            else:
                searched.append(cond)
        near = near_matches(c)
        found = self._passage_documents([cond.passage_search() for cond in searched]
                                        + [{"q": "*", "filter_by": conj(["kind:=passage", e])} for e in near])
        for cond, docs in zip(searched, found):
            if docs is None:
                m.approximate.append(cond)
            else:
                m.ids |= docs
        for docs in found[len(searched):]:
            m.ids |= docs or set()  # near-matches too common to list add nothing: the exact string still counts
        return m

    def _prefix(self, c: Clause) -> ClauseMatch:
        """A prefix: the documents of the passages whose words start with it, or the words found."""
        stem = c.raw.rstrip("*? ").lower()
        params = {"q": stem, "query_by": "words,title_words", "prefix": "true", "num_typos": 0,
                  "drop_tokens_threshold": 0, "typo_tokens_threshold": 0, "filter_by": "kind:=passage",
                  "highlight_fields": "words,title_words"}
        docs, words = self._grouped(params, collect_words=True)
        if docs is not None:
            return ClauseMatch(ids=set(docs))
        return ClauseMatch(words=set(sorted(words)[:PREFIX_TERMS]))

    def _passage_documents(self, searches: list[dict]) -> list[set[str] | None]:
        """For each passage search, the documents of its passages (None when more than EXACT_DOCUMENTS)."""
        if not searches:
            return []
        first = self.cluster.multi_search(self.collection, [self._group(s, 1) for s in searches])
        out = []
        for s, r in zip(searches, first):
            if r["found"] > EXACT_DOCUMENTS:
                out.append(None)
            elif r["found"] <= GROUP_PAGE:
                out.append({g["group_key"][0] for g in r.get("grouped_hits", [])})
            else:
                out.append(self._grouped(s)[0])
        return out

    def _group(self, params: dict, page: int) -> dict:
        return {**params, "group_by": "doc_id", "group_limit": 1, "per_page": GROUP_PAGE, "page": page,
                "include_fields": "doc_id"}

    def _grouped(self, params: dict, collect_words: bool = False) -> tuple[set[str] | None, set[str]]:
        """Every document of a passage search (None beyond EXACT_DOCUMENTS), and the words it matched."""
        docs: set[str] = set()
        words: set[str] = set()
        page = 1
        while True:
            r = self.cluster.search(self.collection, self._group(params, page))
            for g in r.get("grouped_hits", []):
                docs.add(g["group_key"][0])
                if collect_words:
                    for h in g["hits"]:
                        for hl in h.get("highlights", []):
                            words.update(t.lower() for t in hl.get("matched_tokens", []) if isinstance(t, str))
            if r["found"] > EXACT_DOCUMENTS:
                return None, words
            if page * GROUP_PAGE >= r["found"]:
                return docs, words
            page += 1

    def _document_ids(self, expr: str) -> set[str] | None:
        """The documents an expression matches (None beyond EXACT_DOCUMENTS)."""
        ids: set[str] = set()
        page = 1
        while True:
            r = self.cluster.search(self.collection, {"q": "*", "filter_by": conj(["kind:=doc", expr]),
                                                      "per_page": GROUP_PAGE, "page": page, "include_fields": "doc_id"})
            if r["found"] > EXACT_DOCUMENTS:
                return None
            ids.update(h["document"]["doc_id"] for h in r["hits"])
            if page * GROUP_PAGE >= r["found"]:
                return ids
            page += 1


def doc_expression(expr: str, facet_exprs: dict[str, str], leave_out: str | None = None) -> str:
    """The query's documents under every facet filter but one."""
    return conj([expr, *(e for name, e in facet_exprs.items() if name != leave_out)])

