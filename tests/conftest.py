"""Shared fixtures: the sample corpus built once into a temporary index, and a test client."""
from __future__ import annotations

import secrets
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from indexer.config import PROJECT_ROOT, Settings

CORPUS = PROJECT_ROOT / "corpus"
SHARED = PROJECT_ROOT.parent / "shared"


@pytest.fixture(scope="session")
def sample_settings(tmp_path_factory) -> Settings:
    """Settings for the shipped sample corpus and a fresh index folder."""
    index = tmp_path_factory.mktemp("index")
    return Settings.from_env(CORPUS, index)


@pytest.fixture(scope="session")
def sample_index(sample_settings):
    """The sample corpus, built once for the session."""
    from indexer.index.build import build

    report = build(sample_settings, log=lambda *_: None, quiet=True)
    assert report.failed == [], report.failed
    from indexer.search.handle import IndexHandle

    return IndexHandle(sample_settings).get()


@pytest.fixture(scope="session")
def client(sample_settings, sample_index):
    """A Flask test client over the sample index."""
    from app import create_app

    app = create_app(sample_settings)
    app.config["TESTING"] = False  # exercise the real error handlers
    return app.test_client()


@pytest.fixture()
def corpus_copy(tmp_path) -> Path:
    """A writable copy of the sample corpus."""
    dest = tmp_path / "corpus"
    shutil.copytree(CORPUS, dest)
    return dest


def doc_ids(result: dict) -> set[str]:
    """The doc_ids of a search result (the JSON of /api/search)."""
    return {h["doc_id"] for h in result["hits"]}


def open_index(index: Path):
    """The search service over the generation published in an index folder."""
    from indexer.search.handle import IndexHandle

    return IndexHandle(Settings.from_env(CORPUS, index)).get()


@pytest.fixture(scope="session")
def typesense_node(tmp_path_factory):
    """One Typesense node on free ports, for the whole session (skipped when the server cannot be had)."""
    from indexer.index.typesense import nodes as ts_nodes
    from tests.typesense_support import free_ports, record, server_or_skip

    server_or_skip()
    api_port, peering_port = free_ports(2)
    handle = ts_nodes.start_node(tmp_path_factory.mktemp("typesense-node"), api_port, peering_port,
                                 secrets.token_urlsafe(24))
    try:
        record("single node", ready_s=ts_nodes.wait_ready(handle, timeout=60))
        yield handle
    finally:
        ts_nodes.stop(handle)


def on_cluster(settings: Settings, cluster, alias: str) -> Settings:
    """The same settings with the Typesense backend on `cluster` (a node or cluster handle), under `alias`."""
    return replace(settings, search_backend="typesense", typesense_nodes=cluster.nodes_setting,
                   typesense_api_key=cluster.api_key, typesense_collection=alias)
