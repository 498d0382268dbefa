"""The query plan: what a query means before any engine runs it (indexer/search/plan.py)."""
from indexer.search.plan import plan_query


def _alsos(plan):
    return [e.also for e in plan.expansions]


def test_a_name_in_a_spelling_the_taxonomy_lacks_searches_the_partners_names():
    for typed, partner, name in [("Kazakstan", "KAZ", "哈萨克斯坦"), ("Uzbekstan", "UZB", "Uzbekistan"),
                                 ("吉尔吉斯坦", "KGZ", "Kyrgyzstan")]:
        plan = plan_query(typed)
        assert name in _alsos(plan), typed
        assert plan.clauses[0].tags == [f"partner:{partner}"], typed


def test_a_prefix_of_one_name_searches_that_name_and_a_prefix_of_many_does_not():
    kaz = plan_query("Kazakh*").clauses[0]
    assert kaz.prefix and "哈萨克斯坦" in [a.surface for a in kaz.alternatives] and kaz.tags == ["partner:KAZ"]
    assert plan_query("con*").clauses[0].tags == []  # a prefix of many words names nothing


def test_a_slip_in_a_chinese_name_typed_whole_stays_one_clause():
    plan = plan_query("知识产杈")
    assert [c.raw for c in plan.clauses] == ["知识产杈"]
    assert "知识产权" in _alsos(plan)


def test_the_chinese_terms_of_a_topic_find_its_terms_in_english():
    assert "TIR Convention" in _alsos(plan_query("国际公路运输公约"))
    assert "ATA Carnet" in _alsos(plan_query("单证册"))


def test_general_lexicon_translations_only_into_words_the_index_holds():
    held = {"条例", "海关", "统计"}
    plan = plan_query("customs statistics regulation", known=lambda t: t in held)
    assert "条例" in _alsos(plan)
    nothing = plan_query("customs statistics regulation", known=lambda t: False)
    assert "条例" not in _alsos(nothing)


def test_words_that_translate_as_one_term_become_one_clause():
    held = {"关税法", "关税", "法", "法律", "海关", "研讨会"}.__contains__  # an archive holding a tariff law
    plan = plan_query("tariff law", known=held)
    assert [c.raw for c in plan.clauses] == ["tariff law"]
    assert _alsos(plan) == ["关税法"]
    assert [c.raw for c in plan_query("customs symposium", known=held).clauses] == ["customs", "symposium"]


def test_expand_0_turns_every_source_off():
    plan = plan_query("Kazakstan tariff law 知识产杈", expand=False)
    assert plan.expansions == [] and all(len(c.alternatives) == 1 and not c.tags for c in plan.clauses)
