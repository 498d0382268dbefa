"""Talking to the cluster: a client per thread, reads failed over, writes retried through elections.

The official client is not made for concurrent use (client.py), so each thread gets its own.
Reads fail over to another node inside the client. Writes need a leader: while one is elected
(9-11 s measured here) they answer HTTP 500 "Could not find a leader", so every write is retried
with a growing pause for up to WRITE_PATIENCE_S before the build gives up.

Imports are sent in requests of at most IMPORT_BYTES of JSON, by a client that waits up to
IMPORT_TIMEOUT_S and never re-sends on its own. Measured at 100k passages on three nodes sharing
two busy cores (load 5-16): requests of 1000 records (~7 MB: a passage carries its words and
bigrams twice, and Chinese is \\u-escaped, six bytes a character) took over the client's 60 s; the
client then sent the same request to the next node while the first was still being indexed, four
times, each abandoned mid-body (a truncated line in every node's log), and the build failed.
"""
from __future__ import annotations

import json
import threading
import time
from typing import Iterable, Iterator

from indexer.config import TypesenseSettings

from ..backend import IndexUnavailable

from .client import connect, probe

WRITE_PATIENCE_S = 60.0
IMPORT_BATCH = 1000  # records in one import request at most
IMPORT_BYTES = 2_000_000  # JSON in one import request at most: a few seconds of indexing on a busy node
SEARCH_TIMEOUT_S = 5.0
WRITE_TIMEOUT_S = 60.0  # a collection drop takes a while
IMPORT_TIMEOUT_S = 600.0  # an import is waited for, not abandoned and re-sent (see above)
REPLICATION_WAIT_S = 120.0


class ClusterError(IndexUnavailable):
    """The cluster refused or could not do what was asked (one line)."""


def _errors():
    import typesense.exceptions as e

    return e


class Cluster:
    """The cluster named by the settings."""

    def __init__(self, settings: TypesenseSettings):
        self.settings = settings
        self._local = threading.local()
        self.import_requests = 0  # how many import requests were sent (tests read it)

    def _client(self, write: bool = False, importing: bool = False):
        attr = "importer" if importing else "writer" if write else "reader"
        c = getattr(self._local, attr, None)
        if c is None:
            if importing:  # one try per call: _write decides when to try again, and where
                c = connect(self.settings.nodes, self.settings.api_key, IMPORT_TIMEOUT_S, retries=0)
            else:
                c = connect(self.settings.nodes, self.settings.api_key, WRITE_TIMEOUT_S if write else SEARCH_TIMEOUT_S)
            setattr(self._local, attr, c)
        return c

    # -- reading ---------------------------------------------------------------------------
    def multi_search(self, collection: str, searches: list[dict]) -> list[dict]:
        """Several searches in one round trip (POSTed: long filters fit); raises on any failed one."""
        if not searches:
            return []
        e = _errors()
        try:
            out = self._client().multi_search.perform({"searches": searches}, {"collection": collection})["results"]
        except e.TypesenseClientError as err:
            raise ClusterError(f"search failed: {err}") from None
        for r in out:
            if "error" in r:
                raise ClusterError(f"search failed: {r.get('code', '')} {r['error']}")
        return out

    def search(self, collection: str, params: dict) -> dict:
        """One search."""
        return self.multi_search(collection, [params])[0]

    def export(self, collection: str, filter_by: str, fields: str) -> Iterator[dict]:
        """Every record matching the filter, with these fields."""
        e = _errors()
        try:
            text = self._client().collections[collection].documents.export(
                {"filter_by": filter_by, "include_fields": fields})
        except e.TypesenseClientError as err:
            raise ClusterError(f"export failed: {err}") from None
        for line in text.splitlines():
            if line.strip():
                yield json.loads(line)

    def count(self, collection: str) -> int:
        """Records in a collection as the leader holds them (it has applied every write)."""
        e = _errors()
        deadline = time.monotonic() + WRITE_PATIENCE_S
        while True:
            for address in self.settings.nodes:
                if probe(address, self.settings.api_key).role == "LEADER":
                    try:
                        node = connect([address], self.settings.api_key, SEARCH_TIMEOUT_S, retries=0)
                        return node.collections[collection].retrieve()["num_documents"]
                    except (e.TypesenseClientError, OSError):
                        break
            if time.monotonic() > deadline:
                raise ClusterError(f"no leader answers for {collection}")
            time.sleep(0.2)

    def document(self, collection: str, record_id: str) -> dict | None:
        """One record by id, None when absent."""
        e = _errors()
        try:
            return self._client().collections[collection].documents[record_id].retrieve()
        except e.ObjectNotFound:
            return None
        except e.TypesenseClientError as err:
            raise ClusterError(f"read failed: {err}") from None

    def alias(self, name: str) -> str | None:
        """The collection an alias points to, None when there is no such alias."""
        e = _errors()
        try:
            return self._client().aliases[name].retrieve()["collection_name"]
        except e.ObjectNotFound:
            return None
        except e.TypesenseClientError as err:
            raise ClusterError(f"cannot read alias {name}: {err}") from None

    def collections(self) -> list[dict]:
        """Every collection with its document count."""
        return self._write(lambda c: c.collections.retrieve())

    def memory_bytes(self) -> int:
        """Memory the node answering holds (what the index costs on each node: every node holds it all)."""
        e = _errors()
        try:
            metrics = self._client().api_call.get("/metrics.json")
        except e.TypesenseClientError:
            return 0
        return int(float(metrics.get("typesense_memory_active_bytes", 0)))

    # -- writing ---------------------------------------------------------------------------
    def _write(self, action, absent_ok: bool = False, importing: bool = False):
        """Run a write, retrying while the cluster has no leader (or a node is failing over); with
        `absent_ok`, a write on something that does not exist returns None."""
        e = _errors()
        deadline = time.monotonic() + WRITE_PATIENCE_S
        pause = 0.2
        while True:
            try:
                return action(self._client(write=True, importing=importing))
            except e.ObjectNotFound as err:
                if absent_ok:
                    return None
                raise ClusterError(f"not found: {err}") from None
            except (e.ServerError, e.ServiceUnavailable, e.Timeout, e.HTTPStatus0Error, OSError) as err:
                if time.monotonic() + pause > deadline:
                    raise ClusterError(f"the cluster did not accept a write for {WRITE_PATIENCE_S:.0f} s: {err}") from None
                time.sleep(pause)
                pause = min(pause * 2, 3.0)
            except e.TypesenseClientError as err:
                raise ClusterError(f"write refused: {err}") from None

    def create_collection(self, schema: dict) -> None:
        """Create a collection (one of that name, a leftover of a killed build, is dropped first)."""
        self.drop_collection(schema["name"])
        self._write(lambda c: c.collections.create(schema))

    def drop_collection(self, name: str) -> None:
        """Drop a collection (absent is fine)."""
        self._write(lambda c: c.collections[name].delete(), absent_ok=True)

    def point_alias(self, name: str, collection: str) -> None:
        """Switch an alias to a collection, in one step for every reader."""
        self._write(lambda c: c.aliases.upsert(name, {"collection_name": collection}))

    def upsert(self, collection: str, records: Iterable[dict]) -> int:
        """Import records (insert or replace), in requests of at most IMPORT_BATCH records and
        IMPORT_BYTES of JSON (one record larger than that goes alone); raises on any record refused."""
        batch: list[str] = []
        size = n = 0
        for r in records:
            line = json.dumps(r)  # as the client would send it (\u-escaped: see the module docstring)
            if batch and (len(batch) >= IMPORT_BATCH or size + len(line) > IMPORT_BYTES):
                n += self._import(collection, batch)
                batch, size = [], 0
            batch.append(line)
            size += len(line) + 1
        if batch:
            n += self._import(collection, batch)
        return n

    def _import(self, collection: str, lines: list[str]) -> int:
        body = "\n".join(lines)
        self.import_requests += 1
        answer = self._write(lambda c: c.collections[collection].documents.import_(body, {"action": "upsert"}),
                             importing=True)
        try:
            results = [json.loads(line) for line in answer.split("\n") if line.strip()]
        except ValueError:
            raise ClusterError(f"import: not an answer: {answer[:200]!r}") from None
        batch = lines
        failed = [r for r in results if not r.get("success")]
        if failed:
            raise ClusterError(f"{len(failed)} of {len(batch)} records refused: {failed[0].get('error', failed[0])}")
        return len(batch)

    def update(self, collection: str, fields: dict) -> None:
        """Change some fields of one record (its `id` among them)."""
        self._write(lambda c: c.collections[collection].documents[fields["id"]].update(fields))

    def wait_replicated(self, collection: str, documents: int, alias: str | None = None,
                        timeout: float = REPLICATION_WAIT_S) -> None:
        """Wait until every node that answers holds `documents` records of the collection (and, with
        `alias`, points the alias at it): followers apply writes in the background, and a reader sent
        to a lagging one must not miss a published generation. Nodes down catch up when they return."""
        e = _errors()
        deadline = time.monotonic() + timeout
        while True:
            lagging = []
            for node in (connect([a], self.settings.api_key, SEARCH_TIMEOUT_S, retries=0) for a in self.settings.nodes):
                try:
                    ok = node.collections[collection].retrieve()["num_documents"] == documents
                    if ok and alias is not None:
                        ok = node.aliases[alias].retrieve()["collection_name"] == collection
                except e.ObjectNotFound:
                    ok = False
                except (e.TypesenseClientError, OSError):
                    continue  # down: not waited for
                if not ok:
                    lagging.append(node)
            if not lagging:
                return
            if time.monotonic() > deadline:
                raise ClusterError(f"{len(lagging)} node(s) did not catch up with {collection} in {timeout:.0f} s")
            time.sleep(0.1)

    def delete_where(self, collection: str, filter_by: str) -> int:
        """Delete the records matching a filter; how many went."""
        done = self._write(lambda c: c.collections[collection].documents.delete({"filter_by": filter_by}), absent_ok=True)
        return done["num_deleted"] if done else 0
