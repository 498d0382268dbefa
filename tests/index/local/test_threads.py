"""One opened index serves many threads (waitress runs 8): prefix expansion, respelling and ranking
all read the same engine files, which must never be read concurrently."""
import random
import threading

from indexer.search.request import SearchRequest

QUERIES = ["kaz*", "trade*", "海关", "rules of origin", "知识产权", "symposim", "哈萨克斯担", "WCO", "", "中国海关"]


def test_concurrent_searches_in_one_process_never_fail(sample_index):
    errors: list[str] = []

    def client(seed: int) -> None:
        rng = random.Random(seed)
        for _ in range(40):
            req = SearchRequest(q=rng.choice(QUERIES), partners=["KAZ"] if rng.random() < 0.4 else [],
                                sort=rng.choice(["relevance", "date"]))
            if rng.random() < 0.3:  # force fresh reads of the engine files
                sample_index.backend.clear_caches()
            try:
                sample_index.search(req)
            except Exception as e:  # the assertion below reports it
                errors.append(f"{req.q!r}: {type(e).__name__}: {e}")

    threads = [threading.Thread(target=client, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
