"""Query expansion from every bilingual source: curated names, variants, topic terms, the lexicon."""
from indexer.analysis.expand import LEXICON_WEIGHT, NAME_WEIGHT, TERM_WEIGHT, get_expander


def expansions(term, **kw):
    return get_expander().expansions(term, **kw)


def surfaces(term, **kw):
    return [e.surface for e in expansions(term, **kw)]


def by_surface(term, **kw):
    return {e.surface: e for e in expansions(term, **kw)}


def test_the_earlier_interface_is_unchanged():
    x = get_expander()
    assert ("世界海关组织", "partner:WCO") in x.expand("WCO")
    assert ("Kazakhstan", "partner:KAZ") in x.expand("哈萨克斯坦")
    assert x.expand("原产地规则") == [("Rules of origin", "topic:rules-of-origin")]
    assert x.expand("吉尔吉斯坦") == [] and x.expand("bonded area") == []  # curated names only
    assert x.quote_known_phrases("rules of origin 2004") == '"rules of origin" 2004'


def test_curated_names_come_first_with_the_highest_weight():
    found = by_surface("WCO")
    assert found["世界海关组织"].source == "partner:WCO" and found["世界海关组织"].weight == NAME_WEIGHT
    assert found["World Customs Organization"].lang == "en"
    assert "Kazakhstan" in surfaces("哈萨克斯坦") and "哈萨克斯坦" in surfaces("Kazakhstan")


def test_topic_terms_expand_across_languages_both_ways():
    # the Chinese name of a convention finds the English one (taxonomy.yaml zh_terms were unused)
    found = by_surface("国际公路运输公约")
    assert found["TIR Convention"].source == "topic:transit-tir" and found["TIR Convention"].weight == TERM_WEIGHT
    assert "TIR公约" in surfaces("TIR Convention")
    assert "风险评估" in surfaces("risk assessment") and "risk assessment" in surfaces("风险评估")
    assert "反走私" in surfaces("anti-smuggling")
    # no term of the topic translates 单证册 word for word: the topic's label in English stands in
    carnet = by_surface("单证册")["ATA Carnet"]
    assert carnet.kind == "label" and carnet.weight < TERM_WEIGHT
    assert "ATA单证册" in surfaces("carnet")


def test_variant_spellings_search_the_names_they_stand_for():
    found = by_surface("吉尔吉斯坦")
    assert found["吉尔吉斯斯坦"].source == "partner:KGZ" and found["Kyrgyzstan"].kind == "variant"
    assert "Kazakhstan" in surfaces("Kazakstan") and "哈萨克斯坦" in surfaces("Kazakstan")
    assert "Tajikistan" in surfaces("塔吉克")  # a short form of Taiwan and Hong Kong usage
    assert "Turkmenistan" in surfaces("Turkmenstan") or "土库曼斯坦" in surfaces("Turkmenstan")


def test_a_slip_in_a_long_name_searches_the_name_but_a_real_compound_is_left_alone():
    fixed = by_surface("知识产杈")["知识产权"]
    assert fixed.kind == "fuzzy" and fixed.source == "topic:ipr" and fixed.weight < NAME_WEIGHT
    assert "世界海关组织" in surfaces("世界海关组知")
    assert all(e.kind != "fuzzy" for e in expansions("风险管控"))  # 风险 + 管控: a word, no slip of 风险布控


def test_the_lexicon_covers_what_no_curated_source_does_weighted_lowest():
    bonded = expansions("bonded area")
    assert bonded[0].surface == "保税区" and bonded[0].source == "lexicon" and bonded[0].weight == LEXICON_WEIGHT
    assert surfaces("supervision measures")[0] == "监管措施"
    assert "supervisory measure" in surfaces("监管措施") or "supervision measure" in surfaces("监管措施")
    assert all(e.weight < TERM_WEIGHT for e in expansions("sanitary"))
    # curated sources answer first: no lexicon guesses beside the glossary's 海关
    assert [e.source for e in expansions("customs")] == ["glossary"]


def test_the_lexicon_is_constrained_to_the_index_vocabulary():
    vocab = {"保税区", "监管", "措施"}
    assert surfaces("bonded area", keep=vocab.__contains__) == ["保税区"]
    assert surfaces("bonded area", keep=lambda t: False) == []
    assert surfaces("supervision measures", keep=vocab.__contains__) == ["监管措施"]
    assert surfaces("bonded area", lexicon=False) == []


def test_a_topic_term_with_a_loose_topic_match_also_gets_the_dictionary_word():
    found = by_surface("保税区")  # a free-trade-zone signal word that no English term of the topic translates
    assert any(e.source == "topic:free-trade-zone" for e in found.values())
    assert any(e.source == "lexicon" and not e.surface.count(" ") > 2 for e in found.values())
    assert all(e.surface != "保税区" for e in found.values())


def test_weights_order_the_sources():
    assert 1.0 > NAME_WEIGHT > TERM_WEIGHT > LEXICON_WEIGHT > 0
    for term in ["WCO", "国际公路运输公约", "bonded area", "吉尔吉斯坦", "知识产杈", "保税区"]:
        ws = [e.weight for e in expansions(term)]
        assert ws and all(0 < w < 1 for w in ws)
