"""Years a text speaks of, and the date of a document."""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from itertools import islice

YEAR_MIN = 1900
YEAR_MAX = 2100
_ENGLISH_YEAR_MAX = _dt.date.today().year + 10

_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
         ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
         ("october", "oct"), ("november", "nov"), ("december", "dec")]
    )
    for m in names
}
_Y = r"(1[89]\d\d|20\d\d|2100)"
_D = r"(?<![\d.])"  # not inside a longer number
# 2005 年 9 月 7 日 / 2005年9月 / 2005 年
_ZH_DATE = re.compile(_D + _Y + r"\s*年\s*(?:(\d{1,2})\s*月\s*(?:(\d{1,2})\s*(?:[-–—－~～至]\s*\d{1,2}\s*)?日)?)?")
# 2004—2006 年, 2016-2020年: a span of years
_ZH_SPAN = re.compile(_D + _Y + r"\s*(?:年\s*)?[-–—~～至到]\s*" + _Y + r"\s*年")
# 2018-02-02, 2018/2/2, 2018.02.02, 2016.7
_NUM_DATE = re.compile(_D + _Y + r"\s*([-/.])\s*(\d{1,2})(?:\s*\2\s*(\d{1,2}))?(?![\d])")
# 7 May 2004, May 2004, May 7, 2004
_EN_DATE = re.compile(
    r"\b(?:(\d{1,2})\s+)?(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?\s+(?:(\d{1,2}),?\s+)?" + _Y + r"\b",
    re.I,
)
_EN_YEAR = re.compile(r"(?<![\d.,/-])\b" + _Y + r"\b(?![\d%年.,]\d)")
# what every English month name starts with; under re.I, ſ matches s and ı matches i
_MONTH_STEM = re.compile("jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec")  # in lower case: no re.I
_CASE_ODDITIES = str.maketrans({"ſ": "s", "ı": "i"})


def _names_a_month(text: str) -> bool:
    """False when no English month name can match in `text`: the month patterns (case-insensitive,
    tried at every position) are then not run at all."""
    lower = text.lower()
    if "ſ" in lower or "ı" in lower:
        lower = lower.translate(_CASE_ODDITIES)
    return _MONTH_STEM.search(lower) is not None


# a target or deadline, not a date of the text: "by 2020", "力争2020年前", "到2017年底"
_TARGET_BEFORE = re.compile(r"(?:\b(?:by|until|till|no later than|prior to|up to)\s+(?:the\s+)?(?:end\s+of\s+|early\s+|mid-?\s*)?"
                            r"|(?:到|力争|争取|预计到|计划到|确保)\s*(?:在\s*)?)$", re.I)
_TARGET_AFTER = re.compile(r"^\s*(?:年\s*)?(?:底|末)?\s*(?:前|以前|之前)(?![进往])")


def in_passing(text: str, start: int, end: int) -> bool:
    """True when the date at text[start:end] is a target or deadline ("by 2020", "力争2020年前"),
    which says nothing about when the text's matter happened."""
    return bool(_TARGET_BEFORE.search(text, max(0, start - 24), start)) or bool(_TARGET_AFTER.match(text[end:end + 6]))


def years_in(text: str) -> list[int]:
    """Sorted distinct years the text mentions as dates (2005 年 9 月, 2018-02-02, May 2004, in 2003);
    targets ("by 2020", "力争2020年前") and labels ("AEC 2025", "HS 2028") are not dates."""
    years: set[int] = set()
    for m in _ZH_SPAN.finditer(text):
        a, b = int(m.group(1)), int(m.group(2))
        if a <= b <= a + 10 and not in_passing(text, m.start(), m.end()):
            years.update(range(a, b + 1))
    for m in _ZH_DATE.finditer(text):
        if not in_passing(text, m.start(), m.end()):
            years.add(int(m.group(1)))
    for m in _NUM_DATE.finditer(text):
        if 1 <= int(m.group(3)) <= 12 and not in_passing(text, m.start(), m.end()):
            years.add(int(m.group(1)))
    for m in _EN_DATE.finditer(text) if _names_a_month(text) else ():
        if not in_passing(text, m.start(), m.end()):
            years.add(int(m.group(4)))
    if _has_latin_prose(text):
        for m in _EN_YEAR.finditer(text):
            y = int(m.group(1))
            if y <= _ENGLISH_YEAR_MAX and not _label_year(text, m.start()) and not in_passing(text, m.start(), m.end()):
                years.add(y)
    return sorted(y for y in years if YEAR_MIN <= y <= YEAR_MAX)


_LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


def _has_latin_prose(text: str) -> bool:
    # bare years ("in 2003") are trusted in English prose only; in Chinese a bare number is a quantity
    return next(islice(_LATIN_WORD.finditer(text), 2, None), None) is not None  # three words or more


def _fmt(y: int, m: int | None = None, d: int | None = None) -> str:
    if m and 1 <= m <= 12:
        if d and 1 <= d <= 31:
            try:
                return _dt.date(y, m, d).isoformat()
            except ValueError:
                pass
        return f"{y:04d}-{m:02d}"
    return f"{y:04d}"


def parse_date(value) -> str | None:
    """A date given as metadata (front matter, catalogue, HTTP style) as YYYY[-MM[-DD]], or None."""
    if value is None or value == "":
        return None
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, int):
        return _fmt(value) if YEAR_MIN <= value <= YEAR_MAX else None
    s = str(value).strip()
    m = re.fullmatch(_Y, s)
    if m:
        return s
    found = first_date(s)
    if found:
        return found
    try:
        from email.utils import parsedate_to_datetime

        return parsedate_to_datetime(s).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def first_date(text: str) -> str | None:
    """The first full or partial date written in `text`, as YYYY[-MM[-DD]]."""
    best: tuple[int, str] | None = None
    for rx, groups in ((_ZH_DATE, (1, 2, 3)), (_NUM_DATE, (1, 3, 4)), (_EN_DATE, (4, None, 1))):
        for m in rx.finditer(text):
            y = int(m.group(groups[0]))
            if rx is _EN_DATE:
                mo = _MONTHS[m.group(2).lower()]
                day = m.group(1) or m.group(3)
                value = _fmt(y, mo, int(day) if day else None)
            else:
                mo = m.group(groups[1])
                day = m.group(groups[2]) if groups[2] else None
                if rx is _NUM_DATE and not (1 <= int(mo) <= 12):
                    continue
                value = _fmt(y, int(mo) if mo else None, int(day) if day else None)
            if best is None or m.start() < best[0]:
                best = (m.start(), value)
            break
    return best[1] if best else None


_HEADER_LINES = 6  # a document's own date sits in its first few lines
_DATE_LABEL = re.compile(r"来源|发布|日期|时间|Date|Published|Posted|Issued", re.I)


def document_date(lines: list[str], title: str | None, filename: str) -> str | None:
    """A document's date: a full date in the file name (an archivist's choice), a date line among
    the first lines, else a year in the title or file name."""
    m = re.search(r"(?<!\d)" + _Y + r"-(\d{2})-(\d{2})(?!\d)", filename)
    if m:
        return _fmt(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    head = [ln.strip() for ln in lines if ln.strip()][:_HEADER_LINES]
    for s in head:
        d = first_date(s)
        if not d:
            continue
        rest = _ZH_DATE.sub("", _NUM_DATE.sub("", _EN_DATE.sub("", s)))
        meaningful = sum(1 for c in rest if c.isalpha())
        if meaningful <= 12 or (_DATE_LABEL.search(s) and meaningful <= 30):
            return d
    for source in (title or "", re.sub(r"[_\-]", " ", filename)):
        for m in re.finditer(r"(?<!\d)" + _Y + r"(?!\d)", source):
            if int(m.group(1)) <= _dt.date.today().year + 1:  # HS 2028 names a version, not a date
                return m.group(1)
    return None


def year_of(date: str | None) -> int | None:
    """The year of a YYYY[-MM[-DD]] date."""
    return int(date[:4]) if date else None


# -- date mentions with their place in the text (for events) -------------------------------------

_ZH_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _zh_number(s: str) -> int | None:
    """1-99 written in digits or Chinese numerals (九, 十二, 二十六)."""
    if s.isdigit():
        return int(s)
    if "十" in s:
        head, _, tail = s.partition("十")
        tens = _ZH_DIGITS.get(head, 0) if head else 1
        ones = _ZH_DIGITS.get(tail, 0) if tail else 0
        return tens * 10 + ones if (not head or head in _ZH_DIGITS) and (not tail or tail in _ZH_DIGITS) else None
    return _ZH_DIGITS.get(s) if len(s) == 1 else None


_WORD_NUM = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen".split())}
_WORD_NUM.update({w: 10 * (i + 2) for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split())})
_ORDINAL_WORDS = {w: i + 1 for i, w in enumerate(
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth "
    "fifteenth sixteenth seventeenth eighteenth nineteenth twentieth".split())}
_ORDINAL_WORDS["thirtieth"] = 30


def _ordinal_word(s: str) -> int | None:
    """"sixth" -> 6, "twenty-sixth" -> 26, "26th" -> 26."""
    s = s.lower().replace(" ", "-")
    m = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)?", s)
    if m:
        return int(m.group(1))
    if s in _ORDINAL_WORDS:
        return _ORDINAL_WORDS[s]
    tens, _, unit = s.partition("-")
    if tens in ("twenty", "thirty") and unit in _ORDINAL_WORDS:
        return _WORD_NUM[tens] + _ORDINAL_WORDS[unit]
    return None


def _year_words(s: str) -> int | None:
    """A year written in words: "nineteen hundred and sixty-one", "one thousand nine hundred and
    twenty-three", "Two Thousand and Nine"."""
    total = current = 0
    words = [w for w in re.split(r"[\s-]+", s.lower()) if w and w != "and"]
    if not words:
        return None
    for w in words:
        if w in _WORD_NUM:
            current += _WORD_NUM[w]
        elif w == "hundred":
            current *= 100
        elif w == "thousand":
            total += current * 1000
            current = 0
        else:
            return None
    year = total + current
    return year if YEAR_MIN - 100 <= year <= YEAR_MAX else None


_MONTH_RX = r"(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_ORD = r"(\d{1,2})(?:st|nd|rd|th)?"
_NUMBER_WORD = r"(?:" + "|".join(sorted([*_WORD_NUM, "hundred", "thousand"], key=len, reverse=True)) + r")"
_YEAR_IN_WORDS = _NUMBER_WORD + r"(?:(?:[\s-]+|\s+and\s+)" + _NUMBER_WORD + r"){1,8}"
_ZH_MONTH = r"(\d{1,2}|十[一二]?|[一二三四五六七八九])"
_ZH_DAY = r"(\d{1,2}|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])"

# 2005 年 9 月 7 日 (至 9 日) / 2006 年九月 / 2015年底; the range part is read separately
_M_ZH_FULL = re.compile(_D + _Y + r"\s*年\s*(?:" + _ZH_MONTH + r"\s*月\s*(?:" + _ZH_DAY +
                        r"\s*(?:(日|号)|(?![\d.%])))?)?")
_M_ZH_RANGE = re.compile(r"\s*(?:[-–—－~～至到]\s*|\s+(?=\d{1,2}\s*日))(?:(\d{1,2})\s*月\s*)?(\d{1,2})\s*(?:日|号)")
_M_ZH_RANGE_NO_MARK = re.compile(r"\s*[-–—－~～至到]\s*(\d{1,2})\s*(?:日|号)")
# 2月4日, 8 月 31 日, 11 月初: a date without its year
_M_ZH_MD = re.compile(r"(?<![\d年])" + _ZH_MONTH + r"\s*月\s*(?:(\d{1,2})\s*(?:日|号)|(初|中旬|上旬|下旬|底|末))")
# 1日零时10分, 记者5日电: a day of the document's month
_M_ZH_DAY = re.compile(r"(?<![\d月年./-])(\d{1,2})\s*日(?=\s*(?:零时|凌晨|上午|中午|下午|晚|电|讯|起))")
_M_ZH_RELATIVE = re.compile(r"(今年|本年|去年|上年|前年|明年|次年|翌年|同年|当年|是年)\s*(?:"
                            + _ZH_MONTH + r"\s*月\s*(?:(\d{1,2})\s*(?:日|号))?)?")
_M_ZH_SAME_DAY = re.compile(r"当日|当天|同日|同一天|是日")
_M_RECENT = re.compile(r"日前|近日|前不久|不久前|\brecently\b|\bearlier this (?:week|month)\b", re.I)
_M_EN_DMY = re.compile(r"\b" + _ORD + r"(?:\s*(?:-|–|to|and)\s*" + _ORD + r")?\s+(" + _MONTH_RX + r"),?\s+" + _Y + r"\b", re.I)
_M_EN_MDY = re.compile(r"\b(" + _MONTH_RX + r")\s+" + _ORD + r"(?:\s*(?:-|–|to)\s*" + _ORD + r")?,?\s+" + _Y + r"\b", re.I)
_M_EN_MY = re.compile(r"\b(" + _MONTH_RX + r"),?\s+(?:of\s+)?" + _Y + r"\b", re.I)
# on 4 February / on February 4: a date without its year (month names capitalised)
_M_EN_DM = re.compile(r"(?<=\b[Oo]n )" + _ORD + r"\s+([A-Z][a-z]+\.?)(?![\s,]*\d)")
_M_EN_MD = re.compile(r"(?<=\b[Oo]n )([A-Z][a-z]+\.?)\s+" + _ORD + r"\b(?![\s,]*\d)")
# the third day of November one thousand nine hundred and twenty-three / this 26th Day of February in the Year Two Thousand and Nine
_M_EN_WORDS = re.compile(r"\b(?:the|this)\s+([a-z]+(?:-[a-z]+)?|\d{1,2}(?:st|nd|rd|th))\s+day\s+of\s+(" + _MONTH_RX +
                         r"),?\s+(?:in\s+the\s+year\s+)?(" + _YEAR_IN_WORDS + r"|" + _Y + r")\b", re.I)
_M_EN_YEAR = re.compile(r"(?<![\d.,/-])\b" + _Y + r"\b(?![\d%年.,]\d)")
# a year named as a label, not a date: AEC 2025, HS 2028, GATT 1994, Blueprint 2025, ASEAN 2023 Chairmanship
_LABEL_BEFORE = re.compile(r"\b(?:[A-Z]{2,}[A-Za-z]*|[A-Z][a-z]+)\s+$")
_NOT_LABEL = {"In", "By", "Since", "From", "Until", "Till", "Before", "After", "During", "Of", "On", "At", "To",
              "The", "And", "Between", "For", "Circa", "Early", "Late", "Mid", "End", "Year", "Years", "Also",
              "Then", "Around", "About", "Till", "Through", "Throughout", "Within", "Or", "Spring", "Summer",
              "Autumn", "Fall", "Winter", "Until", "Unto", "Dated", "Revised", "Updated", "Circular", "Since"}


@dataclass(frozen=True)
class DateMention:
    """A date written in a text, with its span; the year is None where the text leaves it out."""

    start: int
    end: int
    year: int | None
    month: int | None = None
    day: int | None = None
    end_month: int | None = None  # a range over several days: 2005 年 9 月 7 日至 9 日
    end_day: int | None = None
    relative: str | None = None  # "no-year" | "this-year" | "last-year" | "next-year" | "same-year" | "same-day" | "recent" | "day-only"
    span: bool = False  # a span of years ("2016-2020年"): a period, never the day of an event
    qualifier: str | None = None  # 初 / 底 / 年内 ... after the date

    @property
    def precision(self) -> str:
        """"day", "month" or "year"."""
        return "day" if self.day else "month" if self.month else "year"

    def iso(self, year: int | None = None) -> str | None:
        """The date as YYYY[-MM[-DD]], with `year` filled in where the text gave none."""
        y = self.year if self.year is not None else year
        return _fmt(y, self.month, self.day) if y is not None else None

    def iso_end(self, year: int | None = None) -> str | None:
        """The last day of a range, or None."""
        y = self.year if self.year is not None else year
        if y is None or not self.end_day:
            return None
        return _fmt(y, self.end_month or self.month, self.end_day)


def _words_dates(text: str, add) -> None:
    for m in _M_EN_WORDS.finditer(text):
        day = _ordinal_word(m.group(1))
        year = _year_words(m.group(3)) if not m.group(3).isdigit() else int(m.group(3))
        if day and year and 1 <= day <= 31:
            add(DateMention(m.start(), m.end(), year, _MONTHS[m.group(2).lower().rstrip(".")], day))


def _overlaps(found: list[DateMention], s: int, e: int) -> bool:
    return any(m.start < e and s < m.end for m in found)


def _label_year(text: str, start: int) -> bool:
    """A bare year written right after a name ("AEC 2025", "HS 2028"): a label, not a date."""
    m = _LABEL_BEFORE.search(text, max(0, start - 40), start)
    if not m:
        return False
    word = m.group().strip()
    return word not in _NOT_LABEL and word.lower() not in _MONTHS


def find_dates(text: str) -> list[DateMention]:
    """Every date written in `text` (Chinese or English), in text order, with its span: full and
    partial dates, ranges of days, dates without a year (2月4日, on 4 February, 今年3月, 当日),
    dates in words (the sixth day of December nineteen hundred and sixty-one) and spans of years."""
    found: list[DateMention] = []

    def add(m: DateMention) -> None:
        if not _overlaps(found, m.start, m.end):
            found.append(m)

    # each pattern runs only where what it needs is there (this runs on every dated sentence of a build)
    digit = bool(re.search(r"\d", text))
    latin = bool(re.search(r"[A-Za-z]", text))
    nian, yue, ri = "年" in text, "月" in text, "日" in text
    lower = text.lower() if latin else ""
    if latin and "day of" in lower:
        _words_dates(text, add)
    if not (digit or nian or yue or ri or latin):
        return found

    for m in _ZH_SPAN.finditer(text) if nian else ():
        a, b = int(m.group(1)), int(m.group(2))
        if a < b <= a + 30:
            add(DateMention(m.start(), m.end(), a, span=True))
    for m in _M_ZH_FULL.finditer(text) if nian and digit else ():
        y = int(m.group(1))
        mo = _zh_number(m.group(2)) if m.group(2) else None
        d = _zh_number(m.group(3)) if m.group(3) else None
        mo = mo if mo and 1 <= mo <= 12 else None
        d = d if mo and d and 1 <= d <= 31 else None
        end = m.end() if (mo or not m.group(2)) else m.start(2)
        end_mo = end_d = None
        qualifier = None
        if d:
            rng = (_M_ZH_RANGE if m.group(4) else _M_ZH_RANGE_NO_MARK).match(text, m.end())
            if rng:
                end_mo = int(rng.group(1)) if m.group(4) and rng.group(1) else None
                end_d = int(rng.group(2) if m.group(4) else rng.group(1))
                if (end_mo or mo) and 1 <= end_d <= 31 and (end_mo or mo, end_d) > (mo, d):
                    end = rng.end()
                else:
                    end_mo = end_d = None
            elif not m.group(4):  # "2006 年 4参加": a stray digit, not a day
                d, end = None, m.start(3)
        q = re.match(r"\s*(年内|全年|年度|底|末|初|内|中|前|以前|之前|后|以后|以来|起|版)", text[end:end + 6]) if not mo else \
            re.match(r"\s*(初|中旬|上旬|下旬|底|末|份|起|前|以前|之前|后|以后|以来)", text[end:end + 6]) if not d else \
            re.match(r"\s*(起|前|以前|之前|后|以后|以来)", text[end:end + 6])
        if q:
            qualifier = q.group(1)
        add(DateMention(m.start(), end, y, mo, d, end_mo, end_d, qualifier=qualifier))
    en_dates = latin and digit
    en_months = en_dates and _names_a_month(text)
    for m in _M_EN_DMY.finditer(text) if en_months else ():
        y, mo = int(m.group(4)), _MONTHS[m.group(3).lower().rstrip(".")]
        d, d2 = int(m.group(1)), int(m.group(2)) if m.group(2) else None
        if 1 <= d <= 31:
            add(DateMention(m.start(), m.end(), y, mo, d, None, d2 if d2 and d < d2 <= 31 else None))
    for m in _M_EN_MDY.finditer(text) if en_months else ():
        y, mo = int(m.group(4)), _MONTHS[m.group(1).lower().rstrip(".")]
        d, d2 = int(m.group(2)), int(m.group(3)) if m.group(3) else None
        if 1 <= d <= 31:
            add(DateMention(m.start(), m.end(), y, mo, d, None, d2 if d2 and d < d2 <= 31 else None))
    for m in _M_EN_MY.finditer(text) if en_months else ():
        word = m.group(1)
        if word.lower().rstrip(".") in ("may", "march") and word[0].islower():
            continue  # "may 2004" in running text is rare; "you may 2..." is not a date
        add(DateMention(m.start(), m.end(), int(m.group(2)), _MONTHS[word.lower().rstrip(".")]))
    for m in _NUM_DATE.finditer(text) if digit else ():
        mo = int(m.group(3))
        d = int(m.group(4)) if m.group(4) else None
        if 1 <= mo <= 12 and (d is None or 1 <= d <= 31):
            add(DateMention(m.start(), m.end(), int(m.group(1)), mo, d))
    for m in _M_ZH_RELATIVE.finditer(text) if nian else ():
        word = m.group(1)
        rel = {"今年": "this-year", "本年": "this-year", "去年": "last-year", "上年": "last-year", "前年": "last-year",
               "明年": "next-year", "次年": "next-year", "翌年": "next-year"}.get(word, "same-year")
        if rel == "same-year" and not m.group(2):
            continue  # 当年 alone is "that year" in prose, too vague to date anything
        mo = _zh_number(m.group(2)) if m.group(2) else None
        d = int(m.group(3)) if m.group(3) else None
        add(DateMention(m.start(), m.end(), None, mo if mo and 1 <= mo <= 12 else None, d, relative=rel))
    for m in _M_ZH_MD.finditer(text) if yue else ():
        mo = _zh_number(m.group(1))
        d = int(m.group(2)) if m.group(2) else None
        if not mo or not 1 <= mo <= 12 or (d and not 1 <= d <= 31):
            continue
        end, end_mo, end_d = m.end(), None, None
        if d:
            rng = _M_ZH_RANGE.match(text, m.end())
            if rng:
                e_mo = int(rng.group(1)) if rng.group(1) else mo
                e_d = int(rng.group(2))
                if (e_mo, e_d) > (mo, d) and 1 <= e_d <= 31:
                    end, end_mo, end_d = rng.end(), (e_mo if rng.group(1) else None), e_d
        add(DateMention(m.start(), end, None, mo, d, end_mo, end_d, relative="no-year",
                        qualifier=None if d else m.group(3)))
    on = en_months and ("on " in text or "On " in text)
    for m in _M_EN_DM.finditer(text) if on else ():
        mo = _MONTHS.get(m.group(2).lower().rstrip("."))
        if mo and 1 <= int(m.group(1)) <= 31:
            add(DateMention(m.start(), m.end(), None, mo, int(m.group(1)), relative="no-year"))
    for m in _M_EN_MD.finditer(text) if on else ():
        mo = _MONTHS.get(m.group(1).lower().rstrip("."))
        if mo and 1 <= int(m.group(2)) <= 31:
            add(DateMention(m.start(), m.end(), None, mo, int(m.group(2)), relative="no-year"))
    for m in _M_ZH_DAY.finditer(text) if ri and digit else ():
        if 1 <= int(m.group(1)) <= 31:
            add(DateMention(m.start(), m.end(), None, None, int(m.group(1)), relative="day-only"))
    for m in _M_ZH_SAME_DAY.finditer(text) if ri or "天" in text else ():
        add(DateMention(m.start(), m.end(), None, relative="same-day"))
    for m in _M_RECENT.finditer(text) if "前" in text or "近日" in text or "recent" in lower or "earlier" in lower else ():
        add(DateMention(m.start(), m.end(), None, relative="recent"))
    if en_dates and _has_latin_prose(text):
        for m in _M_EN_YEAR.finditer(text):
            y = int(m.group(1))
            if y <= _ENGLISH_YEAR_MAX and not _label_year(text, m.start()):
                span = bool(re.match(r"\s*[-–—]\s*" + _Y, text[m.end():m.end() + 8])) or \
                    bool(re.search(_Y + r"\s*[-–—]\s*$", text[max(0, m.start() - 8):m.start()]))
                add(DateMention(m.start(), m.end(), y, span=span))
    found.sort(key=lambda d: d.start)
    return found
