"""What the cluster holds: one collection per generation, with document, passage and meta records.

One collection (not one per record kind) so that one alias switch publishes a whole generation.
The analysis stays ours: records carry our word tokens and Chinese bigrams, space-joined in
text order (for Typesense's own phrase search and ranking) and as sets (for exact filters):
- a passage: its text (stored, not indexed), `words`, `bigrams`, `title_words` on a document's
  first passage, `wordset`/`bigramset`, and the years, partners and topics its text names;
- a document: its metadata, the file state an incremental build compares, and the union of its
  passages' token sets (a document matches a single term when one of its passages does);
- an event: what was agreed, held, launched or joined, when, with whom, and the sentence it
  was read from (its document's, removed and replaced with it);
- meta: the generation's name, analysis fingerprint, next passage id, build time, corpus.
"""
from __future__ import annotations

import hashlib
import json

from indexer.analysis.tokens import bigram_tokens, word_tokens
from indexer.ingest.documents import Document

from ..records import DocumentRecord, EventRecord, FileState, PassageRecord

RUN_BREAK = "qqrunbreak"  # between Han runs in `bigrams`: a phrase never spans punctuation
META_ID = "meta"


def collection_name(alias: str, generation: str) -> str:
    """The collection of a generation (`gen-000007` → `customs-archive-gen-000007`)."""
    return f"{alias}-{generation}"


def _field(name: str, type_: str, **kw) -> dict:
    return {"name": name, "type": type_, "optional": True, **kw}


FIELDS = [
    {"name": "kind", "type": "string"},  # doc | passage | event | meta
    _field("doc_id", "string", facet=True),
    # passages
    _field("pid", "int64"), _field("n", "int32", sort=True), _field("page", "int32"),
    _field("text", "string", index=False),
    _field("words", "string"), _field("bigrams", "string"), _field("title_words", "string"),
    _field("wordset", "string[]"), _field("bigramset", "string[]"),
    # tags (a passage's own, or a document's: filters and facets use the document records)
    _field("years", "int32[]", facet=True), _field("facet_years", "int32[]"), _field("partners", "string[]", facet=True),
    _field("dated_by", "string", index=False), _field("article", "string", index=False),
    _field("topics", "string[]", facet=True), _field("lang", "string", facet=True),
    # documents
    _field("title", "string", sort=True), _field("date", "string", index=False),
    _field("date_key", "string", sort=True), _field("ord", "int64"),
    _field("year", "int32"), _field("doc_kind", "string", index=False),
    _field("catalog", "string", index=False), _field("extracted", "string", index=False),
    _field("size", "int64"), _field("n_passages", "int32"),
    _field("mtime_ns", "int64"), _field("sha256", "string", index=False), _field("meta_hash", "string", index=False),
    _field("author", "string", index=False), _field("source_url", "string", index=False),
    _field("title_lang", "string", index=False),
    # events (partners, topics, n, page, lang, article as above)
    _field("event_kind", "string", facet=True), _field("event_year", "int32", facet=True), _field("seq", "int32"),
    _field("event", "string", index=False),
    # meta
    _field("value", "string", index=False),
]


def schema(name: str) -> dict:
    """The collection schema."""
    return {"name": name, "fields": FIELDS}


def doc_record_id(doc_id: str) -> str:
    """A document record's id (the doc_id may hold any character a file name can)."""
    return "d-" + hashlib.sha1(doc_id.encode("utf-8", "surrogateescape")).hexdigest()


def passage_record_id(pid: int) -> str:
    """A passage record's id."""
    return f"p-{pid}"


def _usable(tokens) -> list[str]:
    # a backtick cannot be quoted in a filter; such a token is not filterable (Typesense drops it anyway)
    return [t for t in tokens if "`" not in t]


def passage_analysis(text: str, title: str | None) -> dict:
    """A passage's tokens as records hold them (the title, on a document's first passage, matches too)."""
    words = word_tokens(text, "index")
    primary = [t for t, _p, _s, _e in _first_at_each_position(words)]
    grams = bigram_tokens(text)
    runs: list[str] = []
    last = None
    for b, pos, _s, _e in grams:
        if last is not None and pos != last + 1:
            runs.append(RUN_BREAK)
        runs.append(b)
        last = pos
    wordset = {t for t, _p, _s, _e in words}
    bigramset = {b for b, _p, _s, _e in grams}
    out = {"words": " ".join(_usable(primary)), "bigrams": " ".join(_usable(runs))}
    if title:
        title_words = [t for t, _p, _s, _e in word_tokens(title, "index")]
        out["title_words"] = " ".join(_usable(title_words))
        wordset.update(title_words)
        bigramset.update(b for b, _p, _s, _e in bigram_tokens(title))
    out["wordset"] = sorted(_usable(wordset))
    out["bigramset"] = sorted(_usable(bigramset))
    return out


def _first_at_each_position(tokens):
    """The tokens in text order, one per position (sub-words share their compound's position)."""
    seen = -1
    for tok in tokens:
        if tok[1] != seen:
            seen = tok[1]
            yield tok


def passage_records(doc: Document, pids: list[int]) -> list[dict]:
    """The passage records of a document."""
    out = []
    for pid, p in zip(pids, doc.passages):
        out.append({
            "id": passage_record_id(pid), "kind": "passage", "pid": pid, "doc_id": doc.doc_id, "n": p.n,
            "page": p.page or 0, "text": p.text, "years": p.years, "partners": p.partners, "topics": p.topics,
            "lang": p.lang, "facet_years": p.facet_years, "dated_by": p.dated_by or "", "article": p.article or "",
            **passage_analysis(p.text, doc.title if p.n == 0 else None),
        })
    return out


def doc_record(doc: Document, state: FileState, ord_: int, passages: list[dict]) -> dict:
    """A document's record, its token sets the union of its passages'."""
    wordset = sorted({t for r in passages for t in r["wordset"]})
    bigramset = sorted({b for r in passages for b in r["bigramset"]})
    return {
        "id": doc_record_id(doc.doc_id), "kind": "doc", "doc_id": doc.doc_id, "title": doc.title or "",
        "date": doc.date or "", "date_key": date_key(doc.date, doc.title), "year": doc.year or 0, "lang": doc.lang, "doc_kind": doc.kind,
        "partners": doc.partners, "topics": doc.topics, "years": doc.facet_years,
        "author": doc.author or "", "source_url": doc.source_url or "", "title_lang": doc.title_lang or "",
        "catalog": json.dumps(doc.catalog, ensure_ascii=False), "extracted": json.dumps(doc.extracted, ensure_ascii=False),
        "size": state.size, "n_passages": len(doc.passages), "ord": ord_,
        "mtime_ns": state.mtime_ns, "sha256": state.sha256, "meta_hash": state.meta_hash,
        "wordset": wordset, "bigramset": bigramset,
    }


def date_key(date: str | None, title: str | None) -> str:
    """Sorts as the local backend orders by date: by (date or "", title) in code-point order; the
    title as hex of its UTF-8 bytes (Typesense's string order is not code-point order for Chinese),
    a space before it so that "2005" sorts below "2005-09"."""
    return f"{date or ''} {(title or '').encode('utf-8').hex()}"


def event_records(doc: Document) -> list[dict]:
    """A document's event records (`seq` numbers them within the document)."""
    from ..local.store import event_fields

    base = doc_record_id(doc.doc_id).replace("d-", "e-", 1)
    return [{"id": f"{base}-{i}", "kind": "event", "doc_id": doc.doc_id, "seq": i, "event_kind": e.kind,
             "event_year": int(e.date[:4]), "partners": e.partners, "topics": e.topics, "n": e.n,
             "event": json.dumps(event_fields(e), ensure_ascii=False)} for i, e in enumerate(doc.events)]


def event_from(r: dict) -> EventRecord:
    """An event record as the search service sees it."""
    return EventRecord(doc_id=r["doc_id"], **json.loads(r["event"]))


def meta_record(values: dict) -> dict:
    """The generation's meta record."""
    return {"id": META_ID, "kind": "meta", "value": json.dumps(values, ensure_ascii=False)}


# fields of document records read back (not their token sets)
DOC_FIELDS = ("doc_id,title,date,year,lang,doc_kind,partners,topics,years,catalog,extracted,size,n_passages,ord,"
              "mtime_ns,sha256,meta_hash,author,source_url,title_lang")
PASSAGE_FIELDS = "pid,doc_id,n,page,text,years,partners,topics,lang,facet_years,dated_by,article"
TAG_FIELDS = "pid,doc_id,n,page,years,partners,topics,lang,facet_years,dated_by"
EVENT_FIELDS = "doc_id,seq,event"


def document_from(r: dict) -> DocumentRecord:
    """A document record as the search service sees it."""
    return DocumentRecord(
        doc_id=r["doc_id"], title=r.get("title", ""), date=r.get("date") or None, year=r.get("year") or None,
        lang=r.get("lang", ""), kind=r.get("doc_kind", ""), partners=r.get("partners", []), topics=r.get("topics", []),
        years=r.get("years", []), catalog=json.loads(r.get("catalog") or "{}"),
        extracted=json.loads(r.get("extracted") or "{}"), size=r.get("size", 0), n_passages=r.get("n_passages", 0),
        author=r.get("author") or None, source_url=r.get("source_url") or None, title_lang=r.get("title_lang") or None)


def file_state_from(r: dict) -> FileState:
    """The file state recorded with a document."""
    return FileState(r.get("size", 0), r.get("mtime_ns", 0), r.get("sha256", ""), r.get("meta_hash", ""))


def passage_from(r: dict) -> PassageRecord:
    """A passage record as the search service sees it."""
    return PassageRecord(r["pid"], r["doc_id"], r["n"], r.get("page") or None, r.get("text", ""), r.get("years", []),
                         r.get("partners", []), r.get("topics", []), r.get("lang", ""), r.get("facet_years", []),
                         r.get("dated_by") or None, r.get("article") or None)
