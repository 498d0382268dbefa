"""Exact phrases are checked for all candidate passages at once (numpy); the answer is the one the
position-list test gives, passage by passage."""
import random
import threading

import numpy as np
from whoosh import query as wq

from indexer.analysis.tokens import word_tokens
from indexer.index.local import matching
from indexer.index.local.postings import Postings
from indexer.index.local.reader import EngineReader
from indexer.index.local.writer import EngineWriter

WORDS = ["海关", "合作", "世界", "组织", "customs", "trade", "cooperation", "single", "window"]


def test_exact_phrases_found_for_all_candidates_at_once_as_passage_by_passage(tmp_path):
    rng = random.Random(5)
    w = EngineWriter(tmp_path, create=True)
    for i in range(1500):  # several blocks per term
        w.add_passage(i + 1, f"doc{i // 7}", " ".join(rng.choice(WORDS) for _ in range(rng.randrange(1, 40))), None)
    w.commit()
    er = EngineReader(tmp_path)
    try:
        postings = Postings(er.searcher, er.deleted, threading.Lock())
        found = 0
        for _ in range(60):
            words = [word_tokens(rng.choice(WORDS))[0][0] for _ in range(rng.randrange(2, 4))]
            terms = [matching.matching(postings, wq.Term("text", x)) for x in words]
            candidates = terms[0]
            for t in terms[1:]:
                candidates = np.intersect1d(candidates, t)
            q = wq.Phrase("text", words)
            lists = [postings.positions("text", x, candidates) for x in words]
            slow = [c for k, c in enumerate(candidates.tolist()) if matching._phrase_at([ps[k] for ps in lists], 1)]
            assert matching.verify(postings, q, candidates).tolist() == slow, words
            shuffled = candidates.copy()
            rng.shuffle(shuffled)  # candidates come in document order, not docnum order, from matching()
            assert sorted(matching.verify(postings, q, shuffled).tolist()) == slow, words
            found += len(slow)
        assert found > 100
    finally:
        er.close()
