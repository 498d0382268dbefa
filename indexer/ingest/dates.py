"""Years a text speaks of, and the date of a document."""
from __future__ import annotations

import datetime as _dt
import re

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


def years_in(text: str) -> list[int]:
    """Sorted distinct years the text mentions as dates (2005 年 9 月, 2018-02-02, May 2004, in 2003)."""
    years: set[int] = set()
    for m in _ZH_SPAN.finditer(text):
        a, b = int(m.group(1)), int(m.group(2))
        if a <= b <= a + 10:
            years.update(range(a, b + 1))
    for m in _ZH_DATE.finditer(text):
        years.add(int(m.group(1)))
    for m in _NUM_DATE.finditer(text):
        if 1 <= int(m.group(3)) <= 12:
            years.add(int(m.group(1)))
    for m in _EN_DATE.finditer(text):
        years.add(int(m.group(4)))
    if _has_latin_prose(text):
        for m in _EN_YEAR.finditer(text):
            y = int(m.group(1))
            if y <= _ENGLISH_YEAR_MAX:
                years.add(y)
    return sorted(y for y in years if YEAR_MIN <= y <= YEAR_MAX)


def _has_latin_prose(text: str) -> bool:
    # bare years ("in 2003") are trusted in English prose only; in Chinese a bare number is a quantity
    return len(re.findall(r"[A-Za-z]{3,}", text)) >= 3


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
