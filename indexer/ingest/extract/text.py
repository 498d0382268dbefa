"""Plain text in any common encoding (UTF-8/16, GB18030/GBK, Big5, ...)."""
from __future__ import annotations

import re
from pathlib import Path

from charset_normalizer import from_bytes

from indexer.ingest.boilerplate import strip_chrome
from indexer.ingest.columns_text import fix_read_across

from . import Extracted, ExtractionError, Page, read_bytes


# control characters other than tab, newlines and form feed, and the replacement character
_NOT_BAD = re.compile("[^\x00-\x08\x0b\x0e-\x1f\ufffd]+")


def decode(data: bytes) -> str:
    """Decode text bytes, detecting the encoding with charset-normalizer."""
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise ExtractionError("empty file")
    try:
        text = data.decode("utf-8-sig")  # unambiguous when it succeeds
    except UnicodeDecodeError:
        best = from_bytes(data, cp_isolation=None).best()
        if best is None:
            raise ExtractionError("undecodable text: not in any known encoding (binary file?)") from None
        text = str(best)
    bad = len(_NOT_BAD.sub("", text))
    if bad > max(3, len(text) * 0.02):
        raise ExtractionError("binary content, not text")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def extract(path: Path) -> Extracted:
    """A .txt file: decoded, two columns read across by OCR put back in order, site chrome trimmed."""
    text, split = fix_read_across(decode(read_bytes(path)))
    result = Extracted(pages=[Page(None, strip_chrome(text))], kind="text",
                       meta={"empty_reason": "no text after removing site navigation"})
    if split:
        result.stats["read_across_lines"] = split
    return result
