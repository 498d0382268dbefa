"""Name variants: the rules that generate other spellings of every name."""
from indexer.analysis.variants import edit_distance, en_variants, zh_variants


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
