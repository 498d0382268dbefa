"""Did you mean (indexer/search/suggest.py): respellings from the index, the names, the lexicon."""
from types import SimpleNamespace

from indexer.search.facets import Filters
from indexer.search.plan import plan_query
from indexer.search.suggest import did_you_mean


class Vocabulary:
    """A backend that knows some words and finds documents for queries holding them."""

    def __init__(self, words: dict[str, int], near: dict[str, str] | None = None):
        self.words = words
        self.near = near or {}

    def term_frequency(self, term):
        return self.words.get(term, 0)

    def similar_terms(self, term, max_distance, prefix):
        return [self.near[term]] if term in self.near else []

    def match(self, plan, filters):
        found = [self.words.get(w, 0) for c in plan.positive for a in c.alternatives for w in a.words]
        return SimpleNamespace(total=max(found, default=0))


def _suggest(backend, q, expand=False):
    plan = plan_query(q, expand)
    return did_you_mean(backend, plan, q, Filters(), lambda text: plan_query(text, expand), 0)


def test_a_slip_of_a_partners_name_is_respelled_to_the_name():
    s = _suggest(Vocabulary({"kazakhstan": 4}), "Kazahkstan")
    assert (s.q, s.total) == ("Kazakhstan", 4)


def test_a_misspelt_word_is_respelled_from_the_lexicon_and_a_correct_one_kept():
    s = _suggest(Vocabulary({"intellectual": 2, "property": 2}), "intelectual property")
    assert s.q == "intellectual property"


def test_nothing_is_offered_when_the_respelling_finds_no_more():
    assert _suggest(Vocabulary({}), "Kazahkstan") is None
    assert _suggest(Vocabulary({"zzz": 5}), "zzzqqq") is None


def test_a_correctly_spelt_word_the_index_lacks_is_not_respelled_into_another():
    """"road" is a word (its translations may find what was meant): never offered as "rocb", a
    term of the index two edits away, though that finds more."""
    backend = Vocabulary({"rocb": 5, "transport": 2}, near={"road": "rocb"})
    assert _suggest(backend, "road transport") is None
    assert _suggest(Vocabulary({"rules": 3, "origin": 3}, near={"orgin": "origin"}), "rules of orgin").q == "rules of origin"
