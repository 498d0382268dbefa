"""Analysis: the same terms at index and query time, positions that make phrases work."""
from indexer.analysis.textnorm import fold
from indexer.analysis.tokens import bigram_tokens, english_term, word_tokens


def terms(text, mode="index"):
    return [t[0] for t in word_tokens(text, mode)]


def test_domain_words_stay_whole():
    for word in ["世界海关组织", "经认证的经营者", "单一窗口", "原产地规则", "京都公约", "协调制度"]:
        assert word in terms(f"关于{word}的讨论", "query"), word


def test_index_mode_adds_subwords_at_the_compound_position():
    toks = word_tokens("世界海关组织召开会议")
    positions = {t[0]: t[1] for t in toks}
    assert positions["世界海关组织"] == positions["海关"] == positions["世界"]
    assert positions["召开"] == positions["世界海关组织"] + 1
    assert "海关" not in terms("世界海关组织", "query")  # queries keep the compound


def test_positions_are_consecutive_token_counts_not_character_offsets():
    toks = word_tokens("中国海关 rules of origin", "query")
    assert [t[1] for t in toks] == list(range(len(toks)))


def test_offsets_point_into_the_original_text():
    text = "海關總署與ＷＣＯ"
    for term, _pos, s, e in word_tokens(text):
        assert fold(text[s:e]).lower() == term or term in fold(text[s:e]).lower()


def test_english_lemmas_acronyms_and_stop_words():
    assert terms("Organizations organization", "query") == ["organization", "organization"]
    assert english_term("WCO") == "wco" and english_term("AEOs".upper()) == "aeos"
    assert english_term("the") is None and english_term("of") is None
    assert terms("rules of origin", "query") == ["rule", "origin"]


def test_british_and_american_spellings_are_one_term():
    for british, american in [("organisations", "organization"), ("Labour", "labor"), ("programme", "program"),
                              ("authorised", "authorized"), ("harmonised", "harmonized"), ("defence", "defense")]:
        assert english_term(british) == english_term(american), (british, american)
    assert english_term("customs") == "custom" and english_term("rise") == "rise"  # words with one spelling stay


def test_width_and_traditional_folding():
    assert terms("ＡＥＯ 海關合作", "query") == terms("AEO 海关合作", "query")


def test_bigrams_cover_han_runs_only():
    assert [b[0] for b in bigram_tokens("中国海关, AEO 合作")] == ["中国", "国海", "海关", "合作"]
    assert [b[0] for b in bigram_tokens("关")] == ["关"]
    positions = [b[1] for b in bigram_tokens("中国海关，合作")]
    assert positions[3] > positions[2] + 1  # a gap across punctuation
