"""Tagging with the bilingual taxonomy."""
from indexer.analysis.taxonomy import load_taxonomy


def tag(text):
    return load_taxonomy().tag(text)


def test_api_identifiers_exist():
    tax = load_taxonomy()
    for pid in ["CHN", "KAZ", "KGZ", "TJK", "UZB", "MNG", "AZE", "RUS", "USA", "KOR", "JPN", "SGP", "THA",
                "VNM", "HKG", "MAC", "WCO", "WTO", "ASEAN", "CAREC", "ADB", "APEC", "SCO", "EU", "UN",
                "INTERPOL", "WIPO", "GMS", "ASEM"]:
        assert pid in tax.partners, pid
    for tid in ["aeo", "rules-of-origin", "risk-management", "ipr", "transit-tir", "single-window",
                "capacity-building", "enforcement", "hs-classification", "kyoto-convention", "safe-framework",
                "data-exchange", "joint-control", "trade-facilitation", "belt-and-road", "free-trade-zone",
                "customs-modernization", "clearance-integration", "ata-carnet"]:
        e = tax.topics[tid]
        assert e.zh and e.en and e.aliases_zh and (e.aliases_en or e.acronyms), tid


def test_partners_in_both_languages_and_aliases():
    assert tag("世界海关组织在布鲁塞尔")[0] == ["WCO"]
    assert tag("the World Customs Organization (WCO)")[0] == ["WCO"]
    assert tag("中哈农产品绿色通道")[0] == ["KAZ"]
    assert "KAZ" in tag("delegates from Kazakhstan")[0]
    assert tag("东盟秘书处")[0] == ["ASEAN"]
    assert tag("海關總署與東盟")[0] == ["ASEAN"]  # Traditional characters fold


def test_longest_match_and_word_boundaries():
    assert tag("印度尼西亚海关")[0] == ["IDN"]
    assert tag("the UN and the EU")[0] == ["EU", "UN"]
    assert tag("run a fun union")[0] == []  # "un" inside words, lower case
    assert tag("中非合作论坛")[0] == []  # 中非 is ambiguous (China-Africa), excluded


def test_ocr_spacing_between_han_characters_is_ignored():
    assert tag("世界 海关 组织")[0] == ["WCO"]


def test_topics():
    assert "aeo" in tag("经认证的经营者(AEO)互认")[1]
    assert "rules-of-origin" in tag("rules of origin")[1]
    assert "single-window" in tag("国际贸易单一窗口")[1]
    assert "ata-carnet" in tag("ATA 单证册")[1]


def test_labels():
    tax = load_taxonomy()
    assert tax.partners["WCO"].label() == "世界海关组织 World Customs Organization"
    assert tax.partners["KAZ"].label("zh") == "哈萨克斯坦" and tax.partners["KAZ"].label("en") == "Kazakhstan"
    assert tax.partners["HKG"].label("zh") == "香港"


# --- variants in tagging (analysis/variants.py) ------------------------------------------------------


import pytest  # noqa: E402

from indexer.config import PROJECT_ROOT  # noqa: E402

SHARED = PROJECT_ROOT.parent / "shared"


def test_the_carec_statement_tags_kyrgyzstan_where_it_writes_its_name_otherwise():
    text = (PROJECT_ROOT / "corpus" / "carec-ccc4-statement-2005.txt").read_text(encoding="utf-8")
    line = next(ln for ln in text.splitlines() if "吉尔吉斯坦与塔吉克斯坦" in ln)
    assert tag(line)[0] == ["KGZ", "TJK"]
    assert "joint-control" in tag("哈萨克斯坦与吉尔吉斯坦联合控制带来的积极成果")[1]


@pytest.mark.parametrize("text, partner", [
    ("吉尔吉斯坦海关", "KGZ"),         # a doubled syllable written once
    ("土库曼斯斯坦代表团", "TKM"),      # ... or twice: one character added inside a long name
    ("塔吉克与中方签署", "TJK"),        # Taiwan and Hong Kong short forms
    ("纽西兰海关", "NZL"),             # CLDR's Taiwan name
    ("澳洲海关", "AUS"),
    ("大湘公河次区域", "GMS"),          # OCR confusion
    ("上海合作细织成员国", "SCO"),       # OCR confusion from ocr_confusions.yaml
    ("东南亚国家连盟", "ASEAN"),         # one character mistyped inside a long name
    ("亚洲开发的银行", "ADB"),          # one character added
    ("delegates of Kazakstan", "KAZ"),   # transliteration alternation
    ("the Tadzhikistan customs", "TJK"),
    ("Turkmenstan and China", "TKM"),    # one letter dropped in a long word
    ("the Kyrgyz Republik", "KGZ"),
    ("the World Customs Organisaton", "WCO"),
    ("King of Roumania", "ROU"),         # an old spelling one letter away
])
def test_spellings_the_taxonomy_does_not_list_are_tagged(text, partner):
    assert partner in tag(text)[0]


@pytest.mark.parametrize("text, topic", [
    ("联合控制", "joint-control"),            # calque / glossary concept of the topic's "joint control"
    ("joint customs control", "joint-control"),
    ("单个电子窗口操作策略", "single-window"),   # 单一电子窗口 with one character mistyped
    ("贸易使利化谈判", "trade-facilitation"),   # OCR
    ("智慧财产", "ipr"),                      # the whole-term translation of "intellectual property"
    ("temporary importation of goods", "ata-carnet"),
])
def test_topic_terms_in_other_words_are_tagged(text, topic):
    assert topic in tag(text)[1]


@pytest.mark.parametrize("text", [
    "哈萨克族牧民",          # a people, not the state
    "塔吉克语教材",          # a language
    "广东加强监管",          # 东加 (Tonga in Taiwan) read across two words
    "自由贸易的原则",        # 自由贸易区 without its last character is another word
    "Columbia University",   # a real word one letter from Colombia
    "the Dominican delegation",
    "Austrian and German delegates",
    "研讨会",                # a glossary concept shares only "workshop" with capacity-building
])
def test_variants_do_not_tag_ordinary_words(text):
    partners, topics = tag(text)
    assert not set(partners) - {"DEU"} and not topics, (text, partners, topics)  # German is an alias of DEU


def test_variants_can_be_switched_off():
    tax = load_taxonomy()
    assert tax.find("吉尔吉斯坦", variants=False) == []
    assert [x for *_r, x in tax.find("吉尔吉斯坦")] == ["KGZ"]


def test_spans_of_variants_point_into_the_original_text():
    text = "据悉，吉尔吉 斯坦与塔吉克斯坦"
    (s, e, _k, ident), *_ = load_taxonomy().find(text)
    assert ident == "KGZ" and text[s:e] == "吉尔吉 斯坦"


@pytest.mark.skipif(not (SHARED / "archive" / "zh_laws").exists(), reason="shared archive not present")
def test_no_partner_appears_in_statutes_that_name_none():
    """Precision on documents nobody curated: PRC statutes name no foreign partner; variants add none."""
    tax = load_taxonomy()
    for path in sorted((SHARED / "archive" / "zh_laws").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        plain = {i for *_r, k, i in tax.find(text, variants=False) if k == "partner"}
        with_variants = {i for *_r, k, i in tax.find(text) if k == "partner"}
        assert with_variants == plain, (path.name, with_variants - plain)


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from indexer.analysis.taxonomy import _compact  # noqa: E402
from indexer.analysis.textnorm import is_han  # noqa: E402


def _compact_reference(text):
    """Character by character: a whitespace run goes when a Han character stands on either side."""
    out, where = [], []
    for i, ch in enumerate(text):
        if ch.isspace():
            j = i
            while j < len(text) and text[j].isspace():
                j += 1
            before = out[-1] if out else ""
            after = text[j] if j < len(text) else ""
            if (before and is_han(before)) or (after and is_han(after)):
                continue
        out.append(ch)
        where.append(i)
    return "".join(out), where


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("中国 \u3000\n\tab1。\u00a0") + ["\U00020001"]), max_size=20))
def test_compact_drops_only_spaces_beside_han_and_maps_back(text):
    compact, where = _compact(text)
    expected, expected_where = _compact_reference(text)
    assert compact == expected
    assert [where[i] for i in range(len(compact))] == expected_where
