"""The process's view of the index: the search service over the newest published generation.

A generation once opened is served until a newer one is published; then the next request opens
the new one and the old stays open a little longer for the searches still running on it. When
the newest cannot be opened, the one already open keeps serving.
"""
from __future__ import annotations

import threading

from indexer.config import Settings
from indexer.index import backends
from indexer.index.backend import IndexUnavailable

from .service import SearchService

KEEP_OLD = 2  # replaced generations kept open for searches in flight


class IndexHandle:
    """Opens the published generation of the configured backend, and reopens when it changes."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._source = None
        self._current: tuple[str, SearchService] | None = None
        self._old: list[SearchService] = []
        self._lock = threading.Lock()

    def _generations(self):
        if self._source is None:
            self._source = backends.generations(self.settings)
        return self._source

    def get(self) -> SearchService:
        """The newest published generation, opened (IndexUnavailable when there is none)."""
        source = self._generations()
        key = source.current()
        cur = self._current
        if cur is not None and key is not None and cur[0] == key:
            return cur[1]
        with self._lock:
            cur = self._current
            if key is None:
                if cur is not None:
                    return cur[1]  # keep serving what we have
                raise IndexUnavailable("no index has been built yet: run `python -m indexer build`")
            if cur is None or cur[0] != key:
                try:
                    new = SearchService(source.open(key))
                except Exception as e:
                    if cur is not None:
                        return cur[1]
                    raise IndexUnavailable(f"index cannot be opened: {type(e).__name__}: {e}") from None
                if cur is not None:
                    self._old.append(cur[1])
                    while len(self._old) > KEEP_OLD:
                        self._old.pop(0).close()
                self._current = (key, new)
            return self._current[1]
