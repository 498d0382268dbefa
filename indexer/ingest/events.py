"""Events read from a document's passages: what was signed, held, launched, joined or brought
into force, with whom, where and when.

Rules over what the analysis already finds, sentence by sentence (Chinese and English):
- a signal word gives the kind (签署 / signed -> agreement, 举行 / held -> meeting, 生效 /
  entered into force -> entry-into-force, 启动 / launched -> launch, 加入 / acceded ->
  accession, 签发…证书 / certified -> certification, 通过 / 公布 / adopted -> other); signal
  words inside a title (《关于建立海关合作理事会的公约》) are names, not actions;
- the event's date is the date written nearest its signal word in the same sentence, but never
  a year mentioned in passing: a target or deadline ("by 2020", "力争2020年前", "open until 31st
  July, 1962"), a period ("2016-2020年"), a name ("AEC 2025", "2021年全年进出口情况新闻发布会"),
  a reference ("dated 17 Nov 1999", "截至");
- dates without a year take it from a full date in the same or the previous sentence ("同年8月
  29日"), else from the document's date ("2月4日" in a news item of 2022-02-05 -> 2022-02-04,
  "当日", "今年3月", "日前"); such dates are marked `date_source` "context" or "document";
- wishes, calls and efforts ("希望中国加入", "seeks to sign") and running totals ("已与22个经济体
  签署", "so far") are not events; announced ones ("将于…举行", "will be operational") are
  kept with status "planned";
- a short heading naming a meeting and a date ("Symposium on rules of origin (Xiamen, May 2004)")
  is a meeting;
- parties are the taxonomy's partners in the sentence (OCR confusions undone first), else those
  of the document's title; the place is read from "在…举行" / "held in …" / "done at …".
Within a document, mentions of one event (same kind and date) are merged.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import asdict, dataclass
from functools import lru_cache

from indexer.analysis.taxonomy import load_taxonomy

from .dates import DateMention, find_dates, in_passing, parse_date
from .sentences import sentence_lang, split_sentences

KINDS = ("agreement", "meeting", "entry-into-force", "launch", "accession", "certification", "other")


@dataclass
class Event:
    """One dated event read from a passage, with the sentence it was read from."""

    date: str  # ISO, as precise as the text: "2005-09-07", "2005-09" or "2005"
    date_end: str | None  # last day of a meeting over several days
    precision: str  # "day" | "month" | "year"
    kind: str  # one of KINDS
    partners: list[str]
    place: str | None
    topics: list[str]
    summary: str  # one line, plain text
    evidence: str  # the sentence, plain text
    n: int  # passage number
    page: int | None
    doc_id: str = ""
    status: str = "done"  # "planned": the document announces it for a later date
    date_source: str = "text"  # "text" | "context" (an earlier date of the passage) | "document"
    lang: str = "en"
    article: str | None = None  # the article of a law or treaty the passage belongs to

    def to_dict(self) -> dict:
        """Plain data (for storage and JSON)."""
        return asdict(self)


# -- signal words -------------------------------------------------------------------------------
_ZH_MEETING_NOUN = r"(?:会议|年会|论坛|研讨会|大会|峰会|博览会|会谈|座谈会|发布会|理事会|委员会第|磋商会)"
_ZH_TRIGGERS = [
    # 接署: OCR reads 签 as 接 (接署 is no word), as in the scanned yearbook of the sample corpus
    ("agreement", r"签署|签订|签定|签字|缔结|接署|达成[^，。；]{0,12}?(?:协议|协定|共识)"),
    ("meeting", r"举行|召开|开幕|闭幕|举办|主办|承办|(?:出席|列席|参加|参会|与会)(?=[^。；]{0,40}?" + _ZH_MEETING_NOUN + ")"),
    ("entry-into-force", r"生效|施行|(?:起|正式|开始|全面)实施|正式运行|正式落地"),
    ("launch", r"启动|启用|上线|开通|成立(?!\s*\d+\s*周年)|揭牌|挂牌|试点|推出|(?<![的以])建立(?!健全|和完善)"),
    ("accession", r"加入|成为[^。；]{0,60}?成员(?!国)|(?:递交|交存)[^。；]{0,6}?加入书"),
    ("certification", r"(?:签发|颁发|核发)[^。；]{0,20}?(?:证书|证明)|获得[^。；]{0,10}?认证|认证为|通过[^。；]{0,10}?认证"),
    ("other", r"(?:会议|审议|表决|正式)通过|通过(?=\s*《)|通过\s*$|公布|发布(?!会)|颁布|修正|修订(?![版本稿])|废止|改称|更名|移址|迁址"),
]
_EN_MEETING_NOUN = r"(?:Symposium|Seminar|Workshop|Forum|Conference|Summit|Meeting|Session|Retreat|Dialogue|Roundtable|Expo)s?"
_EN_TRIGGERS = [
    ("agreement", r"\b(?:signed|signing|singed|concluded|[Dd]one\s+(?:at|on)|DONE\s+at)\b"),
    ("meeting", r"\b(?:held|convened|hosted|took\s+place|attended|was\s+opened)\b"),
    ("entry-into-force", r"\b(?:entered|enter|enters|came|come|comes|coming)\s+into\s+force\b|\btook\s+effect\b|"
                         r"\bwith\s+effect\s+from\b|\beffective\s+(?:from|on|as\s+of)\b|"
                         r"\b(?:started|began|commenced)\s+(?:to\s+)?(?:fully\s+)?implement(?:ing|ation)?\b|"
                         r"\bimplemented\s+(?:from|on|since)\b|\bbecame\s+operational\b"),
    ("launch", r"\b(?:launched|established|founded|set\s+up|inaugurated|went\s+live|rolled\s+out|piloted|"
               r"(?:started|began)(?!\s+(?:to\s+)?(?:fully\s+)?implement))\b"),
    ("accession", r"\b(?:acceded|accession\s+of|joined|became\s+(?:a\s+|the\s+\w+\s+)?(?:member|party|contracting\s+party)|"
                  r"ratified|deposited\s+(?:its\s+|the\s+|their\s+)?instruments?)\b"),
    ("certification", r"\b(?:certified|accredited|validated|(?:issued|granted)\s+(?:the\s+|a\s+|its\s+)?(?:first\s+)?certificates?)\b"),
    ("other", r"\b(?:adopted|amended|renamed|published|endorsed|relocated|promulgated)\b"),
]
_ZH_RX = [(k, re.compile(p)) for k, p in _ZH_TRIGGERS]
_EN_RX = [(k, re.compile(p)) for k, p in _EN_TRIGGERS]
# the literal stems of every signal word and the kinds they can signal, for a linear scan before
# any regular expression runs: a passage without one has no event, and a sentence is read only
# with the patterns of the kinds its stems allow (this keeps the build fast)
_STEM_KINDS = {  # kind: (Chinese stems, English stems)
    "agreement": ("签署 签订 签定 签字 缔结 接署 达成", "signed|signing|singed|concluded|done at|done on"),
    "meeting": ("举行 召开 开幕 闭幕 举办 主办 承办 出席 列席 参加 参会 与会",
                "held|convened|hosted|took place|attended|opened"),
    "entry-into-force": ("生效 施行 实施 正式", "into force|took effect|with effect|effective|started|began|commenced|"
                                          "implemented|operational"),
    "launch": ("启动 启用 上线 开通 成立 揭牌 挂牌 试点 推出 建立",
               "launched|established|founded|set up|inaugurated|went live|rolled out|piloted|started|began"),
    "accession": ("加入 成为", "acceded|accession|joined|became|ratified|deposited"),
    "certification": ("签发 颁发 核发 认证", "certified|accredited|validated|certificate"),
    "other": ("通过 公布 发布 颁布 修正 修订 废止 改称 更名 移址 迁址",
              "adopted|amended|renamed|published|endorsed|relocated|promulgated"),
    "noun": ("日起 会议 年会 论坛 研讨会 大会 峰会 博览会 会谈 座谈会 发布会",
             "symposium|seminar|workshop|forum|conference|summit|meeting|session|retreat|dialogue|roundtable|expo"),
}


@lru_cache(maxsize=1)
def _stem_automaton():
    import ahocorasick

    kinds: dict[str, set[str]] = {}
    for kind, (zh, en) in _STEM_KINDS.items():
        for w in zh.split() + en.split("|"):
            kinds.setdefault(w, set()).add(kind)
    a = ahocorasick.Automaton()
    for w, ks in kinds.items():
        a.add_word(w, frozenset(ks))
    a.make_automaton()
    return a


def _signal_hits(text: str) -> list[tuple[int, frozenset]]:
    """(end offset, kinds) of each signal stem in `text` (case-insensitive)."""
    return [(end + 1, ks) for end, ks in _stem_automaton().iter(text.lower())]


# a full date that later sentences may lean on ("8 月 31 日" after "2007 年 7 月 31 日")
_CONTEXT_DATE = re.compile(r"(?:1[89]|20)\d\d\s*年\s*\d{1,2}\s*月|(?:1[89]|20)\d\d[-/.]\d{1,2}|"
                           r"[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+(?:1[89]|20)\d\d|"
                           r"\d{1,2}(?:st|nd|rd|th)?\s+[A-Z][a-z]{2,8}\.?,?\s+(?:1[89]|20)\d\d|\d{1,2}\s*日")
_DATEISH = re.compile(r"\d|[年月日]|当天|日前|近日|\b(?:day|recently|hundred|thousand)\b", re.I)
_HEADING_MEETING = re.compile(r"\b" + _EN_MEETING_NOUN + r"\b|研讨会|论坛|年会|峰会|(?<!代表)大会|博览会|座谈会")

# what an agreement is called: an "adopted" declaration is an agreement, an adopted law is not
_ZH_AGREEMENT_NOUN = re.compile(r"(?:协定|协议|公约|议定书|备忘录|安排|宣言|声明|条约|倡议书|宪章|换文|纪要)》?$")
_EN_AGREEMENT_NOUN = re.compile(r"\b(?:Agreement|Convention|Protocol|Declaration|Charter|Memorandum|MoU|MOU|"
                                r"Arrangement|Treaty|Accord|Understanding)s?\b")
# a title in 《》; OCR loses closing marks, so an unclosed one ends at the clause
_TITLE = re.compile(r"《[^《》，。；\n]{1,80}(?:》|(?=[，。；\n])|$)|《[^《》，。；\n]{1,40}")

# wishes, calls, efforts: the act has not happened
_ZH_NOT_DONE = re.compile(r"希望|愿意|要求|建议|呼吁|鼓励|推动|努力|争取|力争|旨在|以便|有望|尚未|没有|未能|拒绝|能否|是否|如何|研究")
_EN_NOT_DONE = re.compile(r"\b(?:seeks?|seeking|hopes?|hoping|wish(?:es)?|aims?|aiming|intends?|encourages?|urges?|"
                          r"calls?\s+(?:on|for)|may|might|should|could|would\s+like|not|never|yet\s+to)\b", re.I)
_ZH_PLANNED = re.compile(r"将于|将在|即将|拟于|拟|计划于|预计|定于|期待|准备于")
_EN_PLANNED = re.compile(r"\b(?:will|shall|is\s+to|are\s+to|to\s+be|scheduled|planned|plans?\s+to|expected\s+to|set\s+to)\b", re.I)
# running totals: "已与22个经济体签署", "签署205份协议", "so far"
_ZH_CUMULATIVE = re.compile(r"截至|累计|先后|至今|迄今|目前已|已与|与\s*\d+\s*个|共(?:计)?\s*\d+\s*(?:个|份|项)|(?:签署|签订|缔结)[^，。；]{0,12}?\d+\s*(?:份|个|项)|"
                            r"\d+\s*(?:份|项)\s*(?:协议|协定|文件|文书)")
_EN_CUMULATIVE = re.compile(r"\b(?:so\s+far|to\s+date|a\s+total\s+of|in\s+total|ha(?:ve|s)\s+signed\s+\d+|"
                            r"\d+\s+(?:agreements|arrangements|MoUs|MRAs|memoranda))\b", re.I)
# a date right after these words is a reference or a bound, not the event's day
_NOT_EVENT_BEFORE = re.compile(r"(?:\b(?:before|after|since|as\s+of|between|than|dated|until|till|by)\s+(?:the\s+)?"
                               r"|截至|截止|(?<![\d日\s])\s*至\s*|到\s*|于\s*\d+\s*年\s*前)$", re.I)
_CLAUSE = re.compile(r"[，,；;：:]")
# "其间", "当日", "会上": a sentence that continues the previous one's event
_ANAPHORA = re.compile(r"^\s*(?:其间|期间|会上|会议期间|会后|此次|本次会议|该会议|同日|当日|当天|"
                       r"(?:On|At|During)\s+(?:the\s+same\s+day|that\s+day|the\s+meeting|the\s+session))")

_ZH_PLACE = re.compile(r"(?:在|于)\s*([^\s，。；、“”\"《》()（）\d]{2,16}?)\s*(?:[（(][^）)]{1,30}[）)])?\s*"
                       r"(?:举行|召开|开幕|举办|签署|签订|成立|揭牌)")
_ZH_PLACE_TRIP = re.compile(r"赴\s*([^\s，。；、“”\"《》()（）\d]{2,10}?)\s*(?:出席|参加|参会)")
_EN_PLACE = re.compile(r"\b(?:in|at)\s+((?:[A-Z][\w'’.-]*)(?:\s+[A-Z][\w'’.-]*){0,3}(?:,\s+[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3})?)")
_EN_PLACE_PAREN = re.compile(r"\(([A-Z][\w'’. -]{1,30}?),\s*(?:\d{1,2}\s+)?[A-Z][a-z]+\.?\s+\d{4}\)")
_NOT_PLACE = re.compile(r"^(?:the|The|a|A|an|An|this|This|January|February|March|April|May|June|July|August|September|"
                        r"October|November|December|Year|Article|Annex|Chapter|Part|Section)\b")

_ZH_NOT_PLACE = re.compile(r"^(?:日前|近日|此前|当日|当天|今年|去年|同日|会上|期间)|框架|基础|方面|领域|期间|背景|会上|上$")
WINDOW = {"zh": 60, "en": 160}  # the farthest a date may sit from its signal word, in characters


@dataclass
class _Ctx:
    """What the previous sentences of a passage established."""

    year: int | None = None  # year of the last full date with a month (同年, 8 月 31 日)
    year_sentence: int = -9
    day: str | None = None  # the last date to the day (当日)
    day_sentence: int = -9
    last_event: tuple | None = None  # (date, date_end, precision, source) of the previous sentence's event
    last_event_sentence: int = -9


@dataclass
class _DocDate:
    year: int | None = None
    month: int | None = None
    day: int | None = None
    iso: str | None = None

    @classmethod
    def of(cls, date: str | None) -> "_DocDate":
        if not date:
            return cls()
        parts = [int(p) for p in date.split("-")]
        return cls(parts[0], parts[1] if len(parts) > 1 else None, parts[2] if len(parts) > 2 else None, date)


def _masked(text: str) -> str:
    """`text` with the inside of 《titles》 blanked (same length), so signal words in names are not read."""
    return _TITLE.sub(lambda m: "《" + " " * (len(m.group()) - 2) + "》", text)


def _repair_ocr(text: str) -> str:
    """OCR confusions in Chinese runs undone, character for character (世界悔关细织 -> 世界海关组织)."""
    from indexer.analysis.tokens import _HAN_RUN, ocr_repair_run

    return _HAN_RUN.sub(lambda m: ocr_repair_run(m.group()), text)


def _eligible(sentence: str, d: DateMention) -> bool:
    """A date that can be an event's day: not a period, target, bound, name or reference."""
    if d.span:
        return False
    if d.qualifier in ("前", "以前", "之前", "后", "以后", "以来", "全年", "年度", "版"):
        return False
    if in_passing(sentence, d.start, d.end):
        return False
    if _NOT_EVENT_BEFORE.search(sentence, max(0, d.start - 14), d.start):
        return False
    for m in _TITLE.finditer(sentence):
        if m.start() < d.start and d.end <= m.end():
            return False  # a year inside a title is part of a name
    return True


def _resolve(d: DateMention, si: int, ctx: _Ctx, doc: _DocDate):
    """(date, date_end, precision, source) of a mention, or None when its year cannot be known."""
    if d.year is not None:
        return d.iso(), d.iso_end(), d.precision, "text"
    rel = d.relative
    if rel == "same-day":
        if ctx.day and si - ctx.day_sentence <= 1:
            return ctx.day, None, "day", "context"
        if doc.day:
            return doc.iso, None, "day", "document"
        return None
    if rel == "recent":
        return (str(doc.year), None, "year", "document") if doc.year else None
    if rel == "day-only":
        if doc.month and doc.day and d.day <= doc.day:
            return DateMention(0, 0, doc.year, doc.month, d.day).iso(), None, "day", "document"
        return None
    year, source = None, "document"
    if rel == "same-year" or rel == "no-year":
        if ctx.year is not None and si - ctx.year_sentence <= (1 if rel == "no-year" else 3):
            year, source = ctx.year, "context"
        elif doc.year:
            year = doc.year
            if rel == "no-year" and doc.month and (d.month, d.day or 0) > (doc.month, doc.day or 31) and \
                    (d.month - doc.month) > 2:
                year -= 1  # "12月28日" in a news item of 5 January speaks of the year before
    elif rel == "this-year":
        year = doc.year
    elif rel == "last-year":
        year = doc.year - 1 if doc.year else None
    elif rel == "next-year":
        if ctx.year is not None and si - ctx.year_sentence <= 1:
            year, source = ctx.year + 1, "context"
        elif doc.year:
            year = doc.year + 1
    if year is None:
        return None
    return d.iso(year), d.iso_end(year), d.precision, source


def _object_is_agreement(masked: str, original: str, lang: str, t_start: int, t_end: int, carry: str = "") -> bool:
    """An instrument of agreement names the act: "通过《…倡议书》", "Declaration … adopted"."""
    if lang == "zh":
        for m in _TITLE.finditer(original):
            if (0 <= m.start() - t_end <= 20) or (0 <= t_start - m.end() <= 12):
                return bool(_ZH_AGREEMENT_NOUN.search(m.group().rstrip("》")))
        return False
    before = (carry + " " + original[:t_start])[-90:]
    after = original[t_end:t_end + 60]
    if re.search(r"\b(?:List|Schedule|Table|Summary|Status|Register|Review)\s+of\s+(?:[A-Z][\w-]*\s+){0,3}"
                 + _EN_AGREEMENT_NOUN.pattern, before):
        return False  # a list of agreements endorsed is not an agreement
    return bool(_EN_AGREEMENT_NOUN.search(before) or re.match(r"\s+(?:the|an?|its)\s+[^.;]{0,50}?" +
                                                             _EN_AGREEMENT_NOUN.pattern, after))


def _place(sentence: str, masked: str, lang: str, t_start: int, t_end: int) -> str | None:
    """Where the act took place, read in the clause of its signal word."""
    if lang == "zh":
        a = max([0] + [m.end() for m in _CLAUSE.finditer(masked, 0, t_start)])
        cut = _CLAUSE.search(masked, t_end)
        b = cut.start() if cut else len(sentence)
        clause = sentence[a:b]
        for rx in (_ZH_PLACE, _ZH_PLACE_TRIP):
            for m in rx.finditer(clause):
                place = re.sub(r"^(?:比利时首都|首都)", "", m.group(1))
                if not _ZH_NOT_PLACE.search(place):
                    return place
        return None
    m = _EN_PLACE_PAREN.search(sentence)
    if m:
        return m.group(1).strip()
    for m in _EN_PLACE.finditer(sentence, max(0, t_start - 10)):
        place = m.group(1).rstrip(".,")
        if _NOT_PLACE.match(place) or re.search(r"\d", place) or m.start() - t_end > 80:
            continue
        return place
    return None


def _summary(sentence: str, masked: str, lang: str, t_start: int, t_end: int, date: DateMention | None) -> str:
    """One line: who did what, read around the signal word; a date opening it is left out (the
    event's date is shown beside it)."""
    if lang == "en":
        left_floor = max(0, t_start - 120)
        cuts = [left_floor] + [left_floor + m.end() for m in re.finditer(r"[;:]|,\s", sentence[left_floor:t_start])]
        a = cuts[-1]
        for earlier in reversed(cuts[:-1]):  # "…, adopted on 3 August 2011": the thing adopted is before the comma
            if len(sentence[a:t_start].strip()) >= 20:
                break
            a = earlier
        if a == left_floor and left_floor > 0:
            a = sentence.find(" ", left_floor) + 1
        words = re.match(r"(?:\s*(?:[a-z][\w’'-]*|\d[\w,]*)\s+)*", sentence[a:t_start])
        if words and words.end() < t_start - a:
            a += words.end()  # start at the first capitalised word: "made in the Declaration of …" -> "Declaration of …"
        reach = max(t_end, date.end if date and date.start >= t_end else t_end)
        stop = re.search(r"[;:]|,\s(?!(?:[A-Z][\w.-]*\s?){1,3}[,;.]?)|\.\s|\.$", sentence[reach:])
        b = min(reach + (stop.start() if stop else len(sentence) - reach), reach + 50)
        text = sentence[a:b]
    else:
        cuts = [0] + [m.end() for m in re.finditer(r"[，；：,;:\n]", masked)] + [len(sentence)]
        clauses = list(zip(cuts[:-1], cuts[1:]))
        i = next((k for k, (a, b) in enumerate(clauses) if a <= t_start < b), 0)
        a, b = clauses[i]
        if i > 0 and len(sentence[a:b].strip()) < 14:
            a = clauses[i - 1][0]
        if len(sentence[a:b].strip()) < 14 and i + 1 < len(clauses):
            b = clauses[i + 1][1]
        text = sentence[a:b]
    for _ in range(2):  # dates opening the line: "2005 年 9 月 7 日，…", "Jakarta, 1 January 2024 ASEAN …"
        lead = find_dates(text)
        if lead and not text[:lead[0].start].strip(" ，,;；\n") and lead[0].relative != "recent":
            text = text[lead[0].end:]
    text = re.sub(r"\s+", " ", text).strip(" ，,；;：:。.")
    text = re.sub(r"^(?:\d{1,3}[.、]\s*|\(\w{1,4}\)\s*)", "", text)  # a list number
    text = re.sub(r"^(?:于|在|起|on|On|in|In)\s*[，,]?\s*", "", text).strip(" ，,")
    text = re.sub(r"\s+(?:on|in)\s*$", "", text)
    if text.count(")") > text.count("("):
        text = text.rstrip(")") if text.endswith(")") else text
    if len(text) > 140:
        cut = text[:140]
        text = (cut.rsplit(" ", 1)[0] if lang == "en" and " " in cut else cut) + "…"
    return text


_SELF = re.compile(r"本法|本条例|本规定|本办法|本协定|本公约|\b(?:this|the present) (?:Agreement|Convention|Protocol|Act|Law|Regulations?)\b")


def _named(summary: str, lang: str, title: str, kind: str = "") -> str:
    """A summary that says "本法" / "this Agreement", says next to nothing ("施行"), or tells of a
    Chinese text's adoption or entry into force without naming it, with the document's title in
    front, so that the line stands alone in a register."""
    if not title or title in summary:
        return summary
    unnamed = lang == "zh" and kind in ("other", "entry-into-force") and "《" not in summary
    if _SELF.search(summary) or unnamed or len(summary) < (8 if lang == "zh" else 20):
        return f"《{title}》{summary}" if lang == "zh" else f"{title}: {summary}"
    return summary


def _partners(text: str, spans, a: int, b: int) -> tuple[list[str], list[str]]:
    """Partners and topics named in text[a:b]: the passage's taxonomy mentions there, plus what
    the sentence names once OCR confusions are undone or footnote marks taken off ("Malaysia1")."""
    partners = {i for s, _e, k, i in spans if a <= s < b and k == "partner"}
    topics = {i for s, _e, k, i in spans if a <= s < b and k == "topic"}
    piece = text[a:b]
    fixed = re.sub(r"(?<=[a-z]{3})\d{1,2}\b", "", piece)
    if _HAN_RX.search(piece):
        fixed = _repair_ocr(fixed)
    if fixed != piece:
        more_p, more_t = load_taxonomy().tag(fixed)
        partners.update(more_p)
        topics.update(more_t)
    return sorted(partners), sorted(topics)


_HAN_RX = re.compile(r"[\u4e00-\u9fff]")


def _triggers(sentence: str, masked: str, lang: str, kinds: frozenset = frozenset(KINDS)) -> list[tuple[int, int, str]]:
    """Signal words of the sentence (outside titles) as (start, end, kind), for the kinds whose stems it has."""
    found: list[tuple[int, int, str]] = []
    for rx_list in ((_ZH_RX if lang == "zh" else _EN_RX), (_EN_RX if lang == "zh" else [])):
        for kind, rx in rx_list:
            if kind not in kinds:
                continue
            for m in rx.finditer(masked):
                found.append((m.start(), m.end(), kind))
    # a Chinese sentence may quote an English name and vice versa; the other language's signal
    # words are read only for English inside Chinese (Chinese signal words never occur in English)
    found.sort()
    return found


def _reject(sentence: str, masked: str, lang: str, clause_start: int, t_start: int) -> bool:
    """A wish, call or effort ("希望中国加入"), or a running total ("已与22个经济体签署")."""
    before = sentence[clause_start:t_start]
    cut = _CLAUSE.search(masked, t_start)
    clause = sentence[clause_start:cut.start() if cut else len(sentence)]
    if lang == "zh":
        return bool(_ZH_NOT_DONE.search(before[-12:]) or _ZH_CUMULATIVE.search(clause))
    return bool(_EN_NOT_DONE.search(before[-50:]) or _EN_CUMULATIVE.search(clause))


def _planned(sentence: str, lang: str, a: int, b: int, t_start: int) -> bool:
    """Announced, not reported: "将于…举行", "will be operational with effect from"."""
    if lang == "zh":
        return bool(_ZH_PLANNED.search(sentence[a:b]))
    return bool(_EN_PLANNED.search(sentence[max(a, t_start - 30):t_start]))  # the verb group only


def _heading(sentence: str) -> bool:
    s = sentence.strip()
    return len(s) <= 120 and not re.search(r"[。.!?！？；;]$", s)


def _cost(d: DateMention, t: tuple[int, int, str], lang: str, masked: str) -> float | None:
    """How well a date fits a signal word; None when it cannot be its date.

    Chinese puts the date before the verb ("2月4日，中国与俄罗斯签署"): a date after its verb
    must sit in the same clause, or in the next one when that begins with 该/此/其 ("主办第五届
    会议，该会议初步定于2006年九月"). English puts it on either side ("signed on 4 September 2015",
    "On 4 February, China and Russia signed").
    """
    t_start, t_end, _kind = t
    if d.start < t_end and d.end > t_start:
        return 0.0
    if d.end <= t_start:
        gap = t_start - d.end
        return gap if gap <= WINDOW[lang] * (3 if lang == "zh" else 1) else None
    gap = d.start - t_end
    if gap > WINDOW[lang]:
        return None
    if lang == "zh":
        if not re.search(r"(?:于|在|为)\s*$", masked[max(0, d.start - 3):d.start]):
            return None  # a date after the verb is its complement only with 于 ("定于2006年九月")
        between = masked[t_end:d.start]
        cut = _CLAUSE.search(between)
        if cut and not (re.match(r"\s*(?:该|此|其|这)", between[cut.end():]) and not _CLAUSE.search(between, cut.end())):
            return None
        return gap * 3 + 5
    return float(gap)


def _resolve_all(dates: list[DateMention], si: int, ctx: _Ctx, doc: _DocDate) -> dict[int, tuple]:
    """Each mention resolved in text order; a full date earlier in the sentence is the context of
    the dates after it that lack a year ("1988 年 5 月 29 日…同年 8 月 29 日")."""
    resolved: dict[int, tuple] = {}
    local = _Ctx(ctx.year, ctx.year_sentence, ctx.day, ctx.day_sentence)
    for k, d in enumerate(dates):
        r = _resolve(d, si, local, doc)
        if r:
            resolved[k] = r
            if d.year is not None and d.month and not d.span:
                local.year, local.year_sentence = d.year, si
            if r[2] == "day":
                local.day, local.day_sentence = r[0], si
    ctx.year, ctx.year_sentence, ctx.day, ctx.day_sentence = local.year, local.year_sentence, local.day, local.day_sentence
    return resolved


def _events_in_passage(p, doc_id: str, doc: _DocDate, title_tags: tuple[list[str], list[str]],
                       carry: str = "", tax_spans=None, doc_title: str = "") -> list[Event]:
    """Events of one passage; `carry` is the end of the previous passage (a sentence cut by the
    passage boundary is read with it when naming the instrument), `tax_spans` the passage's
    taxonomy mentions when already found."""
    text = p.text
    hits = _signal_hits(text)
    if not hits:
        return []
    ends = [e for e, _ks in hits]
    if tax_spans is None:
        tax_spans = load_taxonomy().find(text)
    ctx = _Ctx()
    out: list[Event] = []
    spans = split_sentences(text)
    for si, (ss, se) in enumerate(spans):
        sentence = text[ss:se]
        first = bisect_left(ends, ss + 1)
        kinds = frozenset().union(*(ks for e, ks in hits[first:bisect_left(ends, se + 1)]))
        if not _DATEISH.search(sentence) and not (kinds and _ANAPHORA.search(sentence)):
            continue
        if not kinds:
            if _CONTEXT_DATE.search(sentence):  # only its dates, as context for the next sentences
                _resolve_all(find_dates(sentence), si, ctx, doc)
            continue
        dates = find_dates(sentence)
        resolved = _resolve_all(dates, si, ctx, doc)
        lang = sentence_lang(sentence)
        masked = _masked(sentence)
        anaphora = bool(_ANAPHORA.search(sentence))
        triggers = _triggers(sentence, masked, lang, kinds)
        found: list[Event] = []
        if not (dates or (triggers and anaphora)):
            continue
        heading = _heading(sentence) and _HEADING_MEETING.search(masked)
        if heading and not any(k == "meeting" for _a, _b, k in triggers):
            m = _HEADING_MEETING.search(masked)
            triggers = sorted(triggers + [(m.start(), m.end(), "meeting")])
        if not triggers and lang == "zh":
            # "2015年5月1日起，覆盖到全国42个直属海关": from a day on, a rule applies
            for d in dates:
                if d.qualifier == "起" and d.precision == "day" and (d.start <= 2 or sentence[:d.start].endswith("\n")):
                    after = re.search(r"[，,]\s*", sentence[d.end:])  # what applies from then on: the next clause
                    at = d.end + after.end() if after else d.end
                    triggers = [(at, at + 1, "entry-into-force")]
                    break
        valid = []
        for t in triggers:
            clause_start = max([0] + [m.end() for m in _CLAUSE.finditer(masked, 0, t[0])])
            if not _reject(sentence, masked, lang, clause_start, t[0]):
                valid.append((t, clause_start))
        if not valid:
            continue
        eligible = [k for k, d in enumerate(dates) if k in resolved and _eligible(sentence, d)]
        assigned: dict[int, list[tuple[float, int]]] = {}
        for k in eligible:
            costs = [(c, ti) for ti, (t, _cs) in enumerate(valid) if (c := _cost(dates[k], t, lang, masked)) is not None]
            if costs:
                c, ti = min(costs)
                assigned.setdefault(ti, []).append((c, k))
        # a Chinese sentence that opens with its date dates every act in it
        opening = next((k for k in eligible if lang == "zh" and (dates[k].start <= 2 or
                                                                   sentence[:dates[k].start].endswith("\n"))), None)
        for ti, (t, clause_start) in enumerate(valid):
            t_start, t_end, kind = t
            if ti in assigned:
                _c, k = min(assigned[ti], key=lambda ck: ck[0] + {"day": 0, "month": 8, "year": 20}[dates[ck[1]].precision])
            elif opening is not None and dates[opening].end <= t_start and \
                    not any(dates[j].start > dates[opening].end and dates[j].end <= t_start for j in eligible):
                k = opening  # no other date stands between the opening date and this act
            else:
                k = None
            if k is not None:
                date, date_end, precision, source = resolved[k]
                a, b = min(dates[k].start, t_start), max(dates[k].end, t_end)
            elif anaphora and ctx.last_event and si - ctx.last_event_sentence <= 1:
                date, date_end, precision, source = ctx.last_event
                a, b = clause_start, t_end
            else:
                continue
            if kind == "other" and _object_is_agreement(masked, sentence, lang, t_start, t_end, carry if si == 0 else ""):
                kind = "agreement"
            planned = _planned(sentence, lang, max(0, min(a, clause_start)), b, t_start)
            if doc.iso and len(doc.iso) == 10 and source == "text" and date[:len(doc.iso)] > doc.iso:
                planned = True  # a date after the document's own: announced, not reported
            end = spans[si + 1][1] if heading and si + 1 < len(spans) else se  # a heading's event: its next sentence too
            partners, topics = _partners(text, tax_spans, ss, end)
            partners = sorted(set(partners) | set(title_tags[0]))
            topics = sorted(set(topics) | set(title_tags[1])) if not topics else topics
            summary = _summary(sentence, masked, lang, t_start, t_end, dates[k] if k is not None else None)
            found.append(Event(
                date=date, date_end=date_end, precision=precision, kind=kind, partners=partners,
                place=_place(sentence, masked, lang, t_start, t_end), topics=topics,
                summary=_named(summary, lang, doc_title, kind),
                evidence=re.sub(r"\s+", " ", sentence).strip()[:600], n=p.n, page=p.page, doc_id=doc_id,
                status="planned" if planned else "done", date_source=source, lang=lang,
                article=getattr(p, "article", None),
            ))
        if found:
            e = found[-1]
            ctx.last_event, ctx.last_event_sentence = (e.date, e.date_end, e.precision, e.date_source), si
        out.extend(found)
    return out


_PRECISION_RANK = {"day": 3, "month": 2, "year": 1}


def merge_events(events: list[Event]) -> list[Event]:
    """One event per kind and date: mentions merged, parties and topics pooled, the best-dated
    (the date written in the text, with a range where one is given) kept as the evidence. A
    mention less precise than another of the same kind in the same document ("signed in February
    2009", "DONE … this 26th Day of February … 2009") is the same event."""
    groups: dict[tuple[str, str], list[Event]] = {}
    for e in events:
        groups.setdefault((e.kind, e.date), []).append(e)
    keys = sorted(groups, key=lambda k: -len(k[1]))
    for kind, date in keys:
        if len(date) == 10:
            continue
        finer = [k for k in keys if k[0] == kind and len(k[1]) > len(date) and k[1].startswith(date + "-")
                 and k in groups]
        if finer and (kind, date) in groups:
            groups[finer[0]].extend(groups.pop((kind, date)))
    out: list[Event] = []
    for group in groups.values():
        best = max(group, key=lambda e: (_PRECISION_RANK[e.precision], e.date_source == "text", e.date_end is not None,
                                         e.status == "done", len(e.partners), -e.n))
        partners = sorted({x for e in group for x in e.partners})
        topics = sorted({x for e in group for x in e.topics})
        place = best.place or next((e.place for e in group if e.place), None)
        out.append(Event(**{**best.to_dict(), "partners": partners, "topics": topics, "place": place}))
    out.sort(key=lambda e: (e.n, e.date))
    return out


def passage_events(document, spans: dict | None = None) -> list[Event]:
    """Every event mention of a Document's passages, in order, not yet merged; `spans` gives each
    passage's taxonomy mentions by passage number when the caller has them."""
    doc = _DocDate.of(parse_date(document.date) if document.date else None)
    title_tags = load_taxonomy().tag(document.title or "")
    events: list[Event] = []
    carry = ""
    for p in document.passages:
        events.extend(_events_in_passage(p, document.doc_id, doc, title_tags, carry, (spans or {}).get(p.n),
                                         document.title or ""))
        carry = p.text[-200:]
    return events


def extract_events(document) -> list[Event]:
    """The events of a Document (its passages, date and title), merged per kind and date."""
    return merge_events(passage_events(document))
