"""The search page reads what it can of its URL and says, in words, what it could not.

A person who pastes a long text or follows a damaged link gets results, never an error page
naming parameters: a query longer than the limit is cut to it, a setting that cannot be read (a
page number that is no number, an unknown sort order) is left out, and a notice says which, as
"the page number", in the interface language. The JSON API keeps answering 400 with the reason:
programs want to know.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from indexer.config import Settings
from indexer.search.request import BadRequest, SearchRequest, parse_request

from .i18n import t


@dataclass
class PageSearch:
    """A search as the page runs it: the request, the URL parameters it used, and what was changed."""

    req: SearchRequest
    args: list[tuple[str, str]]
    cut_to: int | None = None  # the query was cut to this many characters
    dropped: list[str] = field(default_factory=list)  # parameters left out, in URL order

    def notices(self, lang: str) -> list[str]:
        """What the page tells the reader about the changes, in words."""
        out = []
        if self.cut_to:
            out.append(t("query_cut", lang, n=self.cut_to))
        if self.dropped:
            out.append(t("settings_dropped", lang, what=t("list_sep", lang).join(t("param_" + k, lang) for k in self.dropped)))
        return out


def _parse(args: list[tuple[str, str]], s: Settings) -> SearchRequest:
    values: dict[str, list[str]] = {}
    for k, v in args:
        values.setdefault(k, []).append(v)
    return parse_request(lambda k: (values.get(k) or [None])[0], lambda k: values.get(k, []),
                         s.max_query_chars, s.max_page, s.max_per_page)


def _readable(args: list[tuple[str, str]], s: Settings) -> bool:
    try:
        _parse(args, s)
    except BadRequest:
        return False
    return True


def read_search(args: list[tuple[str, str]], s: Settings) -> PageSearch:
    """The search the page runs for these URL parameters (search_args' list), with what it changed."""
    out: list[tuple[str, str]] = []
    cut_to = None
    for k, v in args:
        if k == "q" and len(v.strip()) > s.max_query_chars:
            v, cut_to = v.strip()[: s.max_query_chars].rstrip(), s.max_query_chars
        out.append((k, v))
    dropped: list[str] = []
    for key in dict.fromkeys(k for k, _v in out):
        mine = [(k, v) for k, v in out if k == key]
        if _readable(mine, s):
            continue
        # a repeatable parameter loses only its unreadable values (all of them when there are too many)
        bad = [kv for kv in mine if not _readable([kv], s)] or mine
        out = [kv for kv in out if kv not in bad]
        dropped.append(key)
    try:
        req = _parse(out, s)
    except BadRequest:  # values readable one by one but not together: keep the words only
        dropped += [k for k in dict.fromkeys(k for k, _v in out) if k != "q" and k not in dropped]
        out = [(k, v) for k, v in out if k == "q"]
        req = _parse(out, s)
    return PageSearch(req, out, cut_to, dropped)
