"""The relevance harness as a regression test: our numbers on corpus/ have floors, beat the
naive baseline (stock ChineseAnalyzer, no glossary, no bigrams) in every category, and hold on the
Typesense backend (the same totals on every judged query, recall@5 within 0.03)."""
import pytest

from indexer.config import PROJECT_ROOT

from .harness import ARCHIVE_DIR, ARCHIVE_SET, CORPUS_SET, compare, compare_markdown, load_judgments, markdown, run

FLOOR_RECALL = 0.95
FLOOR_MRR = 0.95
FLOOR_CATEGORY_RECALL = 0.85


@pytest.fixture(scope="module")
def corpus_result():
    return run(CORPUS_SET, PROJECT_ROOT / "corpus")


def test_judged_set_is_large_and_covers_every_category():
    judged = load_judgments(CORPUS_SET)
    assert len(judged) >= 40
    assert {j.category for j in judged} >= {"zh", "en", "cross-lingual", "traditional", "acronym", "ocr",
                                             "phrase", "filter"}


def test_floors_on_the_sample_corpus(corpus_result):
    ours = corpus_result["table"]["ours"]
    print("\n" + markdown(corpus_result))
    assert ours["all"]["recall@5"] >= FLOOR_RECALL
    assert ours["all"]["mrr"] >= FLOOR_MRR
    for category, m in ours.items():
        assert m["recall@5"] >= FLOOR_CATEGORY_RECALL, category


def test_beats_the_naive_baseline_in_every_category(corpus_result):
    ours, base = corpus_result["table"]["ours"], corpus_result["table"]["baseline"]
    for category in ours:
        assert ours[category]["recall@5"] > base[category]["recall@5"], category
        assert ours[category]["mrr"] > base[category]["mrr"], category


@pytest.mark.skipif(not ARCHIVE_DIR.is_dir(), reason=f"{ARCHIVE_DIR} not present: archive judged set skipped")
def test_archive_judged_set():
    result = run(ARCHIVE_SET, ARCHIVE_DIR)
    print("\n" + markdown(result))
    ours, base = result["table"]["ours"], result["table"]["baseline"]
    assert ours["all"]["recall@5"] > base["all"]["recall@5"]
    assert ours["all"]["mrr"] > base["all"]["mrr"]
    assert ours["all"]["recall@5"] >= 0.8


@pytest.fixture(scope="module")
def both_backends(typesense_node):
    return compare(CORPUS_SET, PROJECT_ROOT / "corpus", node=typesense_node)


def test_the_cluster_backend_finds_what_the_local_one_finds(both_backends):
    local, cluster = (both_backends["results"][b]["table"]["ours"]["all"] for b in ("local", "typesense"))
    print("\n" + compare_markdown(both_backends))
    assert abs(cluster["recall@5"] - local["recall@5"]) <= 0.03
    assert cluster["recall@5"] >= FLOOR_RECALL
    # the same number of documents found for every judged query; other differences are written down
    assert [d["q"] for d in both_backends["differences"] if d["kind"] == "total"] == []
    assert [d["q"] for d in both_backends["differences"] if not d["why"]] == []
