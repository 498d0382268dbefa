"""Generated corpora for the robustness tests: everything is written by the tests, nothing is read from ../shared.

`two_states()` describes two versions, A and B, of one corpus of a few hundred bilingual
records. Both share most files; A and B each have files of their own and files whose content
differs. Every file of A's own and changed files carries the marker word `alphamarker` and
speaks of 2001; B's carry `betamarker` and 2002; shared files speak of the 1990s. So one search
response tells which state it was computed from, and whether its parts agree.
"""
from __future__ import annotations

import os
import random
from dataclasses import dataclass
from pathlib import Path

ZH_PARTNERS = ["哈萨克斯坦", "吉尔吉斯斯坦", "蒙古", "世界海关组织", "东盟", "俄罗斯", "韩国", "新加坡"]
EN_PARTNERS = ["Kazakhstan", "Mongolia", "the World Customs Organization", "ASEAN", "Russia", "Korea", "Singapore"]
ZH_TOPICS = ["知识产权保护", "经认证的经营者互认", "单一窗口", "风险管理", "原产地规则", "能力建设", "打击走私", "通关一体化"]
EN_TOPICS = ["intellectual property protection", "AEO mutual recognition", "single window", "risk management",
             "rules of origin", "capacity building", "anti-smuggling enforcement", "trade facilitation"]
ZH_VERBS = ["签署了合作备忘录", "举行了双边会谈", "开展了联合执法行动", "交换了统计数据", "召开了工作组会议", "组织了培训班"]
EN_VERBS = ["signed a memorandum on", "held bilateral talks on", "ran a joint operation on",
            "exchanged statistics on", "convened a working group on", "organised a workshop on"]
ZH_PLACES = ["北京", "上海", "阿拉木图", "乌兰巴托", "霍尔果斯", "布鲁塞尔", "雅加达"]
EN_PLACES = ["Beijing", "Shanghai", "Almaty", "Ulaanbaatar", "Khorgos", "Brussels", "Jakarta"]


def zh_record(rng: random.Random, years: list[int], extra: str = "", sentences: int = 12) -> str:
    """A Chinese record of a few paragraphs; every sentence speaks of one of `years`."""
    paras = []
    for _ in range(max(1, sentences // 4)):
        s = []
        for _ in range(4):
            y = rng.choice(years)
            s.append(f"{y}年{rng.randint(1, 12)}月，中国海关与{rng.choice(ZH_PARTNERS)}海关在{rng.choice(ZH_PLACES)}"
                     f"就{rng.choice(ZH_TOPICS)}{rng.choice(ZH_VERBS)}。")
        paras.append("".join(s))
    if extra:
        paras.append(extra)
    return "\n\n".join(paras) + "\n"


def en_record(rng: random.Random, years: list[int], extra: str = "", sentences: int = 12) -> str:
    """An English record of a few paragraphs; every sentence speaks of one of `years`."""
    paras = []
    for _ in range(max(1, sentences // 4)):
        s = []
        for _ in range(4):
            y = rng.choice(years)
            s.append(f"In {rng.choice(['March', 'June', 'October'])} {y} China Customs and the customs service of "
                     f"{rng.choice(EN_PARTNERS)} {rng.choice(EN_VERBS)} {rng.choice(EN_TOPICS)} in {rng.choice(EN_PLACES)}.")
        paras.append(" ".join(s))
    if extra:
        paras.append(extra)
    return "\n\n".join(paras) + "\n"


@dataclass
class CorpusState:
    """One version of a corpus: relative path → bytes, and what a search must find in it."""

    name: str
    files: dict[str, bytes]
    marker: str
    marker_year: int
    marked: set[str]  # doc_ids carrying the marker

    @property
    def doc_ids(self) -> set[str]:
        """Every document of this state."""
        return set(self.files)


def _record(rng: random.Random, i: int, years: list[int], extra: str, sentences: int) -> tuple[str, bytes]:
    kind = i % 5
    if kind == 3:
        body = en_record(rng, years, extra, sentences)
        return ".md", f"---\ntitle: Cooperation note {i}\n---\n\n# Cooperation note {i}\n\n{body}".encode()
    if kind == 4:
        return ".txt", en_record(rng, years, extra, sentences).encode()
    return ".txt", (f"海关合作纪要第{i}号\n\n" + zh_record(rng, years, extra, sentences)).encode()


def two_states(shared: int = 200, changed: int = 50, only_a: int = 100, only_b: int = 80,
               sentences: int = 12, seed: int = 7) -> tuple[CorpusState, CorpusState]:
    """Corpus versions A and B: shared files, files changed between them, files of one version only."""
    rng = random.Random(seed)
    common: dict[str, bytes] = {}
    for i in range(shared):
        suffix, data = _record(rng, i, [1993, 1996, 1999], "", sentences)
        common[f"shared/{i // 50:02d}/rec-{i:04d}{suffix}"] = data
    states = []
    for name, marker, year, own in (("A", "alphamarker", 2001, only_a), ("B", "betamarker", 2002, only_b)):
        files = dict(common)
        marked = set()
        extra_zh = f"本文件标记 {marker}，记录{year}年的合作。"
        for i in range(changed):
            suffix, data = _record(rng, 1000 + i, [year], extra_zh if i % 5 < 3 else f"Marked {marker}, {year}.",
                                   sentences)
            path = f"changed/rec-{i:04d}{'.txt' if suffix == '.txt' else suffix}"
            files[path] = data
            marked.add(path)
        for i in range(own):
            suffix, data = _record(rng, 2000 + i, [year], extra_zh if i % 5 < 3 else f"Marked {marker}, {year}.",
                                   sentences)
            path = f"only-{name.lower()}/rec-{i:04d}{suffix}"
            files[path] = data
            marked.add(path)
        states.append(CorpusState(name, files, marker, year, marked))
    return states[0], states[1]


def apply_state(corpus: Path, state: CorpusState) -> None:
    """Make a corpus folder hold exactly `state`: files whose bytes differ are rewritten, others left alone."""
    corpus.mkdir(parents=True, exist_ok=True)
    for rel, data in state.files.items():
        p = corpus / rel
        try:
            if p.read_bytes() == data:
                continue
        except FileNotFoundError:
            p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    for dirpath, dirnames, filenames in os.walk(corpus, topdown=False):
        for name in filenames:
            p = Path(dirpath) / name
            if p.relative_to(corpus).as_posix() not in state.files:
                p.unlink()
        if dirpath != str(corpus) and not os.listdir(dirpath):
            os.rmdir(dirpath)
