"""The knowledge base: what the archive says of one partner or one topic, year by year.

Built from the passage tags of one index generation (loaded into memory once per generation):
a timeline of the years a partner or topic is spoken of, each year told by its most telling
passage (a dated excerpt linking to its source), the topics or partners most discussed
alongside, the documents, and counts. A passage's years are the years its text names; a
passage that names none takes its document's year ("dated by the document"), so a 2005
statement that mentions Kazakhstan without repeating the year still places it in 2005.
"""
from __future__ import annotations

import re
import threading
import weakref
from collections import Counter, OrderedDict, defaultdict
from dataclasses import dataclass
from urllib.parse import quote

from markupsafe import escape

from indexer.analysis.taxonomy import Entry, load_taxonomy
from indexer.analysis.textnorm import fold, is_han
from indexer.index.local.store import loads

KINDS = ("partner", "topic")
EVENTS_PER_YEAR = 3  # dated excerpts kept per year (the page shows the first ones)
CANDIDATES_PER_YEAR = 24  # passages read to choose a year's events from
RELATED_LIMIT = 12
DOCUMENTS_LIMIT = 200
SNIPPET_CHARS = {"zh": 130, "en": 260}
NEAR = 160  # a year written this close to the mention is taken to date it
_CACHE_SIZE = 128


@dataclass(frozen=True)
class _P:
    """One passage's tags, as held in memory."""

    pid: int
    doc: int  # index into SearchIndex.docs
    n: int
    page: int | None
    years: tuple[int, ...]  # years the text names
    partners: tuple[str, ...]
    topics: tuple[str, ...]


def _url_quote(value: str) -> str:
    return quote(value, safe="/")


class Knowledge:
    """Partner and topic summaries over one index generation."""

    def __init__(self, ix):
        self.ix = ix
        ord_to_doc = {d["ord"]: i for i, d in enumerate(ix.docs)}
        self.passages: list[_P] = []
        self.by_entity: dict[tuple[str, str], list[int]] = defaultdict(list)
        for pid, doc_ord, n, page, years, partners, topics, _lang in ix.store.passage_tags():
            d = ord_to_doc.get(doc_ord)
            if d is None:
                continue
            p = _P(pid, d, n, page, tuple(loads(years, [])), tuple(loads(partners, [])), tuple(loads(topics, [])))
            i = len(self.passages)
            self.passages.append(p)
            for x in p.partners:
                self.by_entity[("partner", x)].append(i)
            for x in p.topics:
                self.by_entity[("topic", x)].append(i)
        # passages per document and tag, to order a document's tags by how much it speaks of each
        self.doc_counts: list[Counter] = [Counter() for _ in ix.docs]
        for p in self.passages:
            self.doc_counts[p.doc].update([("partner", x) for x in p.partners] + [("topic", x) for x in p.topics])
        self.doc_tags: dict[tuple[str, str], list[int]] = defaultdict(list)
        for i, d in enumerate(ix.docs):
            for x in d["partners"]:
                self.doc_tags[("partner", x)].append(i)
            for x in d["topics"]:
                self.doc_tags[("topic", x)].append(i)
        self._lock = threading.Lock()
        self._cache: OrderedDict = OrderedDict()
        self._attr: dict[int, dict[tuple[str, str], tuple[int, ...]]] = {}

    def ordered_tags(self, doc_id: str, kind: str, ids: list[str], first=()) -> list[str]:
        """A document's partner or topic ids, those in `first` first, then by passages mentioning them."""
        d = self.ix.doc_index.get(doc_id)
        counts = self.doc_counts[d] if d is not None else Counter()
        chosen = set(first)
        return sorted(ids, key=lambda x: (x not in chosen, -counts[(kind, x)], x))

    # -- dating ----------------------------------------------------------------------------
    def years_of(self, p: _P) -> tuple[tuple[int, ...], str]:
        """The years a passage belongs to, and whether the passage or its document dates it."""
        if p.years:
            return p.years, "passage"
        y = self.ix.docs[p.doc]["year"]
        return ((y,), "document") if y else ((), "none")

    def _attribute(self, pids: list[int]) -> None:
        """Place each tag of these passages in the years written nearest its mentions (once per passage).

        A passage naming several years speaks of a partner or topic in the year written next
        to it ("2004年11月22日，世界海关组织和中国海关联合举办…"), not in all of them.
        """
        missing = sorted({pid for pid in pids if pid not in self._attr})
        tax = load_taxonomy()
        for pid, row in self.ix.store.passages_by_pid(missing).items():
            text = row["text"]
            years = tuple(loads(row["years"], []))
            spans: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
            for s, e, k, x in tax.find(text):
                spans[(k, x)].append((s, e))
            self._attr[pid] = {key: _attributed_years(text, found, years) for key, found in spans.items()}

    def entity_years(self, i: int, kind: str, ident: str) -> tuple[int, ...]:
        """The years in which passage `i` speaks of this partner or topic."""
        p = self.passages[i]
        years = self.years_of(p)[0]
        if len(years) <= 1:
            return years
        if p.pid not in self._attr:
            self._attribute([p.pid])
        return self._attr.get(p.pid, {}).get((kind, ident), years)

    def _span(self, kind: str, ident: str, rows: list[int]) -> tuple[int | None, int | None]:
        """First and last year a partner or topic is spoken of, reading as few passages as possible."""
        pairs = sorted((y, i) for i in rows for y in self.years_of(self.passages[i])[0])
        first = next((y for y, i in pairs if y in self.entity_years(i, kind, ident)), None)
        last = next((y for y, i in reversed(pairs) if y in self.entity_years(i, kind, ident)), None)
        return first, last

    # -- the index page --------------------------------------------------------------------
    def overview(self, lang: str | None) -> dict:
        """Every partner and topic the archive speaks of, with document and passage counts."""
        tax = load_taxonomy()
        groups: dict[str, list[dict]] = {"organisation": [], "country": [], "topic": []}
        keys = set(self.by_entity) | set(self.doc_tags)
        for kind, ident in keys:
            e = tax.entry(ident)
            rows = self.by_entity.get((kind, ident), [])
            first, last = self._span(kind, ident, rows)
            item = {
                "id": ident, "kind": kind, "label": _label(e, ident, lang),
                "labels": {"zh": _label(e, ident, "zh"), "en": _label(e, ident, "en")},
                "documents": len(self.doc_tags.get((kind, ident), [])), "passages": len(rows),
                "first_year": first, "last_year": last, "url": f"/{kind}/{_url_quote(ident)}",
            }
            group = "topic" if kind == "topic" else (e.kind if e and e.kind in groups else "country")
            groups[group].append(item)
        for items in groups.values():
            items.sort(key=lambda it: (-it["documents"], -it["passages"], it["label"]))
        return {
            "documents": self.ix.n_docs, "passages": len(self.passages),
            "organisations": groups["organisation"], "countries": groups["country"], "topics": groups["topic"],
        }

    # -- one partner or topic --------------------------------------------------------------
    def entity(self, kind: str, ident: str, lang: str | None) -> dict | None:
        """The knowledge page of a partner or topic; None when the archive and taxonomy know no such id."""
        if kind not in KINDS:
            return None
        key = (kind, ident, lang)
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        result = self._entity(kind, ident, lang)
        with self._lock:
            self._cache[key] = result
            while len(self._cache) > _CACHE_SIZE:
                self._cache.popitem(last=False)
        return result

    def _entity(self, kind: str, ident: str, lang: str | None) -> dict | None:
        tax = load_taxonomy()
        e = tax.partners.get(ident) if kind == "partner" else tax.topics.get(ident)
        rows = self.by_entity.get((kind, ident), [])
        doc_rows = self.doc_tags.get((kind, ident), [])
        if e is None and not rows and not doc_rows:
            return None
        texts = _Texts(self.ix.store, kind, ident)
        self._attribute([self.passages[i].pid for i in rows if len(self.passages[i].years) > 1])
        by_year: dict[int, list[int]] = defaultdict(list)
        undated = 0
        for i in rows:
            years = self.entity_years(i, kind, ident)
            if not years:
                undated += 1
            for y in years:
                by_year[y].append(i)
        year_docs = {y: len({self.passages[i].doc for i in ps}) for y, ps in by_year.items()}
        timeline = self._timeline(kind, ident, by_year, texts)
        years_sorted = sorted(by_year)
        peak = max(years_sorted, key=lambda y: (len(by_year[y]), y)) if years_sorted else None
        search = f"/search?{kind}={_url_quote(ident)}"
        return {
            "id": ident, "kind": kind, "type": e.kind if e else kind,
            "label": _label(e, ident, lang),
            "labels": {"zh": _label(e, ident, "zh"), "en": _label(e, ident, "en")},
            "counts": {"documents": len(doc_rows), "passages": len(rows), "years": len(by_year),
                       "undated_passages": undated},
            "first_year": years_sorted[0] if years_sorted else None,
            "last_year": years_sorted[-1] if years_sorted else None,
            "peak_year": peak,
            "years": [{"year": y, "passages": len(by_year[y]), "documents": year_docs[y]} for y in years_sorted],
            "timeline": timeline,
            "related": self._related(kind, ident, rows, lang),
            "documents": self._documents(kind, ident, rows, doc_rows),
            "search_url": search,
            "url": f"/{kind}/{_url_quote(ident)}",
        }

    def _timeline(self, kind: str, ident: str, by_year: dict[int, list[int]], texts: "_Texts") -> list[dict]:
        """Each year with its best dated excerpts, oldest first."""
        # read each year's most promising passages only: those the text itself dates, then
        # those naming few years (a passage listing ten years says little about each)
        chosen: dict[int, list[int]] = {}
        for y, ps in by_year.items():
            ranked = sorted(ps, key=lambda i: (not self.passages[i].years, len(self.passages[i].years or (0,)),
                                               self.passages[i].doc, self.passages[i].n))
            chosen[y] = ranked[:CANDIDATES_PER_YEAR]
        texts.load([self.passages[i].pid for ps in chosen.values() for i in ps])
        out = []
        for y in sorted(chosen):
            scored = []
            for i in chosen[y]:
                p = self.passages[i]
                text = texts.text(p.pid)
                if text is None:
                    continue
                mentions = texts.mentions(p.pid)
                year_spans = _year_spans(text, y)
                score, center = _event_score(mentions, year_spans, p, self.years_of(p)[1])
                scored.append((score, -p.doc, -p.n, i, text, mentions, year_spans, center))
            scored.sort(key=lambda s: s[:3], reverse=True)
            events = []
            for score, _d, _n, i, text, mentions, year_spans, center in scored[:EVENTS_PER_YEAR]:
                p = self.passages[i]
                doc = self.ix.docs[p.doc]
                width = SNIPPET_CHARS["zh" if doc["lang"] == "zh" else "en"]
                events.append({
                    "doc_id": doc["doc_id"], "title": doc["title"], "date": doc["date"], "lang": doc["lang"],
                    "n": p.n, "page": p.page, "dated_by": self.years_of(p)[1],
                    "names_year": bool(year_spans), "html": _snippet(text, mentions + year_spans, center, width),
                    "url": f"/doc/{_url_quote(doc['doc_id'])}?{kind}={_url_quote(ident)}#p-{p.n}",
                })
            out.append({
                "year": y, "passages": len(by_year[y]), "events": events,
                "more": max(0, len(by_year[y]) - len(events)),
                "search_url": f"/search?{kind}={_url_quote(ident)}&year_from={y}&year_to={y}",
            })
        return out

    def _related(self, kind: str, ident: str, rows: list[int], lang) -> dict:
        """Partners and topics tagged on the same passages, most frequent first."""
        tax = load_taxonomy()
        out = {}
        for other in KINDS:
            counts: Counter = Counter()
            docs: dict[str, set[int]] = defaultdict(set)
            for i in rows:
                p = self.passages[i]
                for x in (p.partners if other == "partner" else p.topics):
                    if other == kind and x == ident:
                        continue
                    counts[x] += 1
                    docs[x].add(p.doc)
            items = []
            for x, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:RELATED_LIMIT]:
                e = tax.entry(x)
                items.append({
                    "id": x, "label": _label(e, x, lang), "passages": c, "documents": len(docs[x]),
                    "share": round(c / len(rows), 3) if rows else 0.0,
                    "url": f"/{other}/{_url_quote(x)}",
                    "search_url": f"/search?{kind}={_url_quote(ident)}&{other}={_url_quote(x)}",
                })
            out["partners" if other == "partner" else "topics"] = items
        return out

    def _documents(self, kind: str, ident: str, rows: list[int], doc_rows: list[int]) -> list[dict]:
        """The documents tagged with the id, those that speak of it most first, then newest."""
        per_doc: dict[int, list[int]] = defaultdict(list)
        for i in rows:
            per_doc[self.passages[i].doc].append(self.passages[i].n)
        docs = set(doc_rows) | set(per_doc)
        out = []
        for d in docs:
            doc = self.ix.docs[d]
            ns = sorted(per_doc.get(d, []))
            anchor = f"#p-{ns[0]}" if ns else ""
            out.append({
                "doc_id": doc["doc_id"], "title": doc["title"], "date": doc["date"], "year": doc["year"],
                "lang": doc["lang"], "passages": len(ns), "of": doc["n_passages"],
                "url": f"/doc/{_url_quote(doc['doc_id'])}?{kind}={_url_quote(ident)}{anchor}",
            })
        out.sort(key=lambda r: (-r["passages"], -(r["year"] or 0), r["title"] or ""))
        return out[:DOCUMENTS_LIMIT]


class _Texts:
    """Passage texts and the spans where they mention one partner or topic, read on demand."""

    def __init__(self, store, kind: str, ident: str):
        self.store, self.kind, self.ident = store, kind, ident
        self.rows: dict[int, str] = {}
        self._mentions: dict[int, list[tuple[int, int]]] = {}

    def load(self, pids) -> None:
        """Read the texts of these passages (those not yet read)."""
        missing = sorted({p for p in pids if p not in self.rows})
        for pid, row in self.store.passages_by_pid(missing).items():
            self.rows[pid] = row["text"]

    def text(self, pid: int) -> str | None:
        """A loaded passage's text."""
        return self.rows.get(pid)

    def mentions(self, pid: int) -> list[tuple[int, int]]:
        """Character spans of the partner's or topic's names in a loaded passage."""
        if pid not in self._mentions:
            found = load_taxonomy().find(self.rows.get(pid, ""))
            self._mentions[pid] = [(s, e) for s, e, k, x in found if k == self.kind and x == self.ident]
        return self._mentions[pid]


_WRITTEN_YEAR = re.compile(r"(?<!\d)(?:1[89]|20)\d\d(?!\d)")
_YEAR_RANGE = re.compile(r"(?<!\d)((?:1[89]|20)\d\d)\s*(?:年\s*)?[-–—~～至到]\s*((?:1[89]|20)\d\d)(?!\d)")


def _attributed_years(text: str, mentions: list[tuple[int, int]], years: tuple[int, ...]) -> tuple[int, ...]:
    """The years written nearest each mention (a year written before it counts as nearer);
    a range ("2004—2006 年") counts as all its years."""
    folded = fold(text)
    written: dict[int, tuple[int, ...]] = {m.start(): (int(m.group()),) for m in _WRITTEN_YEAR.finditer(folded)}
    for m in _YEAR_RANGE.finditer(folded):
        a, b = int(m.group(1)), int(m.group(2))
        if a < b <= a + 10:
            written[m.start(1)] = written[m.start(2)] = tuple(range(a, b + 1))
    spots = [(pos, tuple(y for y in ys if y in years)) for pos, ys in written.items()]
    spots = [(pos, ys) for pos, ys in spots if ys]
    if not mentions or not spots:
        return years
    out: set[int] = set()
    for ms, _me in mentions:
        _pos, ys = min(spots, key=lambda w: (ms - w[0]) if w[0] <= ms else (w[0] - ms) * 1.5)
        out.update(ys)
    return tuple(sorted(out))


def _label(e: Entry | None, ident: str, lang: str | None) -> str:
    return e.label(lang) if e else ident


def _year_spans(text: str, year: int) -> list[tuple[int, int]]:
    """Where `text` writes the year (full-width digits too)."""
    return [m.span() for m in re.finditer(rf"(?<!\d){year}(?!\d)", fold(text))]


def _event_score(mentions, year_spans, p: _P, dated_by: str) -> tuple[float, int]:
    """How well a passage tells what happened with the partner or topic that year, and where."""
    score = 0.0
    center = mentions[0][0] if mentions else 0
    if year_spans:
        score += 2.0
        if mentions:
            dist, ys, ms = min((abs(ys - ms), ys, ms) for ys, _ in year_spans for ms, _ in mentions)
            score += max(0.0, 1.0 - dist / NEAR) * 2.0
            # both in view when they are close; else the mention nearest the year
            center = (ys + ms) // 2 if dist <= NEAR * 0.75 else ms
    elif dated_by == "document":
        score += 0.5  # a dated document's undated paragraph still speaks of its own time
    score += 1.0 / max(1, len(p.years))  # a passage about one year tells that year best
    score += min(len(mentions), 3) * 0.2
    return score, center


_SPACE = re.compile(r"\s+")


def _tidy(s: str) -> str:
    """Whitespace collapsed, and removed between Han characters (OCR and PDF text is full of it)."""
    s = _SPACE.sub(" ", s)
    out = []
    for k, ch in enumerate(s):
        if ch == " " and 0 < k < len(s) - 1 and (is_han(s[k - 1]) or is_han(s[k + 1]) or s[k - 1] in "，。、；：（）" or s[k + 1] in "，。、；：（）"):
            continue
        out.append(ch)
    return "".join(out)


def _snippet(text: str, spans: list[tuple[int, int]], center: int, width: int) -> str:
    """About `width` characters of `text` around `center`, escaped, with the spans marked."""
    start = max(0, min(center - width // 2, len(text) - width))
    end = min(len(text), start + width)
    while start > 0 and text[start - 1].isascii() and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isascii() and text[end].isalnum():
        end += 1
    parts = []
    pos = start
    for s, e in sorted(set(spans)):
        s, e = max(s, pos), min(e, end)
        if s >= e:
            continue
        parts.append(str(escape(_tidy(text[pos:s]))))
        parts.append(f"<mark>{escape(_tidy(text[s:e]))}</mark>")
        pos = e
    parts.append(str(escape(_tidy(text[pos:end]))))
    html = "".join(parts).strip()
    return ("…" if start > 0 else "") + html + ("…" if end < len(text) else "")


_instances: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_instances_lock = threading.Lock()


def get_knowledge(ix) -> Knowledge:
    """The knowledge base of an index generation, built on first use and kept as long as it is open."""
    with _instances_lock:
        k = _instances.get(ix)
        if k is None:
            k = Knowledge(ix)
            _instances[ix] = k
        return k
