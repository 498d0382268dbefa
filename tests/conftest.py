"""Shared fixtures: the sample corpus built once into a temporary index, and a test client."""
from __future__ import annotations

import shutil
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
