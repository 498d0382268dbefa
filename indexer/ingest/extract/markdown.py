"""Markdown with optional YAML front matter (title, date, partners, topics); HTML inside is allowed."""
from __future__ import annotations

import re
from pathlib import Path

import frontmatter
from frontmatter.default_handlers import JSONHandler, YAMLHandler
from markdown_it import MarkdownIt

from indexer.ingest import safeyaml
from indexer.ingest.boilerplate import strip_chrome
from indexer.ingest.dates import parse_date

from . import Extracted, ExtractionError, Page
from .html import main_text, structural_text
from .text import decode

# Indented code blocks are off: in saved web pages indentation is HTML layout, not code.
_MD = MarkdownIt("commonmark", {"html": True}).enable("table").disable("code")
# Block-level HTML makes a body a saved web page; inline tags (<br>, <a>, <img>) are ordinary Markdown.
_HTML_TAG = re.compile(r"</?(p|div|table|section|article|body|html)\b", re.I)
_TIGHT_HEADING = re.compile(r"^(#{1,6})(?=[^\s#\d])", re.M)  # "##Title": a heading all the same
_KRAMDOWN_ATTRS = re.compile(r"\{:[^}\n]*\}")  # {:target="_blank"}, {:.mobile-block}


def normalise_body(body: str) -> str:
    """Markdown dialects made CommonMark: headings without a space after '#', kramdown attribute lists dropped."""
    return _KRAMDOWN_ATTRS.sub("", _TIGHT_HEADING.sub(r"\1 ", body))


class _SafeYAMLHandler(YAMLHandler):
    """python-frontmatter's YAML handler with bounded loading (a 600-byte alias bomb took 6 GB)."""

    def load(self, fm: str, **kwargs):
        """Parse YAML front matter with `safeyaml.load`."""
        return safeyaml.load(fm)


_HANDLERS = [_SafeYAMLHandler(), JSONHandler()]


def _as_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in re.split(r"[,;，；]", value) if v.strip()]
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    return [str(value)]


def front_matter_meta(fm: dict) -> dict:
    """The metadata we honour from front matter: title, date, partners, topics, source URL, author."""
    meta: dict = {}
    if fm.get("title"):
        meta["title"] = str(fm["title"]).strip()
    if fm.get("date"):
        meta["date"] = parse_date(fm["date"])
    for key in ("partners", "topics"):
        if fm.get(key):
            meta[key] = _as_list(fm[key])
    for key in ("source_url", "url", "link", "canonical_url", "source", "permalink"):
        if fm.get(key):
            meta.setdefault("source_url", str(fm[key]))
    for key in ("author", "authors", "issuer", "publisher"):
        if fm.get(key):
            value = fm[key]
            meta.setdefault("author", "; ".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value).strip())
    return meta


def extract(path: Path, data: bytes) -> Extracted:
    """A .md file: front matter honoured, body rendered and reduced to text."""
    raw = decode(data)
    warning = None
    handler = frontmatter.detect_format(raw.strip(), _HANDLERS)
    try:
        fm, body = frontmatter.parse(raw, handler=handler) if handler else ({}, raw.strip())
    except Exception as e:  # malformed or unsafe YAML: keep the body, report the front matter as ignored
        why = str(e) if isinstance(e, safeyaml.UnsafeYaml) else type(e).__name__
        fm, warning = {}, f"front matter ignored: {why}"
        try:
            body = handler.split(raw.strip())[1]
        except ValueError:
            body = raw
    if not isinstance(fm, dict):
        fm = {}
    meta = front_matter_meta(fm)
    body = normalise_body(body)
    html = _MD.render(body)
    if len(_HTML_TAG.findall(body)) >= 3:
        text, page_meta = main_text(html)  # a saved web page: keep its main text only
        for k, v in page_meta.items():
            if k != "date":  # a body without its page's head has no date of its own, only dates in the text
                meta.setdefault(k, v)
    else:
        text = strip_chrome(structural_text(html))
    if not text.strip() and not body.strip():
        raise ExtractionError("empty file")
    result = Extracted(pages=[Page(None, text)], kind="markdown", meta=meta)
    if warning:
        result.warnings.append(warning)
    return result
