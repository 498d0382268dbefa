"""From a file to a Document: extracted text cut into passages, tagged with years, partners and topics."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from indexer.analysis.taxonomy import load_taxonomy

from .dates import document_date, parse_date, year_of, years_in
from .events import merge_events, passage_events
from .extract import Extracted
from .passages import cut_structured
from .titles import (TitleChoice, clean_meta_title, plausible_meta_title, text_lang, title_from_filename,
                     title_from_text)

BLOCK_KINDS = ("markdown", "html", "docx", "pptx", "xlsx")  # their text has one block per paragraph


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
    article: str | None = None  # "第十二条" / "Article 12": the article of a law or treaty this passage is part of
    dated_by: str | None = None  # "passage": it names its years; "document": it takes the document's date; None: no date
    facet_years: list[int] = field(default_factory=list)  # the years to file it under (year facet and filter)


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
    events: list = field(default_factory=list)  # Event records (indexer.ingest.events), in passage order
    facet_years: list[int] = field(default_factory=list)  # union of the passages' facet_years
    title_lang: str | None = None  # the title's own language ("en" for an English title over Chinese text)
    author: str | None = None  # issuing body or author, for citations: catalogue, else file metadata, else the text
    source_url: str | None = None  # where the document was published (never a local address)


_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]+")
_LATIN = re.compile(r"[A-Za-z]+")


def detect_lang(text: str) -> str:
    """"zh" when Han characters carry the text, else "en"."""
    # counted with regular expressions: a character loop here was a tenth of the build's ingest time
    return "zh" if sum(map(len, _HAN.findall(text))) * 3 >= sum(map(len, _LATIN.findall(text))) else "en"


# who issued a text, read from its first lines: a law's adopting body, a news item's source
_ZH_LAW_BODY = re.compile(r"(全国人民代表大会常务委员会|全国人民代表大会)第[^\s，。]{1,8}次会议(?:通过|修正|修订)")
_ZH_ORDER = re.compile(r"(?:中华人民共和国)?(国务院|海关总署|[\u4e00-\u9fff]{2,10}?(?:部|委员会|总局|总署))令\s*第\s*\d+\s*号")
_ZH_SOURCE = re.compile(r"来源\s*[:：]\s*([^\s　:：]{2,20})")
_ACCOUNT = re.compile(r"^(?:admin(?:istrator)?|user|owner|author|unknown|guest|windows user|microsoft.*|[a-z0-9._-]+)$", re.I)
_ORG_AUTHOR = re.compile(r"customs|secretariat|organi[sz]ation|ministry|department|administration|authority|agency|"
                         r"commission|office|bureau|council|government|海关|总署|政府|委员会|秘书处|部|局", re.I)


def issuer(meta: dict, lines: list[str], from_text) -> str | None:
    """The author or issuing body: the file's editorial metadata (front matter, HTML), else the
    text (a law's adopting body, a letterhead, a news item's source), else the PDF's Author when
    it names an organisation (a word processor's user name is not an author)."""
    if meta.get("author") and not _ACCOUNT.match(str(meta["author"]).strip()):
        return str(meta["author"]).strip()
    head = [ln.strip() for ln in lines[:12] if ln.strip()]
    for ln in head:
        # each pattern only where its fixed words are (searching every line with them was slow)
        m = ("次会议" in ln and _ZH_LAW_BODY.search(ln)) or ("令" in ln and _ZH_ORDER.search(ln))
        if m:
            return m.group(1)
    if from_text is not None and from_text.issuer:
        return from_text.issuer
    for ln in head[:6]:
        m = _ZH_SOURCE.search(ln)
        if m:
            return m.group(1)
    file_author = str(meta.get("file_author") or "").strip()
    if file_author and not _ACCOUNT.match(file_author) and _ORG_AUTHOR.search(file_author):
        return file_author
    return None


def source_url(meta: dict) -> str | None:
    """The original address of a document, when its metadata gives an absolute one (a site-relative
    permalink such as "/about-us/" says nothing about where the page lives)."""
    url = str(meta.get("source_url") or "").strip()
    return url if re.match(r"https?://[^\s/]+\.[^\s/]+", url) and not re.match(r"https?://(?:localhost|127\.|0\.0\.0\.0)", url) else None


def document_from_extracted(ex: Extracted, doc_id: str, catalog: dict,
                            target: float = 350, maximum: float = 700) -> Document:
    """A Document from extracted text: passages cut and tagged, title and date found, catalogue applied."""
    taxonomy = load_taxonomy()
    passages: list[Passage] = []
    blocks = ex.kind in BLOCK_KINDS
    spans: dict[int, list] = {}  # taxonomy mentions per passage, found once for tags and events
    for page, chunk, article in cut_structured([(p.number, p.text) for p in ex.pages], target, maximum, blocks):
        found = taxonomy.find(chunk)
        spans[len(passages)] = found
        partners = sorted({i for _s, _e, k, i in found if k == "partner"})
        topics = sorted({i for _s, _e, k, i in found if k == "topic"})
        passages.append(Passage(
            n=len(passages), text=chunk, page=page, years=years_in(chunk),
            partners=partners, topics=topics, lang=detect_lang(chunk), article=article,
        ))
    full_text = ex.text
    lines = full_text.splitlines()
    body_lang = text_lang(full_text[:2500])

    extracted: dict = {k: v for k, v in ex.meta.items() if k in ("date", "file_date") and v}
    choice = None
    for key in ("title", "heading"):  # <title> or front matter, else the page's first <h1>
        if plausible_meta_title(ex.meta.get(key)):
            t = clean_meta_title(ex.meta[key])
            choice = TitleChoice(t, "metadata", text_lang(t))
            break
    from_text = title_from_text(lines, body_lang)
    choice = choice or (from_text if from_text and from_text.title else None)
    if choice:
        extracted.update(title=choice.title, title_source=choice.source, title_lang=choice.lang)
        if choice.other_titles:
            extracted["other_titles"] = choice.other_titles
    date = extracted.get("date") or document_date(lines, choice.title if choice else None, doc_id)
    if date:
        extracted.setdefault("date", date)
    author = issuer(ex.meta, lines, from_text)
    if author:
        extracted["author"] = author
    url = source_url(ex.meta)
    if url:
        extracted["source_url"] = url

    title = choice.title if choice else None
    if catalog.get("title"):
        title = catalog["title"]
    if catalog.get("date"):
        date = parse_date(catalog["date"]) or date
    if not title:
        title = title_from_filename(doc_id)
        extracted.update(title_source="filename", title_lang=text_lang(title))
    title_lang = text_lang(title) if catalog.get("title") else extracted.get("title_lang") or text_lang(title)

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
    doc = Document(
        doc_id=doc_id, title=title, date=date, year=year_of(date), lang=detect_lang(full_text),
        kind=ex.kind, partners=sorted(partners), topics=sorted(topics), years=sorted(years),
        passages=passages, catalog=dict(catalog), extracted=extracted, warnings=warnings,
        title_lang=title_lang, author=catalog.get("author") or extracted.get("author"),
        source_url=catalog.get("source_url") or extracted.get("source_url"),
    )
    mentions = passage_events(doc, spans)
    date_passages(doc, mentions)
    doc.events = merge_events(mentions)
    return doc


def date_passages(doc: Document, events: list) -> None:
    """Each passage's `facet_years` and `dated_by`: the years it names (targets and labels left
    out) and the years of the events read in it; a passage naming none takes the document's year."""
    by_passage: dict[int, set[int]] = {}
    for e in events:
        by_passage.setdefault(e.n, set()).add(int(e.date[:4]))
    all_years: set[int] = set()
    for p in doc.passages:
        own = set(p.years)
        found = by_passage.get(p.n, set())
        if own:
            p.dated_by, p.facet_years = "passage", sorted(own | found)
        elif found:
            text_dated = any(e.n == p.n and e.date_source == "text" for e in events)
            p.dated_by, p.facet_years = ("passage" if text_dated else "document"), sorted(found)
        elif doc.year:
            p.dated_by, p.facet_years = "document", [doc.year]
        else:
            p.dated_by, p.facet_years = None, []
        all_years.update(p.facet_years)
    doc.facet_years = sorted(all_years)
