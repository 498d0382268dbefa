"""Typesense nodes for the tests, started by the tests on free ports and stopped by their handles.

- `typesense_node` (session, in tests/conftest.py): one node, for the backend contract suite.
- `typesense_cluster` (module): three nodes forming one Raft cluster, for failover tests; tests may
  kill and restart its nodes. `running_cluster` (per test) first restarts any node a previous
  test left dead and waits until all serve and one leads.
- `wait_for_documents(cluster, collection, n)`: followers apply writes in the background, so a test
  that reads from every node first waits until each running node reports `num_documents == n`.

Every node is stopped in a finalizer, also when a test fails; the nodes die with the test process
if it is killed (PR_SET_PDEATHSIG). Without the server binary or the client (requirements-cluster.txt)
the tests are skipped with the reason. Ports are drawn below the kernel's ephemeral range, so no
outgoing connection takes one between the draw and the server's bind.

Timings are recorded with `record(...)`, printed at the end of the run ("typesense figures") and
written as JSON to the file named by TYPESENSE_FIGURES, when set.
"""
from __future__ import annotations

import secrets

import pytest

from indexer.index.typesense import nodes as ts_nodes
from tests.typesense_support import free_ports, record, server_or_skip, summary


def pytest_terminal_summary(terminalreporter):
    """Print the Typesense figures of this run (start times, failover, memory)."""
    summary(terminalreporter)

@pytest.fixture(scope="module")
def typesense_cluster(tmp_path_factory):
    """Three Typesense nodes on free ports forming one cluster, for the tests of one module."""
    server_or_skip()
    ports = free_ports(6)
    handle = ts_nodes.start_cluster(tmp_path_factory.mktemp("typesense-cluster"), ports[:3], ports[3:],
                                    secrets.token_urlsafe(24))
    try:
        ready = ts_nodes.wait_ready(handle, timeout=90)
        record("three nodes", fresh_ready_s=ready,
               rss_mb_empty=[round(ts_nodes.rss_mb(n) or 0, 1) for n in handle.nodes])
        yield handle
    finally:
        ts_nodes.stop(handle)


@pytest.fixture()
def running_cluster(typesense_cluster):
    """The module's cluster with every node running again, healthy and led."""
    dead = [i for i, n in enumerate(typesense_cluster.nodes) if not ts_nodes.is_running(n)]
    for i in dead:
        ts_nodes.restart_node(typesense_cluster, i)
    if dead:
        ts_nodes.wait_ready(typesense_cluster, timeout=60)
    return typesense_cluster
