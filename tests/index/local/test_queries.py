"""A query plan as Whoosh queries: prefix clauses expand against the vocabulary, within a cap."""
from indexer.index.local import queries
from indexer.search.plan import parse


def test_wildcard_expansion_is_capped(sample_index, monkeypatch):
    reader = sample_index.backend.postings.reader
    counts = {}
    for stem in ("c", "co", "s", "t", "a"):
        counts[stem] = sum(1 for _ in reader.expand_prefix("text", stem))
    stem = max(counts, key=counts.get)
    assert counts[stem] > 6, counts
    monkeypatch.setattr(queries, "MAX_PREFIX_EXPANSION", 3)
    clause = parse(f"{stem}xx*").clauses[0]
    clause.raw = f"{stem}*"  # a one-letter prefix the reader would expand to every word it has
    clause.prefix = True
    q = queries.clause_query(clause, reader)
    assert len(q.subqueries) <= 2 * 3  # at most the cap, for each of the two fields


def _leaves(q):
    return [leaf for sub in q.subqueries for leaf in _leaves(sub)] if hasattr(q, "subqueries") else [q]


def test_a_chinese_clause_matches_its_words_and_its_exact_string():
    clause = parse("知识产权").clauses[0]
    leaves = _leaves(queries.clause_query(clause))
    assert sorted({leaf.fieldname for leaf in leaves}) == ["bigrams", "text", "title"]
    assert next(leaf for leaf in leaves if leaf.fieldname == "bigrams").boost == queries.BIGRAM_WEIGHT


def test_a_clause_scores_its_best_way_of_matching():
    """A name matched as a word, as a string and through a translation counts once, at its best."""
    from whoosh import query as wq

    from indexer.search.plan import plan_query

    clause = plan_query("WCO").clauses[0]
    q = queries.clause_scoring(clause)
    assert isinstance(q, wq.DisjunctionMax) and len(q.subqueries) > 3
    assert queries.clause_query(clause).subqueries == q.subqueries
