"""Robustness tests: sizes of the runs (short in `make test`, long in `make soak`) and the figures they report.

Every test records what it tried (files, crash trials, searches, requests, fuzz cases) with
`figures.record(...)`; the figures are printed at the end of the run and, when the variable
ROBUSTNESS_FIGURES names a file, written there as JSON.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from . import figures


def pytest_terminal_summary(terminalreporter):
    """Print the robustness figures of this run."""
    if not figures.FIGURES:
        return
    terminalreporter.section("robustness figures")
    for name, values in figures.FIGURES.items():
        terminalreporter.write_line(f"{name}: {json.dumps(values, ensure_ascii=False, default=str)}")
    target = os.environ.get("ROBUSTNESS_FIGURES")
    if target:
        path = Path(target)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(figures.FIGURES, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
        terminalreporter.write_line(f"written to {path}")
