"""Plain text in any common encoding (UTF-8/16/32, GB18030/GBK, Big5, Shift-JIS, EUC-KR, ...).

The encoding is taken, in this order, from a byte-order mark; from the zero bytes that UTF-16
puts beside every ASCII character (a file saved as "Unicode" by Windows tools often has no
mark); from UTF-8 itself, which is unambiguous when it decodes; and only then guessed by
chardet (whose CJK models tell GBK from EUC-KR and Shift-JIS where charset-normalizer, the
second opinion, may not). When only the second opinion decodes the file, its guess is named in
a warning, so that garbled text can be traced to its cause.
"""
from __future__ import annotations

import codecs
import re
from pathlib import Path

import chardet
from charset_normalizer import from_bytes

from indexer.ingest.boilerplate import strip_chrome
from indexer.ingest.columns_text import fix_read_across

from . import Extracted, ExtractionError, Page

_BOMS = [(codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF8, "utf-8"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")]
# control characters other than tab, newlines and form feed, and the replacement character
_NOT_BAD = re.compile("[^\x00-\x08\x0b\x0e-\x1f\ufffd]+")


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 told by its zero bytes: ASCII characters (newlines, spaces, digits) put a zero byte
    at odd offsets (little-endian) or even ones (big-endian), and almost none at the other parity."""
    if len(data) < 4 or len(data) % 2:
        return None
    even, odd = data[0::2].count(0), data[1::2].count(0)
    n = len(data) // 2
    if max(even, odd) < max(1, n // 200):
        return None
    if odd > 4 * even:
        return _strict(data, "utf-16-le")
    if even > 4 * odd:
        return _strict(data, "utf-16-be")
    return None


def decode_noting(data: bytes) -> tuple[str, str | None]:
    """Decoded text, and a note when its encoding is only the second opinion's guess."""
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise ExtractionError("empty file")
    text, note = None, None
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = _strict(data[len(bom):], encoding)
            break
    if text is None and b"\x00" in data:
        text = _utf16_without_bom(data)
    if text is None and b"\x00" not in data:
        text = _strict(data, "utf-8")
    if text is None:
        guess = chardet.detect(data, prefer_superset=True)
        encoding, confidence = guess.get("encoding"), guess.get("confidence") or 0.0
        if encoding and confidence > 0.1:  # 0.1 is its "nothing fits" answer
            text = _strict(data, encoding)  # chardet looked at the first 200 KB only
    if text is None:
        best = from_bytes(data, cp_isolation=None).best()
        if best is None:
            raise ExtractionError("undecodable text: not in any known encoding (binary file?)")
        text, note = str(best), f"encoding guessed as {best.encoding} (second opinion)"
    bad = len(_NOT_BAD.sub("", text))  # counted by the regex engine, not a Python call per character
    if bad > max(3, len(text) * 0.02):
        raise ExtractionError("binary content, not text")
    return text.replace("\r\n", "\n").replace("\r", "\n"), note


def decode(data: bytes) -> str:
    """Decode text bytes, detecting the encoding (see the module docstring)."""
    return decode_noting(data)[0]


def extract(path: Path, data: bytes) -> Extracted:
    """A .txt file: decoded, two columns read across by OCR put back in order, site chrome trimmed."""
    decoded, note = decode_noting(data)
    text, split = fix_read_across(decoded)
    result = Extracted(pages=[Page(None, strip_chrome(text))], kind="text",
                       meta={"empty_reason": "no text after removing site navigation"})
    if split:
        result.stats["read_across_lines"] = split
    if note:
        result.warnings.append(note)
    return result
