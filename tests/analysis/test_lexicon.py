"""The general Chinese–English lexicon (CC-CEDICT): cleaning, both directions, composition, the vocabulary filter."""
import json

import pytest

from indexer.analysis.lexicon import get_lexicon, load_lexicon, translations


def zh(term, **kw):
    return [t.surface for t in translations(term, "zh", **kw)]


def en(term, **kw):
    return [t.surface for t in translations(term, "en", **kw)]


@pytest.fixture(scope="module", autouse=True)
def lexicon():
    return get_lexicon()


def test_english_words_and_terms_to_chinese_best_first():
    assert zh("smuggling")[0] == "走私"
    assert zh("bonded area")[0] == "保税区"
    assert zh("free trade zone")[0] == "自由贸易区"
    assert zh("technical assistance")[0] == "技术援助"
    assert zh("quarantine")[0] == "检疫"
    assert zh("tariff")[0] == "关税"
    assert zh("statistics")[0] == "统计"
    assert zh("e-commerce")[0] == "电子商务"
    assert "审计" in zh("audit")[:2]
    assert "海关" in zh("Customs")[:2]


def test_chinese_words_to_english_best_first():
    assert en("走私")[0] == "smuggle"
    assert en("海关") == ["customs"]
    assert en("条例")[0] == "regulations"
    assert "bonded area" in en("保税区")
    assert en("吉尔吉斯斯坦") == ["Kyrgyzstan"]
    assert en("跨境电子商务")[0] == "cross-border e-commerce"
    assert en("稽查")[0] == "inspection"


def test_traditional_and_full_width_input_folds():
    assert zh("ｓｍｕｇｇｌｉｎｇ")[0] == "走私"
    assert en("關稅")[0] == "customs duty"


def test_multi_word_terms_the_dictionary_lacks_are_composed_from_their_parts():
    assert zh("supervision measures")[0] == "监管措施"
    assert zh("single window")[0] == "单一窗口"
    assert zh("anti-smuggling") == ["反走私"]  # a prefix gloss ("anti-") joins a word the dictionaries know
    assert zh("road transport")[0] == "公路运输"
    assert en("单一窗口")[0] == "single window"
    assert en("监管措施")[0] in ("supervisory measure", "supervision measure")
    assert en("海关事务担保")[0] == "customs affairs guarantee"
    composed = translations("supervision measures", "zh")[0]
    assert composed.composed and composed.via == "监管+措施"


def test_whole_term_translations_come_before_composed_ones():
    ts = translations("free trade zone", "zh")
    assert not ts[0].composed and all(t.composed for t in ts[1:])


def test_no_lone_characters_in_compositions():
    # 暂准 is no headword: read character by character it would be "temporary accurate import"
    assert en("暂准进口") == []
    assert all(len(s) > 1 for s in zh("supervision measures"))


def test_glosses_are_cleaned_of_dictionary_notes():
    lex = get_lexicon()
    for word in ["个", "关", "省", "窗口", "公约", "乌兹别克", "哈萨克", "反走私", "单证", "规矩"]:
        for gloss, _q, _verb in lex.glosses(word):
            low = gloss.lower()
            assert not any(noise in low for noise in ("bound form", "lit.", "cl:", "surname", "variant of",
                                                      "classifier", "abbr.", "(", "[", "sb", "sth")), (word, gloss)
            assert not low.startswith("to "), (word, gloss)
    assert "Uzbekistan" in [g for g, _q, _v in lex.glosses("乌兹别克")]  # "abbr. for Uzbekistan"
    assert "Kazakhstan" in [g for g, _q, _v in lex.glosses("哈萨克")]  # "(Tw, HK) Kazakhstan"
    assert "province" in [g for g, _q, _v in lex.glosses("省")]


def test_surnames_and_proper_homographs_rank_below_ordinary_words():
    assert en("关")[0] != "Guan"
    assert "Guan" not in en("关", limit=20)


def test_part_translations_learnt_from_compounds():
    # no gloss of 联合 says "joint"; 联合声明, 联合公报, 联合军演 do
    assert "joint" in en("联合", limit=20)


def test_vocabulary_filter_keeps_only_findable_translations():
    # index terms: 联合控制 is one word of the segmenter's dictionary, 共同控制 two
    vocab = {"共同", "联合", "联合控制", "控制", "监管", "措施", "关税", "custom", "duty"}
    keep = vocab.__contains__
    out = zh("joint control", keep=keep, limit=10)
    assert "关节控制" not in out  # 关节 is the anatomical joint, absent from this index
    assert "联合控制" in out and "共同控制" in out
    assert all(w in vocab or (w[:2] in vocab and w[2:] in vocab) for w in out)
    assert zh("smuggling", keep=lambda t: False) == []
    assert en("關稅", keep=keep) == ["customs duty"]


def test_translations_say_where_they_come_from():
    for t in translations("bonded area", "zh") + translations("保税区", "en"):
        assert t.source == "lexicon" and 0 < t.score <= 1
    assert translations("bonded area", "en") == []  # same language: nothing to translate
    assert translations("   ", "zh") == []


SAMPLE = """# CC-CEDICT
#! entries=3
海關 海关 [hai3 guan1] /customs (i.e. border crossing inspection)/CL:個|个[ge4]/
走私 走私 [zou3 si1] /to smuggle/to have an illicit affair/
關 关 [Guan1] /surname Guan/
"""


def test_cache_is_written_once_and_read_back(tmp_path):
    dic = tmp_path / "cedict.txt"
    dic.write_text(SAMPLE, encoding="utf-8")
    cache = tmp_path / "cache"
    built = load_lexicon(cache, cedict=dic)
    files = list(cache.glob("lexicon-*.json"))
    assert len(files) == 1
    assert set(json.loads(files[0].read_text(encoding="utf-8"))) == {"zh_en", "en_zh", "prefixes"}
    again = load_lexicon(cache, cedict=dic)
    assert again.translations("customs", "zh")[0].surface == built.translations("customs", "zh")[0].surface == "海关"
    assert again.translations("关", "en") == []  # a surname only: nothing to translate
    files[0].write_text("{not json", encoding="utf-8")  # a damaged cache is rebuilt, not trusted
    assert load_lexicon(cache, cedict=dic).translations("smuggle", "zh")[0].surface == "走私"


def test_the_packaged_dictionary_is_a_recent_full_edition():
    assert len(get_lexicon()) > 100_000


def test_every_index_folder_shares_the_install_cache(monkeypatch, tmp_path):
    """The lexicon depends on the installed dictionaries only: a new index folder does not build it again."""
    from indexer import config

    monkeypatch.delenv("LEXICON_CACHE_DIR", raising=False)
    for index in ("one", "two"):
        monkeypatch.setenv("INDEX_DIR", str(tmp_path / index))
        assert config.lexicon_cache_dir() == config.INSTALL_CACHE_DIR
    monkeypatch.setenv("LEXICON_CACHE_DIR", str(tmp_path / "mine"))
    assert config.lexicon_cache_dir() == tmp_path / "mine"
