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
