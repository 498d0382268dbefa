"""The official Typesense client over a whole cluster, where the cluster is, and whether it can serve.

    connect(nodes, api_key, timeout)   a `typesense.Client` (package `typesense==0.15.1`, matching the
                                       0.24 server) that spreads requests over every node and fails over
    cluster_settings()                 TYPESENSE_NODES / TYPESENSE_API_KEY from the environment, else from
                                       instance/cluster/env (written by `make cluster`), via indexer.config
    health(client_or_nodes, api_key)   (ok, reason): can the cluster answer searches? the reason is one line
    probe(address, api_key)            one node's /health and Raft role (/status), without the client

Addresses are `host:port` (plain HTTP) or `https://host:port`; `nodes` is a list of them or one
comma-separated string, as in TYPESENSE_NODES.

How the client fails over (typesense 0.15.1, read in its api_call.py): nodes are tried round-robin;
a request that fails (connection error, timeout, HTTP 500 or 503) is retried on the next node after
`retry_interval_seconds`, and the failed node is skipped for `healthcheck_interval_seconds`, then
tried again. Its timeout goes to `requests` unchanged, so `connect` passes a (connect, read) pair: a
dead node costs one refused connection, a host that never accepts costs `connect_timeout`, and only
a node that accepts but does not answer (hung, SIGSTOPped) costs the full read `timeout`. One fix is
applied to the client `connect` returns: with every node marked failed, upstream sends each retry to
the same node (see `_rotating_api_call_class`); here each retry goes to the next one.

Measured here (2 cores, loopback, 3 nodes; tests/index/typesense/test_nodes.py prints the figures):
- a search ~2-5 ms with all nodes up;
- one node dead (connection refused): the first search that picks it ~55 ms (the 50 ms retry
  interval and a refused connect), then the node is skipped for 10 s: ~2-5 ms a search; while
  writes keep failing (an election) every node is marked failed, and about half the searches try
  the dead node first: p50 ~54 ms, max ~115 ms, none failed;
- one node hung (SIGSTOP, read timeout 1 s): the first search that picks it 1.06 s, then ~2-4 ms.

What the cluster does meanwhile (Typesense 0.24.1, measured): with the leader of three killed the
other two answered every search (0 failed, none incomplete, of 26-30 in the election); writes answer
HTTP 500 ("Could not find a leader") until a new leader is elected, 8.7-10.8 s after the leader died
here, so a writer retries (this client gives up after one round over the nodes, ~0.2 s). With two
of three dead the last one still answers searches from its data for 7.6-13.6 s, then 503 "Not Ready
or Lagging" to everything; `health` says "no leader" at once and "cannot serve" after.

The client object keeps per-node health in plain attributes and is not made for concurrent use;
give each thread its own (they are cheap: no connection pool, `requests` opens one per request).
"""
from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import urlsplit

from indexer.config import TypesenseSettings, typesense_settings

API_KEY_HEADER = "X-TYPESENSE-API-KEY"
# A live node on loopback or a LAN accepts a connection in well under this; waiting longer only
# delays the move to the next node when a host is down and its SYNs go unanswered.
CONNECT_TIMEOUT_S = 0.5
RETRY_INTERVAL_S = 0.05  # the client's default (1 s) would add a second to every failover
HEALTHCHECK_S = 10  # a failed node is skipped this long, so a restarted one is back in the rotation soon
DEFAULT_PORTS = {"http": 8108, "https": 443}
# No proxy for these probes: a cluster on loopback or a LAN must not be reached through an
# HTTP(S)_PROXY that happens to be set.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def parse_address(address: str) -> tuple[str, str, int]:
    """(protocol, host, port) of `host:port` or `http(s)://host:port`; ValueError when it is not one."""
    text = address.strip()
    parts = urlsplit(text if "://" in text else f"http://{text}")
    try:
        port = parts.port
    except ValueError:
        port = -1
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname or port == -1 or parts.path not in ("", "/"):
        raise ValueError(f"not a Typesense node address (host:port or https://host:port): {address!r}")
    return parts.scheme, parts.hostname, port or DEFAULT_PORTS[parts.scheme]


def split_addresses(nodes: str | Iterable[str]) -> list[str]:
    """The addresses of a comma-separated string or a list, checked, in order."""
    items = nodes.split(",") if isinstance(nodes, str) else list(nodes)
    addresses = [a.strip() for a in items if a and a.strip()]
    if not addresses:
        raise ValueError("no Typesense node address given")
    for a in addresses:
        parse_address(a)
    return addresses


def node_url(address: str) -> str:
    """The base URL of a node, without a trailing slash."""
    protocol, host, port = parse_address(address)
    return f"{protocol}://{_bracketed(host)}:{port}"


def _bracketed(host: str) -> str:
    return f"[{host}]" if ":" in host else host  # an IPv6 literal inside a URL


def _typesense():
    try:
        import typesense
    except ImportError as e:
        raise RuntimeError("the Typesense client is not installed: pip install -r requirements-cluster.txt") from e
    return typesense


_rotating_api_call = None


def _rotating_api_call_class():
    """typesense's ApiCall, except that with no node marked healthy each try goes to the next node.

    Upstream (0.15.1, and still in 2.x) then returns the same node on every try: after one write
    failed on every node (500 "Could not find a leader" during an election), each later request, reads
    included, went to one node only, the dead one when it came last, until `healthcheck_interval_seconds`
    had passed: 20 of 22 searches failed in the 10 s after the leader was killed, with two nodes up.
    """
    global _rotating_api_call
    if _rotating_api_call is None:
        from typesense.api_call import ApiCall

        class RotatingApiCall(ApiCall):
            def get_node(self):
                node = super().get_node()
                if not node.healthy and not self.node_due_for_health_check(node):  # upstream's fallback
                    self.node_index = (self.node_index + 1) % len(self.nodes)
                return node

        _rotating_api_call = RotatingApiCall
    return _rotating_api_call


def connect(nodes: str | Iterable[str], api_key: str, timeout: float = 5.0, *,
            connect_timeout: float = CONNECT_TIMEOUT_S, retries: int | None = None):
    """A `typesense.Client` over all nodes; a dead node fails over in milliseconds, a hung one after `timeout`."""
    addresses = split_addresses(nodes)
    config_nodes = []
    for a in addresses:
        protocol, host, port = parse_address(a)
        config_nodes.append({"host": _bracketed(host), "port": port, "protocol": protocol})
    client = _typesense().Client({
        "nodes": config_nodes,
        "api_key": api_key,
        # `requests` reads a pair as (connect, read): see the module docstring
        "connection_timeout_seconds": (min(connect_timeout, timeout), timeout),
        # every node gets one try, and one more: a request fails only when no node can answer it
        "num_retries": len(addresses) if retries is None else retries,
        "retry_interval_seconds": RETRY_INTERVAL_S,
        "healthcheck_interval_seconds": HEALTHCHECK_S,
    })
    # The collections, documents, aliases... objects all share this one ApiCall: changing its class
    # changes how every request of the client picks its node, and nothing else.
    client.api_call.__class__ = _rotating_api_call_class()
    return client


def cluster_settings(env_file: Path | None = None) -> TypesenseSettings:
    """The cluster's nodes and API key: environment variables first, else instance/cluster/env."""
    return typesense_settings(env_file)


@dataclass(frozen=True)
class NodeState:
    """What one node said about itself."""

    address: str
    healthy: bool  # GET /health answered {"ok": true}: the node answers searches
    role: str | None  # Raft role from GET /status: LEADER, FOLLOWER, CANDIDATE, ...; None when unknown
    problem: str = ""  # why not healthy, or why the role is unknown: "connection refused", "503 Not Ready or Lagging"


def _get(url: str, api_key: str | None, timeout: float) -> tuple[int, Any, str]:
    """(status, parsed JSON or None, problem) of one GET; status 0 when no HTTP answer came."""
    request = urllib.request.Request(url, headers={API_KEY_HEADER: api_key} if api_key else {})
    try:
        with _opener.open(request, timeout=timeout) as r:
            status, body = r.status, r.read()
    except urllib.error.HTTPError as e:
        status, body = e.code, e.read()
    except (urllib.error.URLError, OSError) as e:
        reason = getattr(e, "reason", e)
        if isinstance(reason, ConnectionRefusedError):
            return 0, None, "connection refused"
        if isinstance(reason, (TimeoutError, socket.timeout)):
            return 0, None, f"no answer in {timeout:g} s"
        return 0, None, str(reason) or type(reason).__name__
    try:
        data = json.loads(body)
    except ValueError:
        data = None
    if 200 <= status < 300:
        return status, data, ""
    message = data.get("message") if isinstance(data, dict) else None
    return status, data, f"{status} {message}".strip() if message else str(status)


def probe(address: str, api_key: str | None = None, timeout: float = 2.0) -> NodeState:
    """One node's /health and, given the key, its Raft role from /status."""
    base = node_url(address)
    status, data, problem = _get(f"{base}/health", None, timeout)
    healthy = status == 200 and isinstance(data, dict) and data.get("ok") is True
    if status == 503 and not problem.startswith("503 "):
        problem = "503 not ready"  # /health says {"ok": false} without a message
    if status == 0 or not api_key:
        return NodeState(address, healthy, None, problem)
    status, data, status_problem = _get(f"{base}/status", api_key, timeout)
    role = data.get("state") if status == 200 and isinstance(data, dict) else None
    if status in (401, 403):
        return NodeState(address, False, None, "API key refused")
    return NodeState(address, healthy, role, problem or status_problem)


def _states(client_or_nodes, api_key: str | None, timeout: float) -> list[NodeState]:
    config = getattr(client_or_nodes, "config", None)
    if config is not None:  # a typesense.Client: its own nodes and key
        addresses = [f"{n.protocol}://{n.host}:{n.port}" for n in config.nodes]
        api_key = api_key or config.api_key
    else:
        addresses = split_addresses(client_or_nodes)
    # all nodes at once, so that a dead or hung node costs one timeout, not one each
    with ThreadPoolExecutor(max_workers=len(addresses)) as pool:
        return list(pool.map(lambda a: probe(a, api_key, timeout), addresses))


def _short(address: str) -> str:
    return address.removeprefix("http://")


def health(client_or_nodes, api_key: str | None = None, timeout: float = 2.0) -> tuple[bool, str]:
    """(ok, one-line reason): ok when at least one node answers searches; the reason names what is wrong."""
    states = _states(client_or_nodes, api_key, timeout)
    serving = [s for s in states if s.healthy]
    leaders = [s for s in serving if s.role == "LEADER"]
    down = "; ".join(f"{_short(s.address)}: {s.problem or 'not ready'}" for s in states if not s.healthy)
    if not serving:
        return False, f"the Typesense cluster cannot serve: {down}"
    summary = f"{len(serving)} of {len(states)} Typesense nodes serving"
    if leaders:
        summary += f", leader {_short(leaders[0].address)}"
    elif any(s.role for s in states):  # a role is known, and no node leads
        summary += ", no leader (writes fail until a majority of nodes is back)"
    return True, f"{summary}; {down}" if down else summary
