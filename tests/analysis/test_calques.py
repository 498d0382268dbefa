"""Calques: the topics' multi-word English terms rendered in the topics' own Chinese words."""
from indexer.analysis.calques import load_calques, topic_calques
from indexer.analysis.lexicon import get_lexicon
from indexer.analysis.taxonomy import load_taxonomy


def test_calques_file_is_what_the_rule_generates():
    """data/calques.yaml is generated: regenerate with `python -m indexer.analysis.calques --write`."""
    assert load_calques() == topic_calques(load_taxonomy(), get_lexicon())


def test_calques_render_a_topics_english_terms_in_its_own_chinese_words():
    calques = topic_calques(load_taxonomy(), get_lexicon())
    assert calques["joint-control"]["联合控制"] == "joint control"  # 联合 as in 联合监管, not 关节
    assert "海关过境" in calques["transit-tir"]
    assert "智慧财产" in calques["ipr"]  # a whole-term translation (Taiwan's word for it)
    listed = {n for e in load_taxonomy().topics.values() for n in e.aliases_zh}
    assert not listed & {c for found in calques.values() for c in found}
