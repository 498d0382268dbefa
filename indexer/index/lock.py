"""One build at a time per index: a lock file that the operating system releases if its holder dies."""
from __future__ import annotations

import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path


class BuildLocked(Exception):
    """Another build holds the lock."""


@contextmanager
def build_lock(folder: Path, wait_seconds: float = 0):
    """Hold the build lock; the OS releases it if the holder dies."""
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / "build.lock", os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + wait_seconds
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise BuildLocked("another build is running on this index") from None
                time.sleep(0.2)
        yield
    finally:
        os.close(fd)
