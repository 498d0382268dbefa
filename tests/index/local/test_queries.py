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


def test_one_occurrence_of_an_equivalent_scores_at_most_its_weight_times_the_typed_forms():
    from indexer.search.plan import Alternative, Clause

    idf = {"wco": 2.0, "world": 3.0, "organization": 4.0, "rilo": 1.0}
    one = lambda field, term: idf.get(term, 0.0) if field != "tags" else 0.0  # noqa: E731
    clause = Clause("wco", alternatives=[Alternative("wco", ["wco"], []),
                                         Alternative("World Organization", ["world", "organization"], [], 0.7),
                                         Alternative("RILO", ["rilo"], [], 0.7),
                                         Alternative("OMD", ["omd"], [], 0.7)])
    scales = queries.equivalent_scales(clause, None, one)
    assert scales[1] == 0.7 * 2.0 / (0.7 * 7.0)  # two words' idf summed (7) brought down to the typed form's (2)
    assert scales[2:] == [1.0, 1.0, 1.0]  # weaker already; in no passage; no tags
    # where no passage holds what was typed, the first equivalent some passage holds sets the scale
    idf["wco"] = 0.0
    assert queries.equivalent_scales(clause, None, one)[1:3] == [1.0, 1.0]
    idf["rilo"] = 20.0
    assert queries.equivalent_scales(clause, None, one)[2] == 7.0 / 20.0
