"""A document's title: from the file's own metadata when it is good, else its first real heading.

Never a running header or letterhead ("SINGAPORE CUSTOMS"), a genre label ("FACT SHEET",
"Overview", "概述", "Proposed Rules"), a label that only numbers a part ("ANNEX 8" becomes
"Annex 8: Operational Certification Procedure …"), a form field ("甲方：…"), an address or a
garbled OCR line. Titles set in capitals are put in title case, acronyms kept. The language of
the title is detected on its own; a title in another language than the text (a Dutch heading
over an English treaty) gives way to a heading in the text's language when there is one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import PurePosixPath

from indexer.analysis.textnorm import is_han

from .boilerplate import is_chrome
from .dates import first_date

_TERMINAL = re.compile(r"[。！？；;!?…]$|[^.]\.$")
_URL_OR_MAIL = re.compile(r"https?://|www\.|@\w+\.\w+|\b\w+\.(?:org|com|gov|int|net)\b")
_DOC_TYPE_END = re.compile(
    r"(声明|公报|纪要|备忘录|协定|议定书|宣言|报告|通知|公告|决定|意见|办法|规定|"
    r"Statement|Declaration|Communiqu[eé]|Minutes|Memorandum|Report|Notice)$", re.I)
_DANGLING = re.compile(r"\b(of|on|the|for|and|in|to|a|an|with|between|by|from|at)$", re.I)
MAX_TITLE = 160
TITLE_SEARCH_LINES = 20  # a title sits among the first lines (after a column of prose on a journal page)
LOOKAHEAD_LINES = 40  # how far a part label ("ANNEX 7") or a circular's number looks for its subject

# names of a genre or a part, not titles: "Overview", "FACT SHEET", "概述", "Proposed Rules"
_GENERIC = re.compile(
    r"^(?:overview|home|homepage|index|untitled|document|contents|table of contents|introduction|abstract|"
    r"preface|preamble|foreword|summary|fact ?sheet|press release|news|notices?|circular|annex|appendix|"
    r"proposed rules|rules and regulations|presidential documents|about us|main|default|"
    r"概述|概况|目录|前言|序|序言|引言|摘要|附件|说明|新闻|通知|公告|正文|首页)$", re.I)
# a label numbering a part, to be joined with the heading it introduces
_PART_LABEL = re.compile(r"^(?:annex|appendix|attachment|schedule|chapter|part|section|exhibit)\s+[\dA-Z]{1,4}\.?$|"
                         r"^附\s*件\s*[\d一二三四五六七八九十]*$|^第[一二三四五六七八九十\d]+[章节篇编]$", re.I)
# an organisation's letterhead or running header: the issuer, not the title
_ORG_WORDS = (r"customs|secretariat|organi[sz]ation|ministry|department|administration|authority|agency|commission|"
              r"office|bureau|council|government|union|association|institute|bank|co\.?,?\s*ltd\.?|corporation|inc\.?")
_ORG_LINE_EN = re.compile(r"^(?:(?:[A-Z][\w&'’.,-]*|of|and|for|the|OF|AND|FOR|THE)\s+){0,6}(?i:" + _ORG_WORDS + r")$|"
                          r"^(?:DEPARTMENT|MINISTRY|OFFICE|BUREAU) OF\b")
_ORG_LINE_ZH = re.compile(r"^[\u4e00-\u9fff（）()]{2,24}(?:海关总署|海关|公司|委员会|秘书处|政府|组织|部|局|署|办公室|银行|协会)$")
_FORM_FIELD = re.compile(r"^[^:：]{1,12}[:：]\s*\S|[:：]\s*$|\S\s*/\s*\S.*[:：]|"
                         r"^(?:项目名称|项目描述|姓\s*名|名\s*称|编\s*号|日\s*期|地\s*址|甲\s*方|乙\s*方)")
_LIST_ITEM = re.compile(r"^(?:\d{1,2}[.)、]\s|\(\d{1,2}\)|（\d{1,2}）|[a-z][.)]\s)")
_ADDRESS = re.compile(r"\b(?:tel|fax|phone|e-?mail|website|headquarters|address|p\.?o\.? box)\b\.?\s*[:.+]|电话|传真|邮编|地址[:：]", re.I)
_SALUTATION = re.compile(r"^(?:dear\b|to:|traders and|attention|尊敬的)", re.I)
_LABELLED_TITLE = re.compile(r"^\s*(?:title|subject|re|标题|题名|题目|主题)\s*[:：]\s*(.{4,})$", re.I)
_CIRCULAR_NO = re.compile(r"^\s*((?:circular|notice|memorandum|directive|order|notification)\s+no\.?)\s*[:：]?\s*([\w/.-]+)\s*$", re.I)
_ZH_DOC_NUMBER = re.compile(r"^(\S{2,16}?(?:决定书|通知书|意见书|通知|公告|通告|决定|批复|意见|报告|函))\s*"
                            r"(\S{0,10}?[\[〔【(（]\s*\d{4}\s*[\]〕】)）]\s*\d+\s*号)")
_ZH_DANGLING = re.compile(r"[的与和及或对在为从向以之]$")  # a Chinese heading cannot stop on these
_ZH_DANGLING_START = re.compile(r"^[的与和及或了着过]")
_EN_PROSE_START = re.compile(r"^(?:This|These|That|Those|It|We|Our|You|Your|In this|The following)\s+[a-z]")
_SMALL_WORDS = {"a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "nor", "of", "on", "or",
                "over", "the", "to", "under", "upon", "via", "with", "within", "between", "through"}


@dataclass
class TitleChoice:
    """The title chosen, where it came from and its language."""

    title: str
    source: str  # "metadata" | "heading" | "filename"
    lang: str  # "zh", "ja", "en", "nl", "fr", "de", "es"
    other_titles: list[str] = field(default_factory=list)  # the same title in other languages, seen near it
    issuer: str | None = None  # a letterhead seen on the way ("Singapore Customs")


# -- language of a line ----------------------------------------------------------------------------
_STOPWORDS = {
    "en": "the of and for on in to with a an by at from as relating concerning convention agreement customs",
    "nl": "de het een van en voor inzake op in met tot bij aan over verdrag overeenkomst douane",
    "fr": "le la les des du de et pour sur dans par une un à relative concernant convention accord douane douanières",
    "de": "der die das und für über von zu mit im dem den des ein eine abkommen zoll übereinkommen",
    "es": "el la los las de del y para sobre en con por una un convenio acuerdo aduanas",
}
_STOPSETS = {k: set(v.split()) for k, v in _STOPWORDS.items()}
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_KANA = re.compile(r"[\u3040-\u30ff]+")
_LATIN = re.compile(r"[A-Za-z]+")


def text_lang(text: str) -> str:
    """Language of a short text: "zh" (Han), "ja" (kana), else the Latin language whose common
    words it uses most ("en" when nothing tells)."""
    han = sum(map(len, _HAN.findall(text)))
    kana = sum(map(len, _KANA.findall(text)))
    latin = sum(map(len, _LATIN.findall(text)))
    if kana and kana * 4 >= han:
        return "ja"
    if han * 3 >= latin and han:
        return "zh"
    words = re.findall(r"[^\W\d_]+", text.lower())
    scores = {lang: sum(1 for w in words if w in stop) for lang, stop in _STOPSETS.items()}
    best = max(scores, key=lambda k: (scores[k], k == "en"))
    return best if scores[best] > scores["en"] else "en"


# -- cleaning ----------------------------------------------------------------------------------------
_LETTER = re.compile(r"[^\W\d_]+")  # letters of any script, Han included
_NOT_TITLE_CHAR = re.compile(r"[^\w\s()（）《》〈〉\[\]【】“”\"'’‘\-–—:：,，、.&]|\d")  # digits and symbols


def _meaningful(s: str) -> int:
    return sum(map(len, _LETTER.findall(s)))


def _balanced(s: str) -> bool:
    for a, b in ("()", "（）", "《》", "[]", "“”", "「」", "『』"):
        if s.count(a) != s.count(b):
            return False
    return True


def _clean(s: str, line: bool = True) -> str:
    s = re.sub(r"\s+", " ", s).strip(" \t*#=-_|")
    if line:
        s = re.sub(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])", "", s)  # a slide title broken over lines
    return re.sub(r"(?<=[\u4e00-\u9fff])\s+[A-Za-z]$", "", s)  # a stray OCR letter after a Chinese heading


@lru_cache(maxsize=4096)
def _known_word(word: str) -> bool:
    import simplemma

    return simplemma.is_known(word.lower(), lang="en")


def _acronym(word: str, known: set[str]) -> bool:
    letters = re.sub(r"[^A-Za-z]", "", word)
    if not letters or word.upper() != word:
        return False
    if word.strip("().,:;") in known or re.search(r"\d", word) or "." in word.strip("."):
        return True
    return len(letters) <= 5 and not _known_word(letters)


def smart_title(s: str) -> str:
    """A title set in capitals put in title case, acronyms and small words kept as they should be
    ("AEC 2025 TRADE FACILITATION STRATEGIC ACTION PLAN" -> "AEC 2025 Trade Facilitation …")."""
    outside = re.sub(r"\([^)]*\)", "", s)
    letters = [c for c in outside if c.isalpha() and c.isascii()]
    if not letters or sum(1 for c in letters if c.isupper()) < 0.8 * len(letters):
        return s
    from indexer.analysis.taxonomy import load_taxonomy

    tax = load_taxonomy()
    known = {a for e in list(tax.partners.values()) + list(tax.topics.values()) for a in e.acronyms}
    out = []
    for i, token in enumerate(re.split(r"(\s+)", s)):
        if not token.strip():
            out.append(token)
            continue
        inner = token.strip("()[],.:;\"“”")
        if _acronym(inner, known) or (token.startswith("(") and len(inner) <= 6) or inner.upper() != inner:
            out.append(token)  # an acronym, or a word already in mixed case ("(Combined Declaration …)")
        elif i > 0 and inner.lower() in _SMALL_WORDS and not out[-2:-1] == [":"]:
            out.append(token.lower())
        else:
            out.append("-".join(p[:1].upper() + p[1:].lower() for p in token.split("-")))
    return "".join(out)


def _caps_heading(s: str) -> bool:
    outside = re.sub(r"\([^)]*\)", "", s)
    letters = sum(map(len, _LATIN.findall(outside)))
    upper = sum(map(len, re.findall(r"[A-Z]+", outside)))
    return letters >= 6 and upper >= 0.85 * letters and len(s.split()) >= 2


def garbled(s: str, dictionary: bool = True) -> bool:
    """A line OCR has mangled: Latin letters or symbols stuck inside Chinese, or (with `dictionary`)
    misread characters (悔关 for 海关) that the segmenter's dictionary puts right."""
    han = sum(map(len, _HAN.findall(s)))
    if han < 4:
        stray = len(re.findall(r"[^\w\s().,:;'’\"“”&/–—-]", s))
        return stray >= 3 and stray > 0.15 * len(s)
    # "合作t作", "中|刘": a stray letter or bar inside Chinese (acronyms such as AEO are not stray)
    if re.search(r"(?<=[\u4e00-\u9fff])\s*(?:[a-z]{1,2}|[A-Z](?![A-Za-z])|[~|\\^`{}<>])\s*(?=[\u4e00-\u9fff])", s):
        return True
    if re.search(r"[\u4e00-\u9fff][\d]{1,2}[\u4e00-\u9fff]{0,1}[~|'`]", s):
        return True
    from indexer.analysis.tokens import _HAN_RUN, ocr_repair_run

    if re.search(r"[\u00a0-\u024f\u2039\u203a]", s):
        return True  # "Ÿ", "›" in a Chinese or Japanese line: a font's codes read as Latin-1
    if re.search(r"[\u4e00-\u9fff][a-z]$", s):
        return True  # "悔关形象c": a letter where OCR lost the full stop
    if not dictionary:
        return False
    changed = sum(sum(1 for a, b in zip(run, ocr_repair_run(run)) if a != b) for run in _HAN_RUN.findall(s))
    return changed >= 2 or (changed == 1 and han <= 12)


def _is_title_like(s: str, full_width: float = 1e9) -> bool:
    if not (4 <= _meaningful(s) and len(s) <= MAX_TITLE) or not _balanced(s):
        return False
    if len(s) >= 0.85 * full_width and len(s) > 60:
        return False  # a full-width line is wrapped prose
    if _TERMINAL.search(s) or "。" in s or _URL_OR_MAIL.search(s) or is_chrome(s) or _ADDRESS.search(s):
        return False
    if first_date(s) and _meaningful(re.sub(r"\d|年|月|日", "", s)) < 6:
        return False  # a date line, not a title
    if re.match(r"^\s*(?:1[89]|20)\d\d\s*(?:年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|[-/.]\d{1,2}[-/.]\d{1,2})", s):
        return False  # "2010年3月24日 …修订": a line of the text's history
    if _FORM_FIELD.search(s) or _LIST_ITEM.match(s) or _SALUTATION.match(s) or re.fullmatch(r"\[.*\]", s):
        return False
    solid = re.sub(r"\s", "", s)
    if not any(is_han(c) for c in s) and sum(1 for c in solid if c.isalpha()) < 0.7 * len(solid):
        return False  # a code or a number: "RIN 2120–AA64"
    if len(_NOT_TITLE_CHAR.findall(solid)) > 0.3 * len(solid):
        return False  # a cell of a table: "提示结果单位↓ 3.9 E+9/L"
    cjk = sum(1 for c in s if is_han(c) or "\u3040" <= c <= "\u30ff")
    # a wrapped line of running Chinese prose is long and full of commas
    if cjk > 40 or s.count("，") + s.count(",") + s.count("、") >= 3:
        return False
    if re.match(r"^.{1,2}[，,、]", s) or _ZH_DANGLING_START.match(s):
        return False  # the tail of a sentence wrapped from the line before: "动，发展同各国家…"
    if s[:1].islower() or _EN_PROSE_START.match(s):
        return False  # "the public of the proposed …", "This section of the FEDERAL REGISTER"
    return True


def plausible_meta_title(title: str | None) -> bool:
    """A title from the file's metadata that can stand: not empty, generic, truncated ("FACT SHEET
    ON"), one word, a file name or the name of the software that made it."""
    if not title:
        return False
    t = _clean(title)
    if _meaningful(t) < 4 or len(t) > 200 or _GENERIC.match(t.strip(" .:")) or _DANGLING.search(t):
        return False
    if re.search(r"^(?:Microsoft Word - |untitled|document\d*$)|\.(pdf|docx?|indd|tex|md|html?)$", t, re.I):
        return False
    if not any(is_han(c) for c in t) and len(t.split()) < 2:
        return False  # "grasshopper", "上": a word, not a title
    return not garbled(t)


def clean_meta_title(title: str) -> str:
    """A metadata title without its site name ("Page | Site") or a "原标题：" prefix."""
    t = _clean(title, line=False)
    t = re.sub(r"^原标题[:：]\s*", "", t)
    parts = re.split(r"\s+[|｜–—]\s+|\s+-\s+|_(?=[^_]+$)", t)
    if len(parts) > 1:
        t = max(parts, key=lambda p: (_meaningful(p) >= 6, -parts.index(p)))
    return smart_title(t.strip())


# -- headings ------------------------------------------------------------------------------------
def _starts_with_small_word(s: str) -> bool:
    return s.split(" ", 1)[0].lower().strip("(") in _SMALL_WORDS


def _heading_block(cands: list[str], i: int, full: float, caps_block: bool = False) -> str:
    """The heading at cands[i], with the lines that continue it: a following "…声明" line, words
    after a dangling "of", the rest of a heading set in capitals ("OPERATIONAL CERTIFICATION
    PROCEDURE / FOR THE RULES OF ORIGIN"), a title wrapped onto a second line. With `caps_block`,
    every following line in capitals joins (the block a part label introduces)."""
    title = cands[i]
    caps = _caps_heading(title)
    for nxt in cands[i + 1:i + 4]:
        if len(title) + len(nxt) >= MAX_TITLE or not _is_title_like(nxt) or _GENERIC.match(nxt):
            break
        nxt_caps = _caps_heading(nxt) or (caps_block and nxt.upper() == nxt and sum(c.isalpha() for c in nxt) >= 3)
        if _DANGLING.search(title) or _ZH_DANGLING.search(title):
            title = f"{title}{'' if _ZH_DANGLING.search(title) else ' '}{nxt}"
            if _DANGLING.search(title) or _ZH_DANGLING.search(title):
                continue
            break
        after = cands[cands.index(nxt, i + 1) + 1] if cands.index(nxt, i + 1) + 1 < len(cands) else ""
        tail = (not caps and title[-1:].isalpha() and re.fullmatch(r"(?:[A-Z][a-z][\w’'-]*\s?){1,3}", nxt)
                and not _is_title_like(after) and not any(is_han(c) for c in title))
        continues = (tail or _DOC_TYPE_END.search(nxt) or
                     (caps and nxt_caps and (caps_block or _starts_with_small_word(nxt)) and not _ORG_LINE_EN.match(nxt)) or
                     (not caps and len(title) >= 40 and re.search(r"\s(?:of|for|and|on|in|the|with)\s", nxt)
                      and nxt[:1].isupper() and "," not in nxt and not _DANGLING.search(nxt) and
                      not any(is_han(c) for c in nxt)))
        if not continues:
            break
        title = f"{title} {nxt}"
        if _DOC_TYPE_END.search(nxt):
            break
    return title


def _org(s: str) -> bool:
    return bool(_ORG_LINE_ZH.match(s) or (_ORG_LINE_EN.match(s) and len(s.split()) <= 7))


def find_title(lines: list[str], body_lang: str | None = None) -> str | None:
    """The title read from the first lines of the text, or None."""
    choice = title_from_text(lines, body_lang)
    return choice.title if choice and choice.title else None


_CAPS_RUN = re.compile(r"(?:[A-Z][A-Z0-9&'’-]*\b|\([^()]*\))(?:\s+(?:[A-Z][A-Z0-9&'’-]*\b|\([^()]*\)))+")


def _line_candidates(line: str) -> list[str]:
    """A line as title candidates: itself, and where it is a table row (cells joined by " | ") the
    heading a form sets in capitals inside a cell ("Reference No. ASEAN TRADE … FORM D Issued in …")."""
    c = _clean(line)
    out = [c] if c else []
    cells = line.split(" | ")
    menu = len(cells) >= 3 and all(len(x.split()) <= 4 for x in cells)  # "简体中文 | English | HOME PAGE"
    if len(cells) > 1 and not menu:
        for cell in cells:
            for m in _CAPS_RUN.finditer(cell):
                run = re.sub(r"(?:\s*\([^()]*\))+$", "", m.group(0)).strip()
                if len(re.findall(r"\b[A-Z][A-Z0-9&'’-]*\b", run)) >= 3 and _caps_heading(run) and run != c:
                    out.append(run)
    return out


def title_from_text(lines: list[str], body_lang: str | None = None) -> TitleChoice | None:
    """The title read from the first lines of the text (with its language and the issuer seen
    on the way), or None; a letterhead without a title comes back with an empty title."""
    cands: list[str] = []
    for ln in lines[:400]:
        for c in _line_candidates(ln):
            cands.append(c)
        if len(cands) >= LOOKAHEAD_LINES + TITLE_SEARCH_LINES:
            break
    cands = [c[:-1] if c.endswith(".") and not c.endswith("..") and _caps_heading(c) else c for c in cands]
    widths = sorted(len(ln.strip()) for ln in lines[:400] if len(ln.strip()) > 8)
    full = widths[int(len(widths) * 0.8)] if len(widths) >= 10 else 1e9
    head = cands[:TITLE_SEARCH_LINES]
    issuer = None
    # an explicit "TITLE: …" line
    for s in head + cands[TITLE_SEARCH_LINES:20]:
        m = _LABELLED_TITLE.match(s)
        if m:
            value = re.sub(r"[\s©®;,.~_|]+[\W\da-z]{0,3}$", "", m.group(1)).strip()
            if _meaningful(value) >= 4:
                return TitleChoice(smart_title(value), "heading", text_lang(value))
    # a Chinese official document: "行政处罚决定书 常关缉违字[2019]13号"
    for s in head[:3]:
        m = _ZH_DOC_NUMBER.match(s.replace(" ", ""))
        if m:
            return TitleChoice(f"{m.group(1)} {m.group(2)}", "heading", "zh")
    # a circular: "Circular No: 06/2024" and its subject line in capitals
    for k, s in enumerate(head):
        m = _CIRCULAR_NO.match(s)
        if not m:
            continue
        for subject in cands[k + 1:k + 12]:
            if _caps_heading(subject) and len(subject.split()) >= 3 and not _org(subject) and not _SALUTATION.match(subject):
                label = smart_title(m.group(1)).rstrip(".") + f". {m.group(2)}"
                issuer = next((smart_title(x) for x in head[:k] if _org(x)), None)
                return TitleChoice(f"{label}: {smart_title(subject)}", "heading", "en", issuer=issuer)
    found: list[str] = []
    # a masthead ("Proposed Rules", "DEPARTMENT OF TRANSPORTATION") may push the title down the page
    masthead = any(_GENERIC.match(x.strip(" .:：")) or _org(x) for x in head[:12])
    if sum(1 for s in head if garbled(s, dictionary=False)) >= 3:
        return None  # an OCR page whose first lines are mangled: no line of it can be trusted as a title
    for i, s in enumerate(head):
        if not s or _GENERIC.match(s.strip(" .:：")) or not _is_title_like(s, full) or garbled(s):
            continue
        if _ZH_DANGLING.search(s) and (i + 1 >= len(head) or not _is_title_like(head[i + 1], full)):
            continue  # "…的友好往来与": a line of prose cut at its end
        if _org(s) and not found:
            # a letterhead: an issuer, unless a document type follows ("公司" then "2011年年度报告")
            issuer = issuer or (smart_title(s) if not any(is_han(c) for c in s) else s)
            nxt = [x for x in head[i + 1:i + 3] if _DOC_TYPE_END.search(x.strip())]
            if nxt:
                return TitleChoice(f"{s} {nxt[0]}", "heading", text_lang(s), issuer=issuer)
            continue
        if _PART_LABEL.match(s):
            if found:
                break  # "CHAPTER I" after the title: the body begins
            # "ANNEX 8" + the heading it introduces
            for j in range(i + 1, min(len(cands), i + LOOKAHEAD_LINES)):
                c = cands[j]
                if _is_title_like(c) and not _GENERIC.match(c) and not _PART_LABEL.match(c) and \
                        (_caps_heading(c) or j == i + 1) and not _org(c) and not re.search(r"\w/\w", c):
                    subject = _heading_block(cands, j, full, caps_block=_caps_heading(c))
                    return TitleChoice(f"{smart_title(s)}: {smart_title(subject)}", "heading", text_lang(subject),
                                       issuer=issuer)
            continue
        if i >= 12 and (_meaningful(s) < 8 or not masthead):
            continue  # far down the page only a full heading under a masthead counts (not a résumé's "教育经历")
        found.append(_heading_block(head, i, full))
        if len(found) >= 3:
            break
    if not found:
        return TitleChoice("", "none", "", issuer=issuer) if issuer else None
    title = found[0]
    if len(found) > 1 and not any(is_han(c) for c in title) and len(title.split()) <= 3 and \
            title.lower() in found[1].lower() and len(found[1]) > len(title):
        title = found[1]  # a banner ("HARMONIZED SYSTEM") over the title it abbreviates
    lang = text_lang(title)
    others: list[str] = []
    if body_lang and lang not in ("zh", "ja") and body_lang not in ("zh", "ja") and lang != body_lang:
        # a heading in another language than the text (a Dutch title over an English treaty)
        same = [f for f in found[1:] if text_lang(f) == body_lang]
        if same:
            others.append(title)
            title, lang = same[0], body_lang
    title = smart_title(title.rstrip(".")) if _caps_heading(title) else title
    return TitleChoice(title, "heading", lang, others, issuer)


_FILE_NOISE = {"ocr", "scan", "scanned", "final", "draft", "copy", "v1", "v2", "ver1", "example", "sample"}


def title_from_filename(doc_id: str) -> str:
    """A readable title made from a file name, for documents that have none."""
    stem = PurePosixPath(doc_id).name
    for suffix in PurePosixPath(stem).suffixes:
        stem = stem[: -len(suffix)] if stem.endswith(suffix) else stem
    words = re.sub(r"[_\-]+", " ", stem).split()
    kept = [w for w in words if w.lower() not in _FILE_NOISE] or words
    return " ".join(w.upper() if w.lower() in {"wco", "asean", "carec", "aeo", "ipr", "hs", "roo", "ftz", "mra"}
                    else w.capitalize() if w.isascii() else w for w in kept) or stem
