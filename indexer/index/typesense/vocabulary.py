"""Did-you-mean on the cluster: index words a few edits from a typed word, found by Typesense's
typo search and, for Chinese (whose characters Typesense counts as three typos each), among the
words of the passages holding the bigrams around the edit."""
from __future__ import annotations

from indexer.analysis.textnorm import is_han
from indexer.analysis.tokens import bigram_tokens
from indexer.analysis.variants import edit_distance

from .cluster import Cluster
from .filters import conj, eq

PAGE = 250  # passages read per search for a Chinese word's neighbours


def similar_terms(cluster: Cluster, collection: str, term: str, max_distance: int, prefix: int) -> list[str]:
    """Index words within `max_distance` edits sharing the first `prefix` characters, commonest first."""
    r = cluster.search(collection, {
        "q": term, "query_by": "words", "filter_by": "kind:=passage", "prefix": "false",
        "num_typos": max_distance, "min_len_1typo": 1, "min_len_2typo": 1, "typo_tokens_threshold": 1,
        "drop_tokens_threshold": 0, "per_page": 50, "include_fields": "pid", "highlight_fields": "words"})
    seen: dict[str, int] = {}
    for h in r.get("hits", []):
        for hl in h.get("highlights", []):
            for t in hl.get("matched_tokens", []):
                t = str(t).lower()
                if t != term and t[:prefix] == term[:prefix] and edit_distance(t, term, max_distance) <= max_distance:
                    seen[t] = seen.get(t, 0) + 1
    if any(is_han(ch) for ch in term):
        for t, n in _han_neighbours(cluster, collection, term, max_distance, prefix).items():
            seen[t] = max(seen.get(t, 0), n)
    return sorted(seen, key=lambda t: (edit_distance(t, term, max_distance), -seen[t], t))[:1]

def _han_neighbours(cluster: Cluster, collection: str, term: str, max_distance: int, prefix: int) -> dict[str, int]:
    """Chinese words one character away from `term`, with the passages (of those seen) holding them.

    Typesense counts typos in UTF-8 bytes, and a Chinese character is three: a character
    dropped, added or replaced is out of its reach (at most two). A word one character away
    keeps what stands before and after the edit, so it is looked for in the passages holding
    the bigrams of both sides, and their word sets are compared character by character."""
    searches = []
    for before, after in ((term[:i], term[i + 1 :]) for i in range(prefix, len(term))):  # edited at i
        grams = sorted({b for part in (before, after) for b, _p, _s, _e in bigram_tokens(part)})
        if grams and "`" not in "".join(grams):
            searches.append({"q": "*", "filter_by": conj(["kind:=passage", *(eq("bigramset", g) for g in grams)]),
                             "per_page": PAGE, "include_fields": "pid,wordset"})
    holding: dict[str, set[int]] = {}
    for r in cluster.multi_search(collection, searches):
        for h in r.get("hits", []):
            for t in h["document"].get("wordset", []):
                if (t != term and abs(len(t) - len(term)) <= max_distance and t[:prefix] == term[:prefix]
                        and edit_distance(t, term, max_distance) <= max_distance):
                    holding.setdefault(t, set()).add(h["document"]["pid"])
    return {t: len(pids) for t, pids in holding.items()}
