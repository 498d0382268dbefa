"""A query plan and filters as Typesense filter expressions over document and passage records.

A clause matches a document when one of its alternatives does: its words (all of them in one
passage, or as a phrase) or, for Chinese, its characters' bigrams as a string. A single token is
decided exactly on the document record (`wordset:=w`: some passage has it). Several tokens that
must stand in one passage (or in order) are decided on passage records (see matcher.py); when
too many documents hold them to list, on the document record: all the tokens somewhere in the
document, a superset. Negation follows De Morgan.

Typesense 0.24 refuses a filter of more than about 100 tokens (terms, operators, parentheses;
a list of values is one term), so expressions are kept to lists where they can be: every single
token of a clause in one list per field, documents found on passages in one list of ids.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from itertools import combinations

from indexer.search.facets import FACETS, Facet, Filters, YearFacet
from indexer.search.plan import Clause

MAX_COMBINATIONS = 64
MAX_TOKENS = 90  # what one filter may hold here (Typesense refuses about 100)
MAX_CONJUNCTION = 12  # tokens of one condition taken on a document record (more: the first ones)
NOTHING = "kind:=`none`"  # matches no record
YEAR_LOW, YEAR_HIGH = -9999, 9999
_TOKEN = re.compile(r"&&|\|\||[()]|\w+:")


def size(expr: str) -> int:
    """Roughly how many tokens Typesense counts in a filter expression."""
    return len(_TOKEN.findall(expr))


def quote(value) -> str:
    """A filter value: a number as it is, a string quoted (any character but a backtick)."""
    return str(value) if isinstance(value, int) else f"`{value}`"


def eq(field: str, value) -> str:
    """The field holds the value (for an array: one element equals it)."""
    return f"{field}:={quote(value)}"


def one_of(field: str, values) -> str:
    """The field holds one of the values."""
    values = list(values)
    return f"{field}:=[{','.join(quote(v) for v in values)}]" if values else NOTHING


def none_of(field: str, values) -> str:
    """The field holds none of the values."""
    values = list(values)
    return f"{field}:!=[{','.join(quote(v) for v in values)}]" if values else ""


def conj(parts) -> str:
    """All of the expressions (empty ones left out)."""
    parts = [p for p in parts if p]
    return " && ".join(f"({p})" if "||" in p else p for p in parts)


def disj(parts) -> str:
    """Any of the expressions; NOTHING when there is none."""
    parts = [p for p in parts if p]
    if not parts:
        return NOTHING
    return parts[0] if len(parts) == 1 else "(" + " || ".join(f"({p})" for p in parts) + ")"


@dataclass(frozen=True)
class Condition:
    """One way a clause can match: tokens of one record field, all in one passage, or as a phrase."""

    field: str  # wordset | bigramset
    tokens: tuple[str, ...]
    phrase: bool

    @property
    def on_document(self) -> bool:
        """True when the document record decides it exactly (one word or bigram: a document's tags
        also hold its catalogue's, which no passage carries)."""
        return len(self.tokens) == 1 and self.field in ("wordset", "bigramset")

    def expression(self, limit: int | None = None) -> str:
        """All the tokens in the record (exact on a passage unless a phrase; a superset on a document),
        the first `limit` of them when given."""
        return conj(eq(self.field, t) for t in self.tokens[:limit])

    def negation(self) -> str:
        """Not all the tokens in the record."""
        return disj(none_of(self.field, [t]) for t in self.tokens[:MAX_CONJUNCTION])

    def passage_search(self) -> dict:
        """Search parameters finding the passages where it holds."""
        if self.phrase and len(self.tokens) > 1:
            fields = "bigrams" if self.field == "bigramset" else "words,title_words"
            return {"q": '"' + " ".join(self.tokens) + '"', "query_by": fields, "prefix": "false", "num_typos": 0,
                    "drop_tokens_threshold": 0, "typo_tokens_threshold": 0, "filter_by": "kind:=passage"}
        return {"q": "*", "filter_by": conj(["kind:=passage", self.expression()])}


def conditions(c: Clause) -> list[Condition]:
    """The ways a clause matches, one per alternative's words and Chinese string (for a prefix,
    the names it begins: the prefix itself is searched on passages)."""
    out = []
    for alt in (c.alternatives[1:] if c.prefix else c.alternatives):
        if alt.words:
            out.append(Condition("wordset", tuple(alt.words), c.phrase))
        if alt.has_han and alt.bigrams:
            out.append(Condition("bigramset", tuple(alt.bigrams), True))
    for tag in c.tags:  # passages tagged with what the clause names ("partner:LUX": partners holds LUX)
        kind, _, ident = tag.partition(":")
        out.append(Condition("partners" if kind == "partner" else "topics", (ident,), False))
    return list(dict.fromkeys(out))


def near_matches(c: Clause) -> list[str]:
    """For OCR-damaged text: passage filters finding the passages that hold most of a long Chinese
    alternative's bigrams, as ORs of ANDs over the combinations, several to a filter as they fit
    (none when the combinations are too many: the alternative's exact string still matches)."""
    out = []
    for bigrams, need in c.fuzzy_bigrams():
        if math.comb(len(bigrams), need) > MAX_COMBINATIONS:
            continue
        batch: list[str] = []
        for combo in combinations(bigrams, need):
            part = conj(eq("bigramset", b) for b in combo)
            if batch and size(disj(batch + [part])) > MAX_TOKENS - 4:
                out.append(disj(batch))
                batch = []
            batch.append(part)
        if batch:
            out.append(disj(batch))
    return out


def at_least(parts: list[str], need: int) -> str:
    """`need` of the expressions hold, as an OR of ANDs (None when that does not fit in a filter)."""
    if math.comb(len(parts), need) > MAX_COMBINATIONS:
        return None
    expr = disj(conj(combo) for combo in combinations(parts, need))
    return expr if size(expr) <= MAX_TOKENS else None


def facet_filter(facet: Facet, filters: Filters) -> str:
    """A facet's selection on document records ('' when nothing is selected)."""
    if not facet.active(filters):
        return ""
    if isinstance(facet, YearFacet):
        if filters.years:  # one element both chosen and in the range, as the local backend decides
            return one_of("years", [y for y in filters.years if facet.accepts(filters, y)])
        lo = filters.year_from if filters.year_from is not None else YEAR_LOW
        hi = filters.year_to if filters.year_to is not None else YEAR_HIGH
        return f"years:[{lo}..{hi}]"
    return one_of(facet.field, sorted(facet.selected(filters)))


def facet_filters(filters: Filters) -> dict[str, str]:
    """Each selected facet's expression."""
    return {f.name: e for f in FACETS if (e := facet_filter(f, filters))}
