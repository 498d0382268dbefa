"""Titles, passage cutting and site chrome removal."""
from indexer.ingest.boilerplate import is_chrome, strip_chrome
from indexer.ingest.passages import cut_passages, paragraphs, weight
from indexer.ingest.titles import find_title, title_from_filename


def test_title_skips_phone_numbers_and_menus():
    assert find_title(["010-68892980", "", "中国海关不断深化国际合作", "2018-02-02"]) == "中国海关不断深化国际合作"
    assert find_title(["简体中文 | English", "Briefing on China-ASEAN Customs Cooperation"]) == \
        "Briefing on China-ASEAN Customs Cooperation"


def test_title_joins_a_document_type_line():
    lines = ["中亚区域经济合作（CAREC）计划第四次海关总署署长会议", "", "海关合作委员会声明", "", "2005 年 9 月"]
    assert find_title(lines) == "中亚区域经济合作（CAREC）计划第四次海关总署署长会议 海关合作委员会声明"


def test_title_broken_after_a_function_word_continues():
    assert find_title(["Guidelines for the Implementation of", "ASEAN Commitments on Non-Tariff Measures",
                       "1. Introduction"]) == "Guidelines for the Implementation of ASEAN Commitments on Non-Tariff Measures"
    assert find_title(["FACT SHEET ON", "MUTUAL RECOGNITION", "ABOUT"]) == "Fact Sheet on Mutual Recognition"


def test_prose_is_not_a_title():
    assert find_title(["这是一个句子。后面还有。", "另一个句子，带着逗号，还有逗号，很多逗号"]) is None
    assert title_from_filename("dir/customs-gazetteer-ocr.txt") == "Customs Gazetteer"  # "ocr" says how, not what


def test_chrome_lines():
    assert is_chrome("网站地图网站留言设为首页加为收藏")
    assert is_chrome("010-65194114")
    assert is_chrome("Home > News > Features")
    assert not is_chrome("海关合作委员会重申了承诺。")


def test_trailing_notice_block_removed():
    body = "\n\n".join(["正文第一段。" * 5, "正文第二段。" * 5, "正文第三段。" * 5])
    text = body + "\n\n网站声明:\n\n1、凡本网注明来源的作品，未经授权不得转载。\n\n京ICP备05066252号"
    out = strip_chrome(text)
    assert out.endswith("正文第三段。") and "转载" not in out


def test_wrapped_lines_are_joined_and_numbered_paragraphs_split():
    # a page wrapped at a fixed width, with a blank line after every line (as in the CAREC statement)
    lines = ["1. 海关合作委员会（CCC）第四次会议于 2005 年 9 月 7 日至 9 日在蒙古乌兰巴托",
             "举行。与会代表在会上回顾了过去工作的进展，并对贸易促进计划的重点提出了指导",
             "意见。来自各参与国的海关总署署长在本次会议上齐聚一堂，表示了感谢。",
             "2. 海关合作委员会重申了承诺，并强调要发挥领导作用，将促进海关合作、推进",
             "海关现代化作为贸易促进计划的中期要务。"]
    paras = paragraphs("\n\n".join(lines))
    assert len(paras) == 2
    assert paras[0].startswith("1. ") and "乌兰巴托举行。" in paras[0]
    assert paras[1].startswith("2. ") and paras[1].endswith("中期要务。")


def test_hyphenated_english_words_rejoined():
    assert "cooperation" in paragraphs("customs co-\noperation between")[0]


def test_passages_have_bounded_size_and_keep_all_text():
    text = "\n\n".join(f"{i}. " + "海关合作促进贸易便利。" * 12 for i in range(1, 30))
    ps = cut_passages(text, target=350, maximum=700)
    assert len(ps) > 5
    assert all(weight(p) <= 700 for p in ps)
    assert "".join(ps).replace("\n", "").count("海关合作") == text.count("海关合作")


def test_overlong_sentence_is_split_without_losing_characters():
    text = "，".join(["这是很长的句子"] * 300)
    ps = cut_passages(text, target=350, maximum=700)
    assert all(weight(p) <= 700 for p in ps)
    assert "".join(ps) == text


def test_laws_and_treaties_are_cut_one_passage_per_article():
    from indexer.ingest.passages import cut_structured

    law = ("中华人民共和国知识产权海关保护条例\n\n2003年12月2日 中华人民共和国国务院令第395号公布\n\n第一章 总则\n\n"
           "第一条 为了实施知识产权海关保护，制定本条例。\n\n第二条 本条例所称知识产权海关保护，是指海关实施的保护。\n\n"
           "第三条 国家禁止侵犯知识产权的货物进出口。\n\n海关依照有关法律和本条例的规定实施知识产权保护。\n\n"
           "第二章 知识产权的备案\n\n第四条 " + "知识产权权利人可以申请备案。" * 60)
    out = cut_structured([(None, law)], 350, 700, blocks=True)
    labels = [a for _p, _t, a in out]
    assert labels[0] is None and out[0][1].startswith("中华人民共和国知识产权海关保护条例")  # the preamble
    assert labels[1:4] == ["第一条", "第二条", "第三条"]
    assert out[1][1].startswith("第一章 总则\n第一条")  # a chapter heading goes with its first article
    assert "海关依照有关法律" in out[3][1]  # the article's second paragraph stays with it
    assert out[4][1].startswith("第二章 知识产权的备案\n第四条")
    assert len(out) > 5 and set(labels[4:]) == {"第四条"}  # a long article is cut, each piece keeps its label
    assert all(len(t) <= 700 for _p, t, _a in out)


def test_an_article_running_over_a_page_keeps_its_label_and_plain_text_is_untouched():
    from indexer.ingest.passages import cut_structured

    pages = [(1, "Article 1\nObjective\nThe objective of this Agreement is free flow."),
             (2, "Article 2\nDefinitions\nFor the purposes of this Agreement:"),
             (3, "(a) ASW means the ASEAN Single Window;\n(b) CE means a Certified Exporter."),
             (4, "Article 3\nClassification\nGoods are classified in the AHTN. See Article 5 of the PLF.\n"
                 "ANNEX 1\nSchedules of tariff commitments")]
    out = cut_structured(pages, 350, 700)
    assert [(p, a) for p, _t, a in out] == [(1, "Article 1"), (2, "Article 2"), (3, "Article 2"), (4, "Article 3"),
                                            (4, None)]
    prose = [(None, "Article 5 of the PLF says little.\nThis briefing has no articles at all.")]
    assert [a for _p, _t, a in cut_structured(prose, 350, 700)] == [None]


def test_a_sentence_naming_a_statement_is_not_a_notice_heading():
    body = "\n\n".join(["正文第一段。" * 5, "正文第二段。" * 5, "19. CCC 批准通过了下一次 CCC 会议的议程安排。",
                        "识论坛，及商讨工作计划和批准 CCC 联合声明的会议总结。重点地区应在会议前",
                        "20. CCC 成员国欢迎哈萨克斯坦主办第五届 CCC 会议。"])
    assert strip_chrome(body).endswith("哈萨克斯坦主办第五届 CCC 会议。")
