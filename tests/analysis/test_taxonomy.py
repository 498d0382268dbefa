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
