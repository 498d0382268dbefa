"""What is marked in a passage: whole units only (indexer/search/highlight.py)."""
from indexer.search.highlight import Highlighter, marked
from indexer.search.plan import plan_query


def _marks(q, text):
    h = Highlighter.for_plan(plan_query(q))
    return [t for t, m in marked(text, h.spans(text)) if m]


def test_a_name_never_marks_the_tail_of_a_longer_name():
    assert _marks("哈萨克斯坦", "支持乌兹别克斯坦海关，哈萨克斯坦代表团") == ["哈萨克斯坦"]
    assert _marks("吉尔吉斯斯坦", "土库曼斯坦和塔吉克斯坦") == []


def test_fragments_of_a_long_term_are_not_marked():
    assert "认证的" not in _marks("经认证的经营者", "经认证的经营者制度，认证的企业")


def test_damaged_text_is_marked_whole():
    assert _marks("世界海关组织", "出席世界悔关组织会议") == ["世界悔关组织"]


def test_traditional_and_full_width_forms_are_marked():
    assert _marks("知識產權", "知识产权保护") == ["知识产权"]
    assert _marks("WCO", "the ＷＣＯ secretariat") == ["ＷＣＯ"]


def test_a_prefix_marks_the_whole_words_it_begins():
    assert _marks("coop*", "cooperation and co-operation, cooperative") == ["cooperation", "cooperative"]


def test_a_name_written_in_a_spelling_of_its_own_is_marked():
    assert "Luxemburg" in _marks("Luxembourg", "Belgium, Luxemburg and the Netherlands")
