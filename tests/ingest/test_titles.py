"""Titles a librarian would accept: from good metadata, else the first real heading."""
from __future__ import annotations

from pathlib import Path

import pytest

from indexer.ingest.documents import document_from_extracted
from indexer.ingest.extract import Extracted, Page, extract
from indexer.ingest.metadata import load_catalog
from indexer.ingest.titles import (clean_meta_title, find_title, plausible_meta_title, smart_title, text_lang,
                                   title_from_text)
from tests.conftest import CORPUS, SHARED


def test_letterhead_and_circular_number_give_way_to_the_subject():
    lines = ["SINGAPORE CUSTOMS", "Circular No: 06/2024", "26 Jul 2024", "Traders and Declaring Agents",
             "Dear Sir/Madam,", "IMPLEMENTATION OF THE ASEAN AUTHORISED ECONOMIC OPERATOR (AEO) MUTUAL RECOGNITION "
             "ARRANGEMENT (MRA)", "The ASEAN AEO MRA will be operational with effect from 1 Aug 2024."]
    choice = title_from_text(lines)
    assert choice.title == ("Circular No. 06/2024: Implementation of the ASEAN Authorised Economic Operator (AEO) "
                            "Mutual Recognition Arrangement (MRA)")
    assert choice.issuer == "Singapore Customs"


def test_a_part_label_is_joined_to_the_heading_it_introduces():
    assert find_title(["ANNEX 8", "OPERATIONAL CERTIFICATION PROCEDURE", "FOR THE RULES OF ORIGIN UNDER CHAPTER 3",
                       "For the purposes of implementing the Rules of Origin set out in Chapter 3, the following."]) == \
        "Annex 8: Operational Certification Procedure for the Rules of Origin under Chapter 3"


def test_genre_labels_banners_addresses_and_codes_are_not_titles():
    assert find_title(["Headquarters: Rue du Marché 30, 1210 Brussels | Tel. +32 2 209 92 11", "HARMONIZED SYSTEM",
                       "Fact Sheet", "UNDERSTANDING THE HARMONIZED SYSTEM", "Enables governments to apply"]) == \
        "Understanding the Harmonized System"
    assert find_title(["Proposed Rules", "This section of the FEDERAL REGISTER", "contains notices to the public",
                       "DEPARTMENT OF TRANSPORTATION", "14 CFR Part 39", "[Docket No. FAA–2020–0686]",
                       "RIN 2120–AA64", "Airworthiness Directives; The Boeing", "Company Airplanes",
                       "AGENCY: Federal Aviation"]) == "Airworthiness Directives; The Boeing Company Airplanes"
    assert find_title(["概述", "甲方：中国饮料有限公司（盖章）"]) is None
    assert find_title(["性别: 男住院/门诊号:", "提示结果单位↓ 3.9 E+9/L"]) is None  # a form and a table cell


def test_garbled_ocr_lines_are_not_titles():
    lines = ["中间海关的同际(地以)合作t作是问家", "对外交往油功的组成部分Q 中国海关", "有关问际悔关组织及各间悔关间的交流互助活",
             "悔关形象c", "伴随新中间海关的成立"]
    assert find_title(lines) is None


def test_the_heading_in_the_texts_language_wins_over_a_foreign_one():
    lines = ["Internationale Overeenkomst inzake de vereenvoudiging en harmonisatie van douaneprocedures",
             "International Convention on the simplification and harmonization of Customs procedures (as amended)",
             "Preamble", "The Contracting Parties to the present Convention ..."]
    choice = title_from_text(lines, body_lang="en")
    assert choice.title.startswith("International Convention on the simplification") and choice.lang == "en"
    assert choice.other_titles == [lines[0]]
    assert text_lang(lines[0]) == "nl" and text_lang("わたくしといふ現象は") == "ja" and text_lang("海关法") == "zh"


def test_capitals_become_title_case_with_acronyms_kept():
    assert smart_title("AEC 2025 TRADE FACILITATION STRATEGIC ACTION PLAN") == \
        "AEC 2025 Trade Facilitation Strategic Action Plan"
    assert smart_title("CERTIFICATE OF ORIGIN (Combined Declaration and Certificate) FORM D") == \
        "Certificate of Origin (Combined Declaration and Certificate) Form D"
    assert smart_title("Briefing on China-ASEAN Customs Cooperation") == "Briefing on China-ASEAN Customs Cooperation"


def test_metadata_titles_that_cannot_stand():
    for bad in ("FACT SHEET ON", "Overview", "grasshopper", "Microsoft Word - Circular_01_2020 (Ver1)", "上", ""):
        assert not plausible_meta_title(bad), bad
    assert plausible_meta_title("Our International Participation")
    assert clean_meta_title("ASEAN Customs Transit System | Singapore Customs") == "ASEAN Customs Transit System"


def test_a_generic_front_matter_title_gives_way_to_the_first_heading():
    ex = Extracted(pages=[Page(None, "ASEAN Customs Transit System (ACTS)\n\nThe objective of this page is ...")],
                   kind="markdown", meta={"title": "Overview", "source_url": "/businesses/acts/overview"})
    doc = document_from_extracted(ex, "acts.md", {})
    assert doc.title == "ASEAN Customs Transit System (ACTS)" and doc.extracted["title_source"] == "heading"
    assert doc.source_url is None  # a site-relative permalink is no address to cite


# -- every document of the sample corpus and of the archive --------------------------------------
CORPUS_TITLES = {
    "carec-ccc4-statement-2005.txt": "中亚区域经济合作（CAREC）计划第四次海关总署署长会议 海关合作委员会声明",
    "china-asean-customs-cooperation-briefing.txt": "Briefing on China-ASEAN Customs Cooperation",
    "china-customs-international-cooperation-news-2018.txt": "中国海关不断深化国际合作",
    "customs-clearance-integration-reform-slides-2016.txt": "海关进出境管理的改革发展与通关一体化管理格局的创新建设",
    # the OCR text offers no clean line: the title is devised from the archivist's file name
    "customs-gazetteer-international-cooperation-ocr.txt": "Customs Gazetteer International Cooperation",
}
ARCHIVE_TITLES = {
    "en_pdfs/aec_2025_trade_facilitation_sap.pdf": "AEC 2025 Trade Facilitation Strategic Action Plan",
    "en_pdfs/asean_ntm_guidelines.pdf":
        "Guidelines for the Implementation of ASEAN Commitments on Non-Tariff Measures on Goods",
    "en_pdfs/asean_trade_facilitation_framework.pdf": "ASEAN Trade Facilitation Framework",
    "en_pdfs/atiga_annex7_form_d.pdf":
        "Annex 7: ASEAN Trade in Goods Agreement Certificate of Origin (Combined Declaration and Certificate) Form D",
    "en_pdfs/atiga_annex8_awsc_ocp.pdf":
        "Annex 8: Operational Certification Procedure for the Rules of Origin under Chapter 3",
    "en_pdfs/atiga_full_text.pdf": "ASEAN Trade in Goods Agreement",
    "en_pdfs/eform_d_full_implementation.pdf": "ASEAN Fully Implement e-Form D through the ASEAN Single Window",
    "en_pdfs/ftz_circular_01_2020.pdf": "Circular No. 01/2020: Storage of Dutiable Goods in Free Trade Zones & "
                                        "Reporting Suspicious Transactions",
    "en_pdfs/handbook_non_preferential_roo.pdf": "Handbook on the Non-Preferential Rules of Origin",
    "en_pdfs/sg_customs_asean_aeo_mra.pdf": "Circular No. 06/2024: Implementation of the Association of Southeast "
                                            "Asian Nations (ASEAN) Authorised Economic Operator (AEO) Mutual "
                                            "Recognition Arrangement (MRA)",
    "en_pdfs/sg_customs_mra_factsheet_asean.pdf": "Factsheet on Mutual Recognition",
    "en_pdfs/wco_understanding_hs_2028.pdf": "Understanding the Harmonized System",
    "en_treaties/ata_carnet_convention_BWBV0004361.md":
        "Customs Convention on the A. T. A. carnet for the temporary admission of goods (A. T. A. Convention)",
    "en_treaties/customs_formalities_convention_1923_BWBV0006239.md":
        "International Convention Relating to the Simplification of Customs Formalities",
    "en_treaties/kyoto_convention_BWBV0001015.md":
        "International Convention on the simplification and harmonization of Customs procedures (as amended)",
    "en_web/sgcustoms_acts_overview.md": "ASEAN Customs Transit System (ACTS)",
    "en_web/sgcustoms_our-international-participation.md": "Our International Participation",
    "zh_laws/关税法(2024-04-26).md": "中华人民共和国关税法",
    "zh_laws/海关事务担保条例(2018-03-19).md": "中华人民共和国海关事务担保条例",
    "zh_laws/海关法(2021-04-29).md": "中华人民共和国海关法",
    "zh_laws/海关稽查条例(2016-06-19).md": "中华人民共和国海关稽查条例",
    "zh_laws/海关统计条例(2005-12-25).md": "中华人民共和国海关统计条例",
    "zh_laws/知识产权海关保护条例(2018-03-19).md": "中华人民共和国知识产权海关保护条例",
    "zh_laws/进出口货物原产地条例(2019-03-02).md": "中华人民共和国进出口货物原产地条例",
    "zh_news/sina_20220101_成都海关签发四川首份RCEP原产地证书.md": "成都海关签发四川首份RCEP原产地证书 外贸企业迎来发展新机遇",
    "zh_news/sina_20220114_海关总署：已与RCEP成员中5国签署AEO互认安排.md": "海关总署：已与RCEP成员中5国签署AEO互认安排",
    "zh_news/sina_20220205_中国-俄罗斯AEO互认安排签署.md": "中国-俄罗斯AEO互认安排签署",
}


def _documents(root: Path, titles: dict[str, str]):
    catalog, _ = load_catalog(root)
    found = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.suffix in (".txt", ".md", ".pdf"))
    assert found == sorted(titles)  # every document of the folder is listed here
    for rel in found:
        yield rel, document_from_extracted(extract(root / rel, 50 * 1024 * 1024), rel, catalog.get(rel, {}))


def test_every_sample_document_has_an_acceptable_title():
    for rel, doc in _documents(CORPUS, CORPUS_TITLES):
        assert doc.title == CORPUS_TITLES[rel], rel


@pytest.mark.skipif(not (SHARED / "archive").is_dir(), reason="../shared/archive is not here (CI clone)")
def test_every_archive_document_has_an_acceptable_title_and_a_source():
    laws = dict(_documents(SHARED / "archive", ARCHIVE_TITLES))
    for rel, doc in laws.items():
        assert doc.title == ARCHIVE_TITLES[rel], rel
        assert doc.title_lang == ("zh" if rel.startswith("zh_") else "en"), rel
        assert doc.source_url and doc.source_url.startswith("https://github.com/"), rel  # from SOURCES.tsv
    assert laws["zh_laws/海关法(2021-04-29).md"].author == "全国人民代表大会常务委员会"
    assert laws["zh_laws/海关统计条例(2005-12-25).md"].author == "国务院"
    assert laws["en_pdfs/ftz_circular_01_2020.pdf"].author == "Singapore Customs"
    assert laws["zh_news/sina_20220205_中国-俄罗斯AEO互认安排签署.md"].author == "新浪财经"
    kyoto = laws["en_treaties/kyoto_convention_BWBV0001015.md"]
    assert kyoto.extracted["other_titles"][0].startswith("Internationale Overeenkomst")


def test_a_form_titled_inside_a_table_cell_is_titled_by_its_capitals():
    # a certificate whose title sits in a ruled cell beside the form's fields, read as one table row
    lines = ["ANNEX 7", "Original (Duplicate/Triplicate)",
             "1. Goods consigned from (Exporter's business name, address, country) | Reference No. ASEAN TRADE IN "
             "GOODS AGREEMENT CERTIFICATE OF ORIGIN (Combined Declaration and Certificate) FORM D Issued in ____ "
             "(Country) See Overleaf Notes", "2. Goods consigned to (Consignee's name, address, country)"]
    assert find_title(lines) == ("Annex 7: ASEAN Trade in Goods Agreement Certificate of Origin "
                                 "(Combined Declaration and Certificate) Form D")
    assert find_title(["简体中文 | English | HOME PAGE MENU", "Briefing on China-ASEAN Customs Cooperation"]) == \
        "Briefing on China-ASEAN Customs Cooperation"  # a menu's capitals are no title
