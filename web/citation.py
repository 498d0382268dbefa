"""Citations of a document or one of its passages: a line to copy, RIS and BibTeX to download.

A citation names what a reader elsewhere can find: the issuing body or author, the title, the
date, the page and the article, and the original source URL where the document has one (front
matter, an HTML canonical link, a sidecar). Missing fields are left out, never printed empty, and
this server is never given as the source: a passage number means nothing outside the archive, so
it is cited only when neither a page nor an article locates the passage. An archive link is added
only when the deployment has a public address (PUBLIC_URL).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .i18n import t

FORMATS = {"ris": ("application/x-research-info-systems", "ris"), "bib": ("application/x-bibtex", "bib")}


@dataclass(frozen=True)
class Citation:
    """The fields of one citation, each None when the document does not give it."""

    title: str
    author: str | None
    date: str | None  # ISO, as precise as known
    lang: str
    page: int | None
    article: str | None
    n: int | None  # the passage's label (§1 is the first), cited only when nothing else locates it
    url: str | None  # the original source
    archive_url: str | None  # this archive's page, only under a public address
    doc_id: str


def cite(doc: dict, passage: dict | None, public_url: str) -> Citation:
    """The citation of a document (passage None) or of one passage, from their JSON objects."""
    page = passage.get("page") if passage else None
    article = passage.get("article") if passage else None
    n = passage["n"] + 1 if passage and not page and not article else None  # as labelled on the page: §1, §2…
    archive = None
    if public_url:
        archive = f"{public_url}/doc/{doc['doc_id']}" + (f"#p-{passage['n']}" if passage else "")
    return Citation(title=doc["title"], author=(doc.get("author") or "").strip() or None, date=doc.get("date"),
                    lang=doc.get("title_lang") or doc.get("lang") or "en", page=page, article=article, n=n,
                    url=(doc.get("source") or {}).get("url") or None, archive_url=archive, doc_id=doc["doc_id"])


def text(c: Citation, accessed: str) -> str:
    """The citation as one line in the title's language (GB/T 7714 style in Chinese, author-title-date in English)."""
    lang = "zh" if c.lang == "zh" else "en"
    where = []
    if c.page:
        where.append(t("cite_page", lang, n=c.page))
    if c.article:
        where.append(c.article)
    if c.n is not None:
        where.append(t("cite_loc", lang, n=c.n))
    link = c.url or c.archive_url
    if lang == "zh":
        head = f"{c.author}：" if c.author else ""
        parts = [f"{head}《{c.title}》"] + ([c.date] if c.date else []) + where
        line = "，".join(parts) + "。"
        if link:
            line += f"{link}（访问日期：{accessed}）"
        return line
    parts = ([c.author] if c.author else []) + [c.title] + ([c.date] if c.date else []) + [", ".join(where)] * bool(where)
    line = ". ".join(p.rstrip(".") for p in parts) + "."
    if link:
        line += f" {link} (accessed {accessed})."
    return line


def ris(c: Citation, accessed: str) -> str:
    """The citation as an RIS record (for Zotero, EndNote, Mendeley)."""
    law = bool(c.article)
    lines = [("TY", "STAT" if law else ("ELEC" if c.url else "GEN")), ("TI", c.title)]
    if c.author:
        lines.append(("AU", c.author))
    if c.date:
        y, m, d = (c.date.split("-") + ["", ""])[:3]
        lines += [("PY", y), ("DA", f"{y}/{m}/{d}/")]
    if c.page:
        lines.append(("SP", str(c.page)))
    if c.article:
        lines.append(("N1", c.article))
    elif c.n is not None:
        lines.append(("N1", f"§ {c.n}"))
    if c.url or c.archive_url:
        lines += [("UR", c.url or c.archive_url), ("Y2", accessed)]
    lines += [("LA", c.lang), ("ER", "")]
    return "".join(f"{k}  - {_one_line(v)}\r\n" for k, v in lines)


def bibtex(c: Citation, accessed: str) -> str:
    """The citation as a BibTeX @misc entry (biblatex fields where they fit)."""
    fields = [("title", "{" + _bib(c.title) + "}")]
    if c.author:
        fields.append(("author", "{" + _bib(c.author) + "}"))  # a body, not "Last, First": braced whole
    if c.date:
        fields += [("year", c.date[:4]), ("date", c.date)]
    if c.page:
        fields.append(("pages", str(c.page)))
    note = c.article or (f"§ {c.n}" if c.n is not None else None)
    if note:
        fields.append(("note", _bib(note)))
    if c.url or c.archive_url:
        fields += [("url", c.url or c.archive_url), ("urldate", accessed)]
    fields.append(("langid", {"zh": "chinese", "en": "english"}.get(c.lang, c.lang)))
    body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields)
    return f"@misc{{{_key(c)},\n{body}\n}}\n"


def filename(c: Citation, fmt: str) -> str:
    """A download name for the citation file: the document's stem, then the passage."""
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", c.doc_id.rsplit("/", 1)[-1].rsplit(".", 1)[0]).strip("-.") or "citation"
    return f"{stem}.{FORMATS[fmt][1]}"


def _one_line(v: str) -> str:
    return re.sub(r"\s+", " ", v).strip()


def _bib(v: str) -> str:
    v = _one_line(v)
    return re.sub(r"([\\{}%&$#_^~])", lambda m: {"\\": r"\textbackslash{}", "~": r"\textasciitilde{}",
                                                  "^": r"\textasciicircum{}"}.get(m.group(1), "\\" + m.group(1)), v)


def _key(c: Citation) -> str:
    stem = re.sub(r"[^A-Za-z0-9]+", "", c.doc_id.rsplit("/", 1)[-1].rsplit(".", 1)[0])[:32] or "doc"
    year = c.date[:4] if c.date else ""
    return stem if year in stem else stem + year
