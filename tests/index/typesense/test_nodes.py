"""Typesense nodes on loopback, as a user of `make cluster` and of the cluster backend meets them.

A single node answers; `start`/`stop` on the command line can be run twice and leave no process,
never kill a process that merely reuses a node's PID, and keep the generated key across a restart;
three nodes elect one leader; with one of three killed the other two answer every search and
writes resume after re-election; a restarted node catches up; a stopped (hung) node costs one
timeout; with two of three killed the last answers 503 and `health()` says so in one line.
The timings are printed at the end of the run ("typesense figures").
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from indexer.config import PROJECT_ROOT, read_env_file
from indexer.index.typesense import nodes as ts_nodes
from indexer.index.typesense.client import connect, health

from tests.typesense_support import free_ports, node_client, record, server_or_skip, wait_for_documents

COLLECTION = "records"
SCHEMA = {"name": COLLECTION, "fields": [{"name": "title", "type": "string"}, {"name": "year", "type": "int32",
                                                                                 "facet": True}]}


def make_records(client, n: int) -> None:
    """A fresh collection of `n` small documents that all match the query "record"."""
    try:
        client.collections[COLLECTION].delete()
    except Exception:  # typesense.exceptions.ObjectNotFound on a fresh cluster
        pass
    client.collections.create(SCHEMA)
    docs = [{"id": str(i), "title": f"customs record {i}", "year": 2000 + i % 20} for i in range(n)]
    results = client.collections[COLLECTION].documents.import_(docs, {"action": "create"})
    assert all(r.get("success") for r in results), results


def until_written(write, timeout: float = 30.0) -> None:
    """Run `write` until it succeeds; writes fail while the cluster elects a leader."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return write()
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def search_found(client) -> int:
    """How many documents the query "record" finds."""
    return client.collections[COLLECTION].documents.search({"q": "record", "query_by": "title"})["found"]


def roles(cluster) -> list[str | None]:
    """The Raft role of each node, in order."""
    return [s.role for s in ts_nodes.node_states(cluster)]


def leader_index(cluster) -> int:
    """The index of the node that leads."""
    current = roles(cluster)
    assert current.count("LEADER") == 1, current
    return current.index("LEADER")


def test_single_node_answers_health_and_searches(typesense_node):
    ok, reason = health(typesense_node.addresses, typesense_node.api_key)
    assert ok, reason
    assert reason == f"1 of 1 Typesense nodes serving, leader {typesense_node.addresses[0]}"
    client = connect(typesense_node.addresses, typesense_node.api_key)
    make_records(client, 5)
    assert search_found(client) == 5
    client.collections[COLLECTION].delete()


def test_a_wrong_key_is_reported_not_served(typesense_node):
    ok, reason = health(typesense_node.addresses, "not-the-key")
    assert not ok and "API key refused" in reason, reason


# --- the command line of make cluster / make cluster-stop ----------------------------------------

def run_cli(*args: str, timeout: float = 180) -> subprocess.CompletedProcess:
    """`python -m indexer.index.typesense.nodes ARGS` as make runs it (no TYPESENSE_* variables)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TYPESENSE_")}
    env["PYTHONPATH"] = str(PROJECT_ROOT)
    return subprocess.run([sys.executable, "-m", "indexer.index.typesense.nodes", *args], capture_output=True,
                          text=True, cwd=PROJECT_ROOT, env=env, timeout=timeout)


def pids_of(folder) -> dict[str, int]:
    """The PID files of a cluster folder: {node name: pid}."""
    return {p.name.removesuffix(".pid"): int(p.read_text()) for p in sorted(folder.glob("node-*.pid"))}


def gone(pid: int) -> bool:
    """True when no process has this pid any more (or only a zombie we are not the parent of)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return ts_nodes._proc_state(pid) in ("", "Z")


def test_cli_start_stop_are_idempotent_and_the_key_survives_a_restart(tmp_path):
    server_or_skip()
    ports = free_ports(6)
    folder = tmp_path / "cluster"
    where = ["--folder", str(folder)]
    opts = [*where, "--api-ports", ",".join(map(str, ports[:3])), "--peering-ports", ",".join(map(str, ports[3:]))]
    seen: set[int] = set()
    try:
        t0 = time.monotonic()
        r = run_cli("start", *opts)
        first_start = time.monotonic() - t0
        assert r.returncode == 0, r.stdout + r.stderr
        assert "Typesense cluster ready (3 started" in r.stdout
        env = read_env_file(folder / "env")
        assert env["TYPESENSE_NODES"] == ",".join(f"127.0.0.1:{p}" for p in ports[:3])
        key = env["TYPESENSE_API_KEY"]
        assert len(key) >= 40  # secrets.token_urlsafe(32)
        assert (folder / "env").stat().st_mode & 0o777 == 0o600  # the key is readable by its owner only
        pids = pids_of(folder)
        seen |= set(pids.values())
        assert sorted(pids) == ["node-1", "node-2", "node-3"]
        assert all(ts_nodes.is_node_process(pid, (folder / name).resolve()) for name, pid in pids.items())
        assert all((folder / f"{name}.log").stat().st_size > 0 for name in pids)
        for pid in pids.values():  # the key is not on the command line, where ps shows it to everyone
            assert key not in " ".join(ts_nodes._proc_cmdline(pid))
        client = connect(env["TYPESENSE_NODES"], key)
        make_records(client, 3)

        t0 = time.monotonic()
        r = run_cli("start", *opts)  # again: the same three processes, the same settings
        second_start = time.monotonic() - t0
        assert r.returncode == 0, r.stdout + r.stderr
        assert "0 started, 3 already running" in r.stdout
        assert pids_of(folder) == pids
        assert read_env_file(folder / "env") == env

        r = run_cli("status", *where)
        assert r.returncode == 0, r.stdout + r.stderr
        assert r.stdout.count("healthy") == 3 and "leader" in r.stdout

        t0 = time.monotonic()
        r = run_cli("stop", *where)
        stop_s = time.monotonic() - t0
        assert r.returncode == 0, r.stdout + r.stderr
        assert all(gone(pid) for pid in pids.values())
        assert pids_of(folder) == {}
        assert "stopped pid" in r.stdout
        r = run_cli("stop", *where)  # again: nothing to stop, not an error
        assert r.returncode == 0 and "no Typesense node running" in r.stdout, r.stdout + r.stderr
        assert run_cli("status", *where).returncode == 1

        t0 = time.monotonic()
        r = run_cli("start", *opts)  # a restart on the same data
        restart_s = time.monotonic() - t0
        assert r.returncode == 0, r.stdout + r.stderr
        assert read_env_file(folder / "env")["TYPESENSE_API_KEY"] == key
        seen |= set(pids_of(folder).values())
        assert search_found(connect(env["TYPESENSE_NODES"], key)) == 3  # the data survived with the key
        record("make cluster (CLI, 3 nodes)", first_start_s=first_start, second_start_s=second_start,
               stop_s=stop_s, restart_on_data_s=restart_s)
    finally:
        run_cli("stop", *where)
        leftover = [pid for pid in seen if not gone(pid)]
        for pid in leftover:  # last resort, so that a failed test leaves no server behind
            os.kill(pid, signal.SIGKILL)
        assert not leftover, f"processes left running: {leftover}"


def test_cli_stop_leaves_a_process_that_reused_a_pid_alone(tmp_path):
    folder = tmp_path / "cluster"
    folder.mkdir()
    bystander = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (folder / "node-1.pid").write_text(f"{bystander.pid}\n")  # as after a reboot, or a crash and PID reuse
        r = run_cli("stop", "--folder", str(folder))
        assert r.returncode == 0, r.stdout + r.stderr
        assert "node-1: not running (stale PID file removed)" in r.stdout
        assert bystander.poll() is None
        assert not (folder / "node-1.pid").exists()
    finally:
        bystander.kill()
        bystander.wait()


# --- three nodes: leader, failover, catch-up -----------------------------------------------------

def test_three_nodes_elect_one_leader(running_cluster):
    assert sorted(roles(running_cluster)) == ["FOLLOWER", "FOLLOWER", "LEADER"]
    ok, reason = health(connect(running_cluster.addresses, running_cluster.api_key))
    assert ok and reason.startswith("3 of 3 Typesense nodes serving, leader 127.0.0.1:"), reason


def test_with_the_leader_killed_the_others_serve_every_search_and_writes_resume(running_cluster):
    cluster = running_cluster
    client = connect(cluster.addresses, cluster.api_key, timeout=2)
    make_records(client, 60)
    wait_for_documents(cluster, COLLECTION, 60)
    rss = [round(ts_nodes.rss_mb(n) or 0, 1) for n in cluster.nodes]
    leader = leader_index(cluster)

    ts_nodes.kill_node(cluster, leader)
    killed = time.monotonic()
    searches, failed, wrong, latencies = 0, 0, 0, []
    recovered = None
    while recovered is None and time.monotonic() - killed < 30:
        t0 = time.monotonic()
        try:
            found = search_found(client)
            latencies.append(time.monotonic() - t0)
            wrong += found != 60
        except Exception:
            failed += 1
        searches += 1
        try:
            client.collections[COLLECTION].documents.upsert({"id": "late", "title": "customs record late",
                                                             "year": 2024})
            recovered = time.monotonic() - killed
        except Exception:  # 500 "Could not find a leader" until the re-election
            time.sleep(0.1)
    record("leader killed (1 of 3)", searches_during_election=searches, failed_searches=failed,
           incomplete_results=wrong, search_p50_ms=1000 * sorted(latencies)[len(latencies) // 2],
           search_max_ms=1000 * max(latencies), write_recovered_s=recovered, rss_mb_60_docs=rss)
    assert recovered is not None, "no write succeeded within 30 s of the leader's death"
    assert failed == 0 and wrong == 0, (failed, wrong, searches)
    survivors = [i for i in range(3) if i != leader]
    assert roles(cluster)[leader] is None and sorted(roles(cluster)[i] for i in survivors) == ["FOLLOWER", "LEADER"]
    wait_for_documents(cluster, COLLECTION, 61)  # on both running nodes

    # A client whose first node is the dead one: the request moves on at once (connection refused).
    dead_first = connect([cluster.addresses[leader]] + [cluster.addresses[i] for i in survivors], cluster.api_key)
    t0 = time.monotonic()
    assert search_found(dead_first) == 61
    first = time.monotonic() - t0
    t0 = time.monotonic()
    for _ in range(10):
        search_found(dead_first)
    record("leader killed (1 of 3)", first_search_via_dead_node_ms=1000 * first,
           next_searches_mean_ms=100 * (time.monotonic() - t0))
    assert first < 1.0


def test_a_restarted_node_catches_up(typesense_cluster):
    cluster = typesense_cluster
    dead = [i for i, n in enumerate(cluster.nodes) if not ts_nodes.is_running(n)]
    if len(dead) > 1:  # no majority: start all again, then take one follower down
        for i in dead:
            ts_nodes.restart_node(cluster, i)
        ts_nodes.wait_ready(cluster, timeout=60)
        dead = []
    if not dead:
        ts_nodes.kill_node(cluster, roles(cluster).index("FOLLOWER"))
        dead = [i for i, n in enumerate(cluster.nodes) if not ts_nodes.is_running(n)]
    down = dead[0]
    # while it is down: its collection dropped and made again, and documents imported
    client = connect(cluster.addresses, cluster.api_key, timeout=2)
    until_written(lambda: make_records(client, 40))  # a leader killed by the test before may be being replaced
    extra = [{"id": f"while-down-{i}", "title": f"customs record while down {i}", "year": 2025} for i in range(25)]
    assert all(r.get("success") for r in client.collections[COLLECTION].documents.import_(extra))

    t0 = time.monotonic()
    ts_nodes.restart_node(cluster, down)
    ready = ts_nodes.wait_ready(cluster, timeout=60)
    caught_up = wait_for_documents(cluster, COLLECTION, 65)
    record("node restarted", healthy_after_restart_s=ready, caught_up_after_healthy_s=caught_up,
           total_s=time.monotonic() - t0)
    # what the restarted node itself answers, not another node through the client's round-robin
    assert search_found(node_client(cluster.addresses[down], cluster.api_key)) == 65


def test_a_hung_node_costs_one_timeout_then_is_skipped(running_cluster):
    cluster = running_cluster
    client = connect(cluster.addresses, cluster.api_key, timeout=2)
    make_records(client, 10)
    wait_for_documents(cluster, COLLECTION, 10)
    follower = roles(cluster).index("FOLLOWER")
    hung = cluster.nodes[follower]
    others = [a for i, a in enumerate(cluster.addresses) if i != follower]
    hung_first = connect([hung.address, *others], cluster.api_key, timeout=1.0)
    os.kill(hung.pid, signal.SIGSTOP)  # it accepts connections (the kernel does) and never answers
    try:
        t0 = time.monotonic()
        assert search_found(hung_first) == 10
        first = time.monotonic() - t0
        t0 = time.monotonic()
        for _ in range(10):
            assert search_found(hung_first) == 10
        later = (time.monotonic() - t0) / 10
    finally:
        os.kill(hung.pid, signal.SIGCONT)
    record("hung follower (SIGSTOP)", read_timeout_s=1.0, first_search_s=first, next_searches_mean_ms=1000 * later)
    assert 0.9 <= first < 2.0, first
    assert later < 0.2, later


def test_with_two_of_three_killed_the_last_answers_503_and_health_says_so(running_cluster):
    cluster = running_cluster
    client = connect(cluster.addresses, cluster.api_key, timeout=2)
    make_records(client, 10)
    wait_for_documents(cluster, COLLECTION, 10)
    leader = leader_index(cluster)
    survivor = (leader + 1) % 3
    for i in range(3):
        if i != survivor:
            ts_nodes.kill_node(cluster, i)
    killed = time.monotonic()
    no_leader_at = None
    while time.monotonic() - killed < 60:
        ok, reason = health(cluster.addresses, cluster.api_key)
        if ok and "no leader" in reason and no_leader_at is None:
            no_leader_at = time.monotonic() - killed
        if not ok:
            break
        time.sleep(0.25)
    unavailable_at = time.monotonic() - killed
    record("two of three killed", said_no_leader_after_s=no_leader_at, answered_503_after_s=unavailable_at)
    assert not ok, f"still serving 60 s after losing two of three nodes: {reason}"
    assert "\n" not in reason
    assert reason.startswith("the Typesense cluster cannot serve: ") and "503" in reason, reason
    assert reason.count("connection refused") == 2, reason

    from requests.exceptions import ConnectionError
    from typesense.exceptions import ServiceUnavailable

    with pytest.raises(ServiceUnavailable):
        search_found(node_client(cluster.addresses[survivor], cluster.api_key))
    # through the client over all nodes: after its retries, the last node's answer (503 or refused)
    with pytest.raises((ServiceUnavailable, ConnectionError)):
        search_found(client)


def test_a_node_started_for_a_while_answers_and_is_gone_afterwards_even_after_an_error(tmp_path):
    server_or_skip()
    started = []
    with pytest.raises(RuntimeError, match="the caller failed"):
        with ts_nodes.running(tmp_path / "node") as handle:
            started = list(handle.nodes)
            assert health(handle.nodes_setting, handle.api_key)[0]
            assert node_client(handle.addresses[0], handle.api_key).collections.retrieve() == []
            raise RuntimeError("the caller failed")
    assert started and not any(ts_nodes.is_running(n) for n in started)
    assert not list((tmp_path / "node").glob("*.pid"))
