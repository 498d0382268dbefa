"""The server warms its query expansion up in the background, so that the first searches are not the slow ones."""
from __future__ import annotations

import app as app_module
from indexer.analysis import lexicon
from indexer.config import Settings


def test_warm_up_loads_the_lexicon_by_answering_searches(sample_settings, sample_index, capsys, monkeypatch):
    monkeypatch.setattr(lexicon, "_lexicon", None)  # as in a fresh server process
    application = app_module.create_app(sample_settings)
    app_module._warm_up(application).join(timeout=120)
    assert lexicon._lexicon is not None  # loaded before anyone searched
    assert "warmed up in" in capsys.readouterr().err


def test_warm_up_without_an_index_says_so_in_one_line(tmp_path, capsys):
    settings = Settings.from_env(tmp_path / "corpus", tmp_path / "index")
    app_module._warm_up(app_module.create_app(settings)).join(timeout=60)
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("warm-up skipped: ")
