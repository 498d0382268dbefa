"""Name variants: the rules that generate them, and what queries get from them."""
import pytest

from indexer.analysis.lexicon import get_lexicon
from indexer.analysis.taxonomy import load_taxonomy
from indexer.analysis.variants import (
    edit_distance, en_variants, load_calques, match_names, suggest_name, topic_calques, zh_variants,
)


def test_edit_distance_counts_one_edit_of_each_kind():
    assert edit_distance("吉尔吉斯斯坦", "吉尔吉斯坦") == 1  # a doubled syllable written once
    assert edit_distance("kazakhstan", "kazakstan") == 1
    assert edit_distance("知识产权", "知识产杈") == 1
    assert edit_distance("abcd", "abdc") == 1  # neighbours swapped
    assert edit_distance("Kyrgyzstan", "Kirgizstan", limit=1) == 2  # capped at limit + 1
    assert edit_distance("same", "same") == 0


def test_chinese_rules_apply_to_every_name():
    assert zh_variants("吉尔吉斯斯坦")["吉尔吉斯坦"] == "transliteration"
    for full, short in [("吉尔吉斯斯坦", "吉尔吉斯"), ("土库曼斯坦", "土库曼"), ("乌兹别克斯坦", "乌兹别克")]:
        assert zh_variants(full)[short] == "short form"
    assert "巴基" not in zh_variants("巴基斯坦")  # too little left of Pakistan to be a name
    assert zh_variants("世界海关组织")["世界悔关组织"] == "ocr"  # from ocr_confusions.yaml
    assert zh_variants("东南亚国家联盟")["东南亚国联盟"] == "slip"
    # slips stay inside the name: without its last character 自由贸易区 is 自由贸易, another word
    assert "自由贸易" not in zh_variants("自由贸易区") and "由贸易区" not in zh_variants("自由贸易区")
    assert zh_variants("ATA单证册") == {}


def test_english_transliteration_alternations():
    assert "kazakstan" in en_variants("Kazakhstan")
    assert "kirgizstan" in en_variants("Kyrgyzstan")  # y/i at every place
    assert "tadzhikistan" in en_variants("Tajikistan")
    assert "filippines" in en_variants("Philippines")
    assert en_variants("Chad") == {}  # short words are left alone


@pytest.mark.parametrize("typed, ident, how", [
    ("Kazakstan", "KAZ", "variant"),
    ("Kirgizstan", "KGZ", "variant"),
    ("吉尔吉斯坦", "KGZ", "variant"),
    ("哈萨克", "KAZ", "alias"),  # Taiwan and Hong Kong usage
    ("纽西兰", "NZL", "alias"),
    ("Uzbekstan", "UZB", "fuzzy"),
    ("Tadjikistan", "TJK", "fuzzy"),
    ("World Custom Organization", "WCO", "fuzzy"),
    ("东南亚国家连盟", "ASEAN", "fuzzy"),
    ("知识产杈", "ipr", "fuzzy"),
    ("风险管里", "risk-management", "fuzzy"),
    ("wco", "WCO", "exact"),  # acronyms typed in lower case
    ("海關總署", None, None),  # a glossary term, not a partner or topic name
])
def test_query_surfaces_find_their_partner_or_topic(typed, ident, how):
    found = match_names(typed)
    if ident is None:
        assert found == []
    else:
        assert (found[0].id, found[0].how) == (ident, how)


def test_a_prefix_on_a_name_works_in_both_scripts():
    assert match_names("Kazakh*")[0].id == "KAZ"
    assert match_names("kyrg*")[0].id == "KGZ"
    assert match_names("哈萨*")[0].id == "KAZ"
    assert match_names("Ka*") == []  # too short a stem to mean one name


def test_did_you_mean_over_names_in_both_languages():
    assert suggest_name("Kazakstan") == ("Kazakhstan", "KAZ")
    assert suggest_name("rules of orgin") == ("rules of origin", "rules-of-origin")
    assert suggest_name("Phillipines") == ("Philippines", "PHL")
    assert suggest_name("知识产杈") == ("知识产权", "ipr")
    assert suggest_name("吉尔吉斯坦") == ("吉尔吉斯斯坦", "KGZ")
    assert suggest_name("世界海关组知") == ("世界海关组织", "WCO")


def test_no_suggestion_for_names_and_for_words_near_no_name():
    for text in ["Kazakhstan", "哈萨克", "WCO", "supervision", "customs", "海关", "联合控制", "abc", "知识"]:
        assert suggest_name(text) is None, text


def test_edits_allowed_grow_with_length_per_script():
    assert suggest_name("Chima") == ("China", "CHN")  # five letters: one edit
    assert suggest_name("Irak") is None  # four letters: Iran and Iraq are one edit apart
    assert suggest_name("Kirgyzstann") == ("Kyrgyzstan", "KGZ")  # ten letters: two edits
    assert suggest_name("东盟国") is None  # three Han characters: none (东盟 is a name, 东盟国 no slip of one)
    assert all(m.how != "fuzzy" for m in match_names("中韩国"))


def test_calques_file_is_what_the_rule_generates():
    """data/calques.yaml is generated: regenerate with `python -m indexer.analysis.variants --write-calques`."""
    assert load_calques() == topic_calques(load_taxonomy(), get_lexicon())


def test_calques_render_a_topics_english_terms_in_its_own_chinese_words():
    calques = topic_calques(load_taxonomy(), get_lexicon())
    assert calques["joint-control"]["联合控制"] == "joint control"  # 联合 as in 联合监管, not 关节
    assert "海关过境" in calques["transit-tir"]
    assert "智慧财产" in calques["ipr"]  # a whole-term translation (Taiwan's word for it)
    listed = {n for e in load_taxonomy().topics.values() for n in e.aliases_zh}
    assert not listed & {c for found in calques.values() for c in found}
