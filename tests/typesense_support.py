"""Typesense nodes for the tests: free ports, the server binary or a skip, per-node clients, waiting
for followers. Timings are recorded with `record(...)`, printed at the end of the run ("typesense
figures") and written as JSON to the file named by TYPESENSE_FIGURES, when set."""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from indexer.index.typesense import nodes as ts_nodes
from indexer.index.typesense.nodes import free_ports  # noqa: F401  (the tests' name for it)

FIGURES: dict[str, dict] = {}


def record(name: str, **values) -> None:
    """Add figures under a heading (merged when recorded several times)."""
    FIGURES.setdefault(name, {}).update({k: round(v, 3) if isinstance(v, float) else v for k, v in values.items()})


def server_or_skip() -> Path:
    """The server binary, or skip the test saying why it cannot be had."""
    pytest.importorskip("typesense", reason="the Typesense client is not installed: "
                                            "pip install -r requirements-cluster.txt")
    try:
        return ts_nodes.server_binary()
    except ts_nodes.ServerUnavailable as e:
        pytest.skip(f"no Typesense server binary: {e}")


def node_client(address: str, api_key: str, timeout: float = 2.0):
    """A client for one node only, without retries: what that node itself answers."""
    from indexer.index.typesense.client import connect

    return connect([address], api_key, timeout, retries=0)


def document_counts(cluster: ts_nodes.ClusterHandle, collection: str) -> dict[str, int | str]:
    """num_documents of `collection` on each running node (or why a node did not say)."""
    counts: dict[str, int | str] = {}
    for node in cluster.nodes:
        if not ts_nodes.is_running(node):
            continue
        try:
            counts[node.address] = node_client(node.address, cluster.api_key).collections[collection].retrieve()[
                "num_documents"]
        except Exception as e:  # not there yet, 503 while catching up: reported, then asked again
            counts[node.address] = f"{type(e).__name__}: {e}"
    return counts


def wait_for_documents(cluster: ts_nodes.ClusterHandle, collection: str, n: int, timeout: float = 30.0) -> float:
    """Wait until every running node of `cluster` reports num_documents == n; the seconds it took."""
    start = time.monotonic()
    while True:
        counts = document_counts(cluster, collection)
        if counts and all(c == n for c in counts.values()):
            return time.monotonic() - start
        if time.monotonic() - start > timeout:
            raise AssertionError(f"{collection}: not {n} documents on every node after {timeout:g} s: {counts}")
        time.sleep(0.1)


def summary(terminalreporter) -> None:
    """Print the Typesense figures of this run (start times, failover, memory)."""
    if not FIGURES:
        return
    terminalreporter.section("typesense figures")
    for name, values in FIGURES.items():
        terminalreporter.write_line(f"{name}: {json.dumps(values, ensure_ascii=False)}")
    target = os.environ.get("TYPESENSE_FIGURES")
    if target:
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        Path(target).write_text(json.dumps(FIGURES, ensure_ascii=False, indent=2), encoding="utf-8")
