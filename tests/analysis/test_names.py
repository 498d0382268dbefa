"""Names in queries: the partner or topic a typed surface names, and did-you-mean over names."""
import pytest

from indexer.analysis.names import match_names, suggest_name


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
