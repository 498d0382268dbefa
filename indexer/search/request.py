"""Search parameters of API.md, validated: every bad value gets a clear message, never an exception."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from indexer.ingest.dates import YEAR_MAX, YEAR_MIN

from .facets import Filters

SORTS = ("relevance", "date")
LANGS = ("zh", "en")
DEFAULT_PER_PAGE = 10
MAX_VALUES_PER_FACET = 50
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,40}$")


class BadRequest(ValueError):
    """A parameter that cannot be honoured; the message says which and why."""


@dataclass
class SearchRequest:
    """A validated search."""

    q: str = ""
    years: list[int] = field(default_factory=list)
    year_from: int | None = None
    year_to: int | None = None
    partners: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    lang: str | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    expand: bool = True

    @property
    def filters(self) -> Filters:
        """The facet selections."""
        return Filters(tuple(self.years), self.year_from, self.year_to, tuple(self.partners), tuple(self.topics),
                       self.lang)


def _int(name: str, value: str, lo: int, hi: int) -> int:
    try:
        n = int(str(value).strip())
    except (TypeError, ValueError):
        raise BadRequest(f"{name} must be a whole number, got {str(value)[:40]!r}") from None
    if not lo <= n <= hi:
        raise BadRequest(f"{name} must be between {lo} and {hi}, got {n}")
    return n


def _ids(name: str, values: list[str]) -> list[str]:
    out: list[str] = []
    for v in values:
        for part in str(v).split(","):
            part = part.strip()
            if not part:
                continue
            if not _ID.match(part):
                raise BadRequest(f"{name} {part[:40]!r} is not a valid identifier")
            if part not in out:
                out.append(part)
    if len(out) > MAX_VALUES_PER_FACET:
        raise BadRequest(f"at most {MAX_VALUES_PER_FACET} values of {name}")
    return out


def parse_expand(value: str | None) -> bool:
    """Whether to search names in the other language too (`expand=0` turns it off)."""
    return (value or "1").strip().lower() not in ("0", "false", "no", "off")


def parse_request(get, getlist, max_query_chars: int = 500, max_page: int = 100, max_per_page: int = 100) -> SearchRequest:
    """A SearchRequest from `get(name)` / `getlist(name)` accessors (Flask's request.args, argparse)."""
    q = (get("q") or "").strip()
    if len(q) > max_query_chars:
        raise BadRequest(f"query too long: {len(q)} characters (at most {max_query_chars})")
    q = "".join(ch for ch in q if ch >= " " or ch in "\t")  # control characters carry no meaning
    years = [_int("year", y, YEAR_MIN, YEAR_MAX) for y in getlist("year") if str(y).strip()]
    if len(years) > MAX_VALUES_PER_FACET:
        raise BadRequest(f"at most {MAX_VALUES_PER_FACET} values of year")
    year_from = _int("year_from", get("year_from"), YEAR_MIN, YEAR_MAX) if (get("year_from") or "").strip() else None
    year_to = _int("year_to", get("year_to"), YEAR_MIN, YEAR_MAX) if (get("year_to") or "").strip() else None
    if year_from is not None and year_to is not None and year_from > year_to:
        year_from, year_to = year_to, year_from
    lang = (get("lang") or "").strip() or None
    if lang is not None and lang not in LANGS:
        raise BadRequest(f"lang must be one of {', '.join(LANGS)}")
    sort = (get("sort") or "relevance").strip() or "relevance"
    if sort not in SORTS:
        raise BadRequest(f"sort must be one of {', '.join(SORTS)}")
    page = _int("page", get("page"), 1, max_page) if (get("page") or "").strip() else 1
    per_page = _int("per_page", get("per_page"), 1, max_per_page) if (get("per_page") or "").strip() else DEFAULT_PER_PAGE
    expand = parse_expand(get("expand"))
    return SearchRequest(
        q=q, years=sorted(set(years)), year_from=year_from, year_to=year_to,
        partners=_ids("partner", getlist("partner")), topics=_ids("topic", getlist("topic")),
        lang=lang, sort=sort, page=page, per_page=per_page, expand=expand,
    )


def parse_event_request(get, getlist, max_query_chars: int = 500, max_page: int = 100,
                        max_per_page: int = 100) -> "EventQuery":
    """An EventQuery from `get(name)` / `getlist(name)` (partner, topic, kind, year_from, year_to, q, page,
    per_page, sort=oldest|newest); BadRequest for a value that cannot be honoured."""
    from .events import DEFAULT_PER_PAGE, KINDS, EventQuery

    q = (get("q") or "").strip()[:max_query_chars]
    kinds = _ids("kind", getlist("kind"))
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise BadRequest(f"kind must be one of {', '.join(KINDS)}, got {unknown[0]!r}")
    year_from = _int("year_from", get("year_from"), YEAR_MIN, YEAR_MAX) if (get("year_from") or "").strip() else None
    year_to = _int("year_to", get("year_to"), YEAR_MIN, YEAR_MAX) if (get("year_to") or "").strip() else None
    if year_from is not None and year_to is not None and year_from > year_to:
        year_from, year_to = year_to, year_from
    sort = (get("sort") or "oldest").strip() or "oldest"
    if sort not in ("oldest", "newest"):
        raise BadRequest("sort must be oldest or newest")
    page = _int("page", get("page"), 1, max_page) if (get("page") or "").strip() else 1
    per_page = _int("per_page", get("per_page"), 1, max_per_page) if (get("per_page") or "").strip() else DEFAULT_PER_PAGE
    return EventQuery(tuple(_ids("partner", getlist("partner"))), tuple(_ids("topic", getlist("topic"))),
                      tuple(kinds), year_from, year_to, q, page, per_page, sort == "newest")
