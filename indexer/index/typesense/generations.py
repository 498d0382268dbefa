"""The published generation on the cluster: the collection the alias points to, and its meta record."""
from __future__ import annotations

import threading
import time

from .backend import TypesenseBackend, read_meta
from .cluster import Cluster

RECHECK_SECONDS = 1.0  # how long a request may serve the generation the last one saw


class TypesenseGenerations:
    """Which generation the cluster publishes, and opening it."""

    def __init__(self, cluster: Cluster, alias: str):
        self.cluster = cluster
        self.alias = alias
        self._lock = threading.Lock()
        self._seen: tuple[float, str | None] = (0.0, None)

    def current(self) -> str | None:
        """`collection|generation` of the published generation (None when nothing was published)."""
        with self._lock:
            at, key = self._seen
            if time.monotonic() - at < RECHECK_SECONDS:
                return key
        collection = self.cluster.alias(self.alias)
        key = None
        if collection is not None:
            meta = read_meta(self.cluster, collection)
            key = f"{collection}|{meta.get('generation', collection)}"
        with self._lock:
            self._seen = (time.monotonic(), key)
        return key

    def open(self, key: str) -> TypesenseBackend:
        """Open a generation for searching."""
        collection, generation = key.split("|", 1)
        return TypesenseBackend(self.cluster, collection, generation, read_meta(self.cluster, collection))
