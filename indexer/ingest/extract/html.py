"""HTML pages: the main text, without menus, scripts, styles or footers (trafilatura)."""
from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import trafilatura

from indexer.ingest.boilerplate import strip_chrome
from indexer.ingest.dates import parse_date

from . import Extracted, Page, read_bytes
from .text import decode

_BLOCK_TAGS = {"p", "div", "li", "tr", "br", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section",
               "article", "blockquote", "pre", "ul", "ol", "dl", "dt", "dd", "header", "footer", "hr"}
_DROP_TAGS = ["script", "style", "noscript", "nav", "iframe", "form", "button", "svg", "template"]


def structural_text(html: str) -> str:
    """All visible text, one line per block element (used when the main-text extractor finds nothing)."""
    try:
        root = lxml.html.fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return ""
    for el in root.iter(*_DROP_TAGS):
        el.drop_tree() if el.getparent() is not None else None
    for el in root.iter(lxml.etree.Comment):
        if el.getparent() is not None:
            el.drop_tree()
    parts: list[str] = []

    def walk(el):
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in _BLOCK_TAGS:
            parts.append("\n")
        if el.text:
            parts.append(el.text)
        for child in el:
            walk(child)
            if child.tail:
                parts.append(child.tail)
        if tag in _BLOCK_TAGS:
            parts.append("\n")

    walk(root)
    text = "".join(parts)
    text = re.sub(r"[ \t\u3000]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def first_heading(html: str) -> str | None:
    """The text of the page's first <h1>, if any (the title when <title> is missing or generic)."""
    try:
        h1 = lxml.html.fromstring(html).find(".//h1")
    except (lxml.etree.ParserError, ValueError):
        return None
    text = re.sub(r"\s+", " ", h1.text_content()).strip() if h1 is not None else ""
    return text or None


def main_text(html: str) -> tuple[str, dict]:
    """The main text of a page and its metadata (title, date) as trafilatura finds them."""
    meta: dict = {}
    doc = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=True, favor_recall=True,
        # the page's own date (meta tags, <time>, URL), not the first date its text mentions
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    text = ""
    if doc is not None:
        text = doc.text or ""
        if doc.title:
            meta["title"] = doc.title
        if doc.date:
            meta["date"] = parse_date(doc.date)
        if doc.url:
            meta["source_url"] = doc.url
        if doc.author:
            meta["author"] = doc.author
        elif doc.sitename:
            meta["author"] = doc.sitename
    heading = first_heading(html)
    if heading:
        meta["heading"] = heading
    if len(text.strip()) < 40:
        # trafilatura drops pages it judges to be all boilerplate; keep the visible text instead
        text = structural_text(html)
    return strip_chrome(text), meta


def extract(path: Path) -> Extracted:
    """An .html/.htm file."""
    text, meta = main_text(decode(read_bytes(path)))
    return Extracted(pages=[Page(None, text)], kind="html", meta=meta)
