""""More like this": what a passage stands for (its distinctive words, their names in the other
language, its partners and topics), and the passages of other documents found for it."""
from dataclasses import dataclass

from indexer.index.records import PassageRecord
from indexer.search.similar import MAX_TERMS, similar_query

CAREC = "carec-ccc4-statement-2005.txt"
BRIEFING = "china-asean-customs-cooperation-briefing.txt"


@dataclass
class Vocabulary:
    """A backend's vocabulary and nothing else: passages per term in an index of `passages`."""

    freq: dict
    passages: int = 1000

    def doc_count(self):
        return self.passages

    def passage_frequencies(self, terms):
        return {t: self.freq.get(t, 0) for t in terms}


def passage(text, partners=(), topics=()):
    return PassageRecord(1, "x.txt", 0, None, text, [], list(partners), list(topics), "zh")


def test_the_rare_words_the_passage_repeats_stand_for_it_the_common_ones_do_not():
    text = "同时，海关与海关总署举行风险管理研讨会。风险管理是2005年的重点，乌兰巴托的会议也谈到风险管理。"
    vocab = Vocabulary({"海关": 900, "海关总署": 400, "风险管理": 12, "研讨会": 40, "乌兰巴托": 3, "会议": 500,
                        "重点": 80, "谈到": 60, "risk": 30, "management": 70, "ulaanbaatar": 2})
    q = similar_query(vocab, passage(text))
    words = [t.surface for t in q.terms if t.source == "word"]
    assert words[0] == "风险管理"  # repeated three times, in few passages
    assert "乌兰巴托" in words and words.index("乌兰巴托") < words.index("研讨会")  # rarer ranks higher
    assert "海关" not in words and "会议" not in words  # in more than a fifth of the passages
    assert "同时" not in words and "2005" not in words  # a conjunction, a year
    also = {t.surface: t.also for t in q.terms}
    assert "Risk management" in also["风险管理"] and "Ulaanbaatar" in also["乌兰巴托"]  # the other language
    assert len(words) <= MAX_TERMS and q.least == 2


def test_a_word_no_other_passage_holds_counts_only_through_its_other_language_names():
    vocab = Vocabulary({"乌兰巴托": 1, "研讨会": 1, "ulaanbaatar": 4, "seminar": 5, "symposium": 3, "workshop": 2})
    words = {t.surface: t.also for t in similar_query(vocab, passage("乌兰巴托研讨会")).terms}
    assert "Ulaanbaatar" in words["乌兰巴托"]
    vocab.freq = {"乌兰巴托": 1}  # and no English passage names it
    q = similar_query(vocab, passage("乌兰巴托"))
    assert q.terms == [] and q.plan.empty


def test_partners_and_topics_join_with_their_names_in_both_languages():
    q = similar_query(Vocabulary({"口岸": 10}), passage("口岸口岸", partners=["KAZ"], topics=["risk-management"]))
    tags = {t.source: t for t in q.terms if t.source != "word"}
    assert set(tags) == {"partner:KAZ", "topic:risk-management"}
    clause = next(c for c in q.plan.clauses if c.raw == tags["partner:KAZ"].surface)
    assert {"哈萨克斯坦", "Kazakhstan"} <= {a.surface for a in clause.alternatives}
    # a word naming a tagged partner is left to the partner's clause
    q = similar_query(Vocabulary({"哈萨克斯坦": 5}), passage("哈萨克斯坦", partners=["KAZ"]))
    assert [t.source for t in q.terms] == ["partner:KAZ"]


def test_a_chinese_passage_finds_the_english_one_about_the_same_things(sample_index):
    r = sample_index.similar(CAREC, 4)  # the CCC's work: risk management, data exchange, customs automation
    assert r.passage.n == 4 and CAREC not in [h.doc.doc_id for h in r.hits]
    assert r.hits[0].doc.doc_id == BRIEFING  # English: risk management, customs automation
    marked = [t for e in r.hits[0].excerpts for t, m in e.snippet.parts if m]
    assert {"risk management", "customs automation"} <= {t.lower() for t in marked}
    scores = [h.score for h in r.hits]
    assert scores == sorted(scores, reverse=True) and len(r.hits) == r.total


def test_an_english_passage_finds_chinese_ones(sample_index):
    r = sample_index.similar(BRIEFING, 2)  # capacity building, WCO, the Kyoto Convention
    assert len(r.hits) == r.total == 4 and all(h.doc.lang == "zh" for h in r.hits)  # the others are Chinese
    marked = {t for e in r.hits[0].excerpts for t, m in e.snippet.parts if m}
    assert marked & {"世界海关组织", "能力建设", "公约"}


def test_no_such_passage(sample_index):
    assert sample_index.similar(CAREC, 99) is None and sample_index.similar("nope.txt", 0) is None
