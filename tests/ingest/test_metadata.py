"""Catalogue metadata: catalog.csv and sidecars override what extraction guessed."""

from indexer.config import Settings
from indexer.index.build import build
from tests.conftest import open_index


def test_catalog_and_sidecar_override_title_and_date_and_add_tags(corpus_copy, tmp_path):
    (corpus_copy / "catalog.csv").write_text(
        "path,title,date,partners,topics,source_url,notes\n"
        "customs-gazetteer-international-cooperation-ocr.txt,海关志·国际合作（扫描）,2008,KAZ,,,OCR of a yearbook\n",
        encoding="utf-8")
    (corpus_copy / "china-asean-customs-cooperation-briefing.txt.meta.yaml").write_text(
        "title: China-ASEAN customs cooperation (briefing)\ndate: 2008-11\ntopics: [capacity-building, nonsense]\n",
        encoding="utf-8")
    index = tmp_path / "ix"
    report = build(Settings.from_env(corpus_copy, index), log=lambda *_: None, quiet=True)
    assert report.added == 5  # neither metadata file is taken for a document
    assert any("nonsense" in w["error"] for w in report.warnings)
    ix = open_index(index)
    gaz = ix.document("customs-gazetteer-international-cooperation-ocr.txt").doc
    assert gaz.title == "海关志·国际合作（扫描）" and gaz.date == "2008"
    assert "KAZ" in gaz.partners and gaz.catalog["notes"] == "OCR of a yearbook"
    brief = ix.document("china-asean-customs-cooperation-briefing.txt").doc
    assert brief.title == "China-ASEAN customs cooperation (briefing)" and brief.date == "2008-11"
    assert brief.extracted["title"] == "Briefing on China-ASEAN Customs Cooperation"

    # changing only the catalogue re-indexes that document
    (corpus_copy / "catalog.csv").write_text("path,title\ncustoms-gazetteer-international-cooperation-ocr.txt,新标题\n",
                                             encoding="utf-8")
    r2 = build(Settings.from_env(corpus_copy, index), log=lambda *_: None, quiet=True)
    assert r2.updated == 1
    assert open_index(index).document("customs-gazetteer-international-cooperation-ocr.txt").doc.title == "新标题"


def test_sources_list_gives_source_urls_and_is_no_document(tmp_path):
    from indexer.ingest.metadata import is_metadata_file, load_catalog, load_sidecar, source_address

    (tmp_path / "SOURCES.tsv").write_text(
        "file\tsource\tlicence\n"
        "laws/a.md\tLawRefBook/Laws@2f4c5c2:经济法/关税法(2024-04-26).md\tnone\n"
        "news/b.md\tRock-Candy-Tea/RSSHUB-PAGE:source/_posts/x y.md @9b41979\tnone\n"
        "web/c.md\thttps://www.customs.gov.sg/about-us/\tnone\n"
        "d.md\tsomewhere unknown\tnone\n", encoding="utf-8")
    (tmp_path / "catalog.csv").write_text("path,author\nweb/c.md,Singapore Customs\n", encoding="utf-8")
    rows, problems = load_catalog(tmp_path)
    assert problems == []
    assert rows["laws/a.md"]["source_url"] == (
        "https://github.com/LawRefBook/Laws/blob/2f4c5c2/%E7%BB%8F%E6%B5%8E%E6%B3%95/"
        "%E5%85%B3%E7%A8%8E%E6%B3%95%282024-04-26%29.md")
    assert rows["news/b.md"]["source_url"] == "https://github.com/Rock-Candy-Tea/RSSHUB-PAGE/blob/9b41979/source/_posts/x%20y.md"
    assert rows["web/c.md"] == {"source_url": "https://www.customs.gov.sg/about-us/", "author": "Singapore Customs"}
    assert "d.md" not in rows and source_address("somewhere unknown") is None
    assert is_metadata_file("SOURCES.tsv") and is_metadata_file("catalog.csv")
    sidecar = tmp_path / "x.pdf.meta.yaml"
    sidecar.write_text("title: A better title\nissuer: ASEAN Secretariat\nurl: https://asean.org/x.pdf\n", encoding="utf-8")
    assert load_sidecar(sidecar) == {"title": "A better title", "author": "ASEAN Secretariat",
                                     "source_url": "https://asean.org/x.pdf"}


def test_a_sidecar_corrects_title_date_author_and_source_of_a_document():
    from indexer.ingest.documents import document_from_extracted
    from indexer.ingest.extract import Extracted, Page

    ex = Extracted(pages=[Page(1, "SINGAPORE CUSTOMS\nFACT SHEET\nSome text of the fact sheet.")], kind="pdf",
                   meta={"file_author": "custcc03"})
    plain = document_from_extracted(ex, "f.pdf", {})
    assert plain.author == "Singapore Customs"  # the letterhead, not the word processor's user name
    fixed = document_from_extracted(ex, "f.pdf", {"title": "Fact Sheet on Mutual Recognition", "date": "2024-09",
                                                  "author": "Singapore Customs Schemes Branch",
                                                  "source_url": "https://www.customs.gov.sg/files/mra.pdf"})
    assert (fixed.title, fixed.date, fixed.year) == ("Fact Sheet on Mutual Recognition", "2024-09", 2024)
    assert fixed.author == "Singapore Customs Schemes Branch"
    assert fixed.source_url == "https://www.customs.gov.sg/files/mra.pdf"
    assert fixed.extracted["author"] == "Singapore Customs"  # what extraction found stays visible as such
