"""Search URLs: every state of the search page is a URL, and each control links to the next state."""
from __future__ import annotations

from urllib.parse import quote, urlencode

from werkzeug.routing import PathConverter


class DocIdConverter(PathConverter):
    """A document id in a URL: a path whose names may hold any character but "/", newlines too
    (Werkzeug's own path converter stops at a newline)."""

    regex = "[^/](?s:.)*?"

# parameters that select documents (shown in the constraints bar) and those that only present them
FILTER_KEYS = ("year", "year_from", "year_to", "partner", "topic", "lang")
VIEW_KEYS = ("sort", "per_page", "page", "expand")
KNOWN_KEYS = ("q",) + FILTER_KEYS + VIEW_KEYS


def search_args(multi_items) -> list[tuple[str, str]]:
    """The search parameters of a request, in order, without the interface language and empty values."""
    return [(k, v) for k, v in multi_items if k in KNOWN_KEYS and str(v).strip() != ""]


def url_with(args: list[tuple[str, str]], remove: tuple[str, str] | None = None,
             add: tuple[str, str] | None = None, drop: tuple[str, ...] = ("page",),
             path: str = "/search", **replace) -> str:
    """The URL of the current search with one value removed or added, keys dropped or replaced."""
    out = [(k, v) for k, v in args if k not in drop and (k, v) != remove and k not in replace]
    if add and add not in out:
        out.append(add)
    out += [(k, str(v)) for k, v in replace.items() if v not in (None, "")]
    return path + ("?" + urlencode(out) if out else "")


def without(args: list[tuple[str, str]], *keys: str, path: str = "/search") -> str:
    """The current search without any value of these keys (and back on page 1)."""
    return url_with(args, drop=("page",) + keys, path=path)


def year_range_url(args: list[tuple[str, str]], lo: int, hi: int) -> str:
    """The current search narrowed to the years lo..hi (replacing any year selection)."""
    return url_with(args, drop=("page", "year", "year_from", "year_to"), year_from=lo, year_to=hi)


def doc_url(doc_id: str, anchor: int | None = None, **params) -> str:
    """A document page URL, carrying the search terms and filters that should be highlighted there."""
    pairs = []
    for k, v in params.items():
        for item in (v if isinstance(v, (list, tuple)) else [v]):
            if item not in (None, ""):
                pairs.append((k, str(item)))
    return (f"/doc/{quote(doc_id, safe='/')}" + ("?" + urlencode(pairs) if pairs else "")
            + (f"#p-{anchor}" if anchor is not None else ""))


def similar_url(doc_id: str, n: int) -> str:
    """The "more like this" page of passage `n` of a document."""
    return f"/similar/{quote(doc_id, safe='/')}?n={n}"


def switch_lang_url(path: str, multi_items, lang: str) -> str:
    """This page in the other interface language (the choice is then kept in a cookie)."""
    out = [(k, v) for k, v in multi_items if k != "ui"]
    out.append(("ui", lang))
    return path + "?" + urlencode(out)
