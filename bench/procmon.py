"""Running a command as a measured child process: wall time and peak resident memory of its tree.

Memory is sampled from /proc every 50 ms (the sum over the process and its descendants, and the
main process alone), because `ru_maxrss` of children reports only the largest single process.
"""
from __future__ import annotations

import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from indexer.index.procstat import process_tree, rss_bytes

SAMPLE_SECONDS = 0.05


def peak_rss_bytes(pid: int) -> int:
    """The kernel's high-water mark of a live process's resident memory (VmHWM), 0 when unknown."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def descendants(pid: int) -> list[int]:
    """The process's children, grandchildren, ..."""
    return process_tree(pid)[1:]


@dataclass
class Measured:
    """What a measured run did."""

    returncode: int
    seconds: float
    stdout: str
    stderr: str
    peak_tree_rss: int
    peak_main_rss: int


class _Sampler(threading.Thread):
    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_tree = 0
        self.peak_main = 0
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            main = rss_bytes(self.pid)
            self.peak_main = max(self.peak_main, main, peak_rss_bytes(self.pid))
            self.peak_tree = max(self.peak_tree, main + sum(rss_bytes(k) for k in descendants(self.pid)))
            self._halt.wait(SAMPLE_SECONDS)

    def stop(self) -> None:
        self._halt.set()
        self.join()


def run_measured(cmd: list[str], env: dict | None = None, cwd: Path | None = None,
                 timeout: float | None = None) -> Measured:
    """Run `cmd` to completion, sampling its memory; output is captured."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = _Sampler(proc.pid)
    sampler.start()
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        err += f"\ntimed out after {timeout} s"
    seconds = time.perf_counter() - t0
    sampler.stop()
    return Measured(proc.returncode, seconds, out, err, sampler.peak_tree, sampler.peak_main)
