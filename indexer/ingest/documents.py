"""From a file to a Document: extracted text cut into passages, tagged with years, partners and topics."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from indexer.analysis.taxonomy import load_taxonomy
from indexer.analysis.textnorm import han_count, is_han

from .dates import document_date, parse_date, year_of, years_in
from .extract import Extracted
from .passages import cut_passages
from .titles import find_title, title_from_filename

_BAD_META_TITLE = re.compile(r"^(Microsoft Word - |untitled|document\d*$)|\.(pdf|docx?|indd|tex)$", re.I)


@dataclass
class Passage:
    """A paragraph-sized piece of a document with its page and tags."""

    n: int
    text: str
    page: int | None
    years: list[int]
    partners: list[str]
    topics: list[str]
    lang: str


@dataclass
class Document:
    """One source file as it is indexed and shown."""

    doc_id: str
    title: str
    date: str | None
    year: int | None
    lang: str
    kind: str
    partners: list[str]
    topics: list[str]
    years: list[int]
    passages: list[Passage]
    catalog: dict = field(default_factory=dict)  # archivist-supplied metadata, shown as such
    extracted: dict = field(default_factory=dict)  # what extraction found (title, date, source_url)
    warnings: list[str] = field(default_factory=list)


_NOT_LATIN = re.compile("[^A-Za-z]+")  # all but what c.isascii() and c.isalpha() accept


def detect_lang(text: str) -> str:
    """"zh" when Han characters carry the text, else "en"."""
    han = han_count(text)
    latin = len(_NOT_LATIN.sub("", text))
    return "zh" if han * 3 >= latin else "en"


def plausible_title(title: str | None) -> bool:
    """False for empty, one-word or software-generated titles ("Microsoft Word - x.doc")."""
    if not title:
        return False
    t = title.strip()
    meaningful = sum(1 for c in t if c.isalpha() or is_han(c))
    return meaningful >= 4 and not _BAD_META_TITLE.search(t) and len(t) <= 200


def document_from_extracted(ex: Extracted, doc_id: str, catalog: dict,
                            target: float = 350, maximum: float = 700) -> Document:
    """A Document from extracted text: passages cut and tagged, title and date found, catalogue applied."""
    taxonomy = load_taxonomy()
    passages: list[Passage] = []
    for page in ex.pages:
        for chunk in cut_passages(page.text, target, maximum):
            partners, topics = taxonomy.tag(chunk)
            passages.append(Passage(
                n=len(passages), text=chunk, page=page.number, years=years_in(chunk),
                partners=partners, topics=topics, lang=detect_lang(chunk),
            ))
    full_text = ex.text
    lines = full_text.splitlines()

    extracted: dict = {k: v for k, v in ex.meta.items() if k in ("title", "date", "source_url") and v}
    title = extracted.get("title") if plausible_title(extracted.get("title")) else None
    title = title or find_title(lines)
    if title:
        extracted.setdefault("title", title)
    date = extracted.get("date") or document_date(lines, title, doc_id)
    if date:
        extracted.setdefault("date", date)

    if catalog.get("title"):
        title = catalog["title"]
    if catalog.get("date"):
        date = parse_date(catalog["date"]) or date
    title = title or title_from_filename(doc_id)

    t_partners, t_topics = taxonomy.tag(title)
    partners = set(t_partners)
    topics = set(t_topics)
    years: set[int] = set()
    for p in passages:
        partners.update(p.partners)
        topics.update(p.topics)
        years.update(p.years)
    for source in (ex.meta, catalog):
        partners.update(i for i in source.get("partners", []) if i in taxonomy.partners)
        topics.update(i for i in source.get("topics", []) if i in taxonomy.topics)
    warnings = list(ex.warnings)
    for source_name, source in (("front matter", ex.meta), ("catalogue", catalog)):
        unknown = [i for i in source.get("partners", []) if i not in taxonomy.partners]
        unknown += [i for i in source.get("topics", []) if i not in taxonomy.topics]
        if unknown:
            warnings.append(f"{source_name}: unknown partner/topic ids ignored: {', '.join(unknown)}")
    return Document(
        doc_id=doc_id, title=title, date=date, year=year_of(date), lang=detect_lang(full_text),
        kind=ex.kind, partners=sorted(partners), topics=sorted(topics), years=sorted(years),
        passages=passages, catalog=dict(catalog), extracted=extracted, warnings=warnings,
    )
