"""The cluster backend, write side: a full build into a new collection then one alias switch;
an incremental build changes only what changed, in place.

- A first build, `--rebuild`, or a change of analysis imports everything into a new collection
  and then points the alias at it in one step: a build killed before the switch leaves the old
  collection serving, and the next build drops the half-filled one and starts again.
- An incremental build upserts and deletes in the published collection, one document at a time
  in an order that never shows a reader half a document (new passages first, then the document
  record, then the old passages go); the meta record, with the new generation name, is written
  last. A build killed half-way leaves each document either as it was or as it is now, and the
  next build (which compares file states) does the rest.
Collections older than the previous one are dropped after a switch (readers of the previous
generation may still be mid-request).
"""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from indexer.ingest.documents import Document

from ..backend import PreviousGeneration
from ..lock import build_lock
from ..records import FileState
from . import schema
from .backend import read_meta
from .cluster import Cluster
from .filters import conj, eq

LOCK_WAIT_SECONDS = 600
KEEP_COLLECTIONS = 2  # the published one and the previous


class TypesenseTarget:
    """A cluster as the target of a build (builds on one machine at a time: the lock is a local file)."""

    def __init__(self, cluster: Cluster, alias: str, lock_folder: Path):
        self.cluster = cluster
        self.alias = alias
        self.lock_folder = lock_folder

    @contextmanager
    def locked(self):
        """The build lock; collections of killed builds are dropped before and after."""
        with build_lock(self.lock_folder, wait_seconds=LOCK_WAIT_SECONDS):
            self._collect()
            yield
            self._collect()

    def _collect(self) -> None:
        live = self.cluster.alias(self.alias)
        ours = sorted(c["name"] for c in self.cluster.collections() if c["name"].startswith(self.alias + "-gen-"))
        keep = set(ours[: ours.index(live) + 1][-KEEP_COLLECTIONS:]) if live in ours else set()
        for name in ours:
            if name not in keep:
                self.cluster.drop_collection(name)

    def previous(self) -> PreviousGeneration | None:
        """The published generation's fingerprint and file states."""
        collection = self.cluster.alias(self.alias)
        if collection is None:
            return None
        meta = read_meta(self.cluster, collection)
        states = {r["doc_id"]: schema.file_state_from(r)
                  for r in self.cluster.export(collection, "kind:=doc", "doc_id,size,mtime_ns,sha256,meta_hash")}
        return PreviousGeneration(meta.get("generation", collection), meta.get("fingerprint"), states)

    def begin(self, previous: PreviousGeneration | None, documents: int) -> "ClusterGeneration":
        """A new collection (previous is None), or the published one changed in place."""
        return ClusterGeneration(self.cluster, self.alias, previous)


def _next_name(name: str | None) -> str:
    """The generation after `name` (gen-000007 → gen-000008; gen-000001 first)."""
    number = int(name.rsplit("-", 1)[1]) if name and name.startswith("gen-") and name[4:].isdigit() else 0
    return f"gen-{number + 1:06d}"


class ClusterGeneration:
    """The records of one build, written as they come (full) or document by document (incremental)."""

    def __init__(self, cluster: Cluster, alias: str, previous: PreviousGeneration | None):
        self.cluster = cluster
        self.alias = alias
        self.in_place = previous is not None
        if self.in_place:
            self.collection = cluster.alias(alias)
            self.meta = read_meta(cluster, self.collection)
        else:
            # a number above every generation there is: never the live collection's name, even
            # when its meta record cannot be read (a lagging node)
            taken = [c["name"][len(alias) + 1:] for c in cluster.collections() if c["name"].startswith(alias + "-gen-")]
            live = cluster.alias(alias)
            last = max(taken + [read_meta(cluster, live).get("generation", "") if live else ""], default=None)
            self.meta = {"next_pid": 1, "next_ord": 1}
            self.collection = schema.collection_name(alias, _next_name(last))
            cluster.create_collection(schema.schema(self.collection))
        self.name = _next_name(self.meta.get("generation") if self.in_place else last)
        self.next_pid = int(self.meta.get("next_pid", 1))
        self.next_ord = int(self.meta.get("next_ord", 1))
        self._gone: list[str] = []
        self._batch: list[dict] = []

    def delete(self, doc_id: str) -> None:
        """Remove a document that is gone: its record first, so no reader finds it half removed."""
        self.cluster.delete_where(self.collection, conj(["kind:=doc", eq("doc_id", doc_id)]))
        self.cluster.delete_where(self.collection, conj(["kind:=[passage,event]", eq("doc_id", doc_id)]))

    def replace(self, doc: Document, state: FileState) -> None:
        """Replace a document: in place, its new passages, then its record, then its old passages go."""
        self.add(doc, state)

    def add(self, doc: Document, state: FileState) -> None:
        """Add a document with its passages."""
        first = self.next_pid
        pids = list(range(first, first + len(doc.passages)))
        self.next_pid += len(pids)
        passages = schema.passage_records(doc, pids)
        record = schema.doc_record(doc, state, self.next_ord, passages)
        events = schema.event_records(doc)
        self.next_ord += 1
        if self.in_place:  # the new passages and events, then the document, then the old ones go
            self.cluster.upsert(self.collection, passages + events)
            self.cluster.upsert(self.collection, [record])
            self.cluster.delete_where(self.collection, conj(["kind:=passage", eq("doc_id", doc.doc_id), f"pid:<{first}"]))
            self.cluster.delete_where(self.collection, conj(["kind:=event", eq("doc_id", doc.doc_id), f"seq:>={len(events)}"]))
        else:
            self._batch += passages + events + [record]
            if len(self._batch) >= 2000:
                self.cluster.upsert(self.collection, self._batch)
                self._batch = []

    def keep(self, doc_id: str, state: FileState) -> None:
        """A new file state for an unchanged document."""
        fields = {"id": schema.doc_record_id(doc_id), "size": state.size, "mtime_ns": state.mtime_ns,
                  "sha256": state.sha256, "meta_hash": state.meta_hash}
        self.cluster.update(self.collection, fields)

    def publish(self, meta: dict[str, str]) -> str:
        """Write what is left and the meta record, then switch the alias (a full build)."""
        if self._batch:
            self.cluster.upsert(self.collection, self._batch)
            self._batch = []
        values = {**self.meta, **meta, "generation": self.name, "next_pid": self.next_pid, "next_ord": self.next_ord}
        self.cluster.upsert(self.collection, [schema.meta_record(values)])
        records = self.cluster.count(self.collection)
        self.cluster.wait_replicated(self.collection, records)  # every node has it all before readers are sent to it
        if not self.in_place:
            self.cluster.point_alias(self.alias, self.collection)
            self.cluster.wait_replicated(self.collection, records, alias=self.alias)
        return self.name

    def abandon(self) -> None:
        """A full build's collection is dropped; an incremental build's changes stay (each document whole)."""
        if not self.in_place:
            self.cluster.drop_collection(self.collection)
