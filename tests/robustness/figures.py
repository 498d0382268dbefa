"""Run sizes and the figures the robustness tests report.

`make test` runs short versions; `make soak` (ROBUSTNESS_SOAK=1) runs the long ones. Each size
can also be set on its own through the environment variable named below.
"""
from __future__ import annotations

import os

SOAK = os.environ.get("ROBUSTNESS_SOAK", "") not in ("", "0")

_SIZES = {  # name: (make test, make soak)
    "CRASH_TRIALS": (3, 24),  # kill -9 of a running build
    "SIGINT_TRIALS": (2, 8),  # Ctrl-C of a running build
    "REBUILDS": (3, 12),  # rebuilds published while searches run
    "LOAD_SECONDS": (6, 60),  # 16 clients against waitress
    "FUZZ_EXAMPLES": (150, 2000),  # hypothesis examples per fuzzed route
    "HOSTILE_SCANNED_PAGES": (0, 200),  # pages of a scan in the hostile corpus (OCR stops at OCR_SECONDS)
}

FIGURES: dict[str, dict] = {}


def size(name: str) -> int:
    """How many trials (or seconds) of one kind this run makes."""
    short, long = _SIZES[name]
    try:
        return int(os.environ[name])
    except (KeyError, ValueError):
        return long if SOAK else short


def record(name: str, **values) -> None:
    """Add figures under a heading (merged when recorded several times)."""
    FIGURES.setdefault(name, {}).update(values)


def percentile(sorted_values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of sorted values."""
    if not sorted_values:
        return float("nan")
    k = max(0, min(len(sorted_values) - 1, int(round(p / 100 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[k]
