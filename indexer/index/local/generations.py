"""The published generations of a local index folder, for readers (see publish.py for writers)."""
from __future__ import annotations

from pathlib import Path

from . import publish
from .backend import LocalBackend


class LocalGenerations:
    """Which generation of INDEX_DIR is published, and opening it."""

    def __init__(self, index_dir: Path):
        self.index_dir = index_dir

    def current(self) -> str | None:
        """The published generation's folder, or None when nothing was published yet."""
        folder = publish.current_generation(self.index_dir)
        return None if folder is None else str(folder)

    def open(self, key: str) -> LocalBackend:
        """Open a generation folder for searching."""
        return LocalBackend(Path(key))
