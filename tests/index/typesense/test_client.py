"""Where the cluster is read from, how addresses are read, and how the client picks nodes (no server needed)."""
from __future__ import annotations

import json

import pytest

from indexer.config import typesense_settings
from indexer.index.typesense.client import connect, health, parse_address, split_addresses


@pytest.fixture()
def no_cluster_env(monkeypatch):
    """No TYPESENSE_* or SEARCH_BACKEND variable from the caller's environment."""
    for name in ("TYPESENSE_NODES", "TYPESENSE_API_KEY", "SEARCH_BACKEND"):
        monkeypatch.delenv(name, raising=False)


def test_settings_come_from_the_env_file_when_the_variables_are_unset(tmp_path, no_cluster_env):
    env_file = tmp_path / "env"
    env_file.write_text("TYPESENSE_NODES=127.0.0.1:8108,127.0.0.1:8208\nTYPESENSE_API_KEY=abc\n")
    settings = typesense_settings(env_file)
    assert settings.nodes == ("127.0.0.1:8108", "127.0.0.1:8208") and settings.api_key == "abc"


def test_each_variable_overrides_the_env_file(tmp_path, monkeypatch, no_cluster_env):
    env_file = tmp_path / "env"
    env_file.write_text("TYPESENSE_NODES=127.0.0.1:8108\nTYPESENSE_API_KEY=from-file\n")
    monkeypatch.setenv("TYPESENSE_NODES", "https://search.example.org, 10.0.0.2:8108")
    settings = typesense_settings(env_file)
    assert settings.nodes == ("https://search.example.org", "10.0.0.2:8108")
    assert settings.api_key == "from-file"


def test_missing_settings_say_what_to_do(tmp_path, no_cluster_env):
    with pytest.raises(ValueError, match=r"TYPESENSE_NODES and TYPESENSE_API_KEY not set .*make cluster"):
        typesense_settings(tmp_path / "absent")


def test_search_backend_is_local_unless_asked_and_refuses_a_typo(monkeypatch, no_cluster_env):
    from indexer.config import Settings
    from indexer.index import backends
    from indexer.index.backend import IndexUnavailable

    assert Settings.from_env().search_backend == "local"
    monkeypatch.setenv("SEARCH_BACKEND", "Typesense")
    assert Settings.from_env().search_backend == "typesense"
    monkeypatch.setenv("SEARCH_BACKEND", "typsense")
    with pytest.raises(IndexUnavailable, match="expected one of local, typesense"):
        backends.generations(Settings.from_env())


def test_addresses():
    assert parse_address("127.0.0.1:8108") == ("http", "127.0.0.1", 8108)
    assert parse_address("https://search.example.org") == ("https", "search.example.org", 443)
    assert parse_address("[::1]:8108") == ("http", "::1", 8108)
    assert split_addresses(" a:1 ,b:2,") == ["a:1", "b:2"]
    for bad in ("127.0.0.1:port", "ftp://host:21", "host:8108/path", ""):
        with pytest.raises(ValueError):
            split_addresses(bad)


def test_with_every_node_marked_failed_each_retry_asks_the_next_node():
    pytest.importorskip("typesense", reason="the Typesense client is not installed")
    client = connect(["127.0.0.1:1", "127.0.0.1:2", "127.0.0.1:3"], "key")
    api = client.api_call
    for node in api.nodes:  # as after a write that failed on every node during an election
        api.set_node_healthcheck(node, False)
    assert [api.get_node().port for _ in range(4)] == [1, 2, 3, 1]


def test_health_of_a_cluster_that_is_not_there_is_one_line():
    ok, reason = health(["127.0.0.1:1", "127.0.0.1:2"], "key", timeout=0.5)
    assert not ok
    assert reason == "the Typesense cluster cannot serve: 127.0.0.1:1: connection refused; 127.0.0.1:2: connection refused"


def test_large_imports_go_in_requests_of_bounded_size_and_every_record_arrives(typesense_node, monkeypatch):
    # a slow cluster answers each request within the client's timeout: none is abandoned and sent again
    from indexer.index.typesense import cluster as ts_cluster

    monkeypatch.setattr(ts_cluster, "IMPORT_BYTES", 20_000)
    c = ts_cluster.Cluster(typesense_settings(nodes=typesense_node.nodes_setting, api_key=typesense_node.api_key))
    c.create_collection({"name": "bounded-imports", "fields": [{"name": "text", "type": "string"}]})
    try:
        records = [{"id": str(i), "text": "海关合作 customs cooperation " * 40} for i in range(60)]
        sent = sum(len(json.dumps(r)) + 1 for r in records)  # ~110 KB as the client sends it
        assert c.upsert("bounded-imports", records) == 60
        assert c.import_requests >= sent / 20_000
        assert c.count("bounded-imports") == 60
        assert c.upsert("bounded-imports", [{"id": "big", "text": "海" * 10_000}]) == 1  # larger than a request: alone
        assert c.count("bounded-imports") == 61
    finally:
        c.drop_collection("bounded-imports")
