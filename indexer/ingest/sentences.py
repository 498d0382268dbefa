"""Sentences of Chinese and English text, as spans of the original string.

Chinese sentences end at 。！？； (and their ASCII forms); English ones at . ! ? followed by a
space and a capital, a digit or a quote, except after abbreviations (No., Art., e.g., U.S.,
initials). A line break ends a sentence too (a heading is a sentence of its own), unless the line stops
where no sentence can: on a comma, an opening bracket or a function word ("…的", "… of").
"""
from __future__ import annotations

import re

_ZH_END = re.compile(r"[。！？；!?;]+[”’」』）)]*")
_EN_END = re.compile(r"[.!?]+[\"”’')\]]*(?=\s+[\"“‘(\[]?[A-Z0-9\u4e00-\u9fff])")
_ABBREV = re.compile(
    r"(?:\b(?:No|Nos|Art|Arts|Para|Paras|Mr|Mrs|Ms|Dr|Prof|St|Co|Ltd|Inc|Corp|vs|etc|Jan|Feb|Mar|Apr|Jun|Jul|"
    r"Aug|Sep|Sept|Oct|Nov|Dec|Fig|Vol|pp|cf|approx|Rev|Gen|Gov|Hon|Jr|Sr|Mt|ed|eds)"
    r"|\b(?:e\.g|i\.e|a\.m|p\.m|U\.S|U\.K|U\.N)|(?<![A-Za-z])[A-Z])\.$")
_LIST_MARKER = re.compile(r"\(?(?:\d{1,3}|[ivxlc]{1,5}|[a-z])[.)]", re.I)
# a line that cannot end a sentence: it stops on a comma, an opening bracket or a function word
_CONTINUES = re.compile(r"(?:[，,、（(《“]|[的与和及或在对为从向以之]|\b(?:of|on|the|for|and|in|to|a|an|with|by|from|at))$", re.I)


def _line_spans(text: str) -> list[tuple[int, int]]:
    """Lines as spans, a line that cannot end a sentence glued to the next."""
    spans: list[tuple[int, int]] = []
    pos = 0
    glue = False
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        if not line.strip():
            glue = False
            continue
        if glue and spans:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
        glue = bool(_CONTINUES.search(line.strip()[-6:]))  # its last word only: searching the whole line was slow
    return spans


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of `text`, in order, without surrounding whitespace."""
    out: list[tuple[int, int]] = []
    for ls, le in _line_spans(text):
        line = text[ls:le]
        cuts = {m.end() for m in _ZH_END.finditer(line)}
        for m in _EN_END.finditer(line):
            if not _ABBREV.search(line[max(0, m.start() - 8):m.start() + 1]):
                cuts.add(m.end())
        start = 0
        for cut in sorted(cuts) + [len(line)]:
            piece = line[start:cut]
            if cut < len(line) and _LIST_MARKER.fullmatch(piece.strip()):
                continue  # "1. Symposium on ...": a list number, not a sentence

            if piece.strip():
                lead = len(piece) - len(piece.lstrip())
                trail = len(piece.rstrip())
                out.append((ls + start + lead, ls + start + trail))
            start = cut
    return out


_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_LATIN = re.compile(r"[A-Za-z]+")


def sentence_lang(sentence: str) -> str:
    """"zh" when Han characters carry the sentence, else "en"."""
    return "zh" if sum(map(len, _HAN.findall(sentence))) * 3 >= sum(map(len, _LATIN.findall(sentence))) else "en"
