"""Reader processes: every file is read in a child process under limits, and a child's death costs one file.

A reader is a forked child that runs one job at a time. Its address space is capped
(RLIMIT_AS), so a decompression bomb fails an allocation instead of taking the machine; its
result is size-checked before and after it crosses the pipe. A watchdog thread in the parent
kills a reader that passes its wall time for a file, and, when the build passes its memory
budget, the reader that holds the most. The build is its own growth since the readers started
plus the readers with their children (OCR), measured by PSS (a forked reader shares its parent's
pages: RSS would count them once per reader): a build run inside a large process (a test
session, a notebook, a server with other children) is not charged for its host. A reader that dies (the kernel's
OOM killer, a crash in a parsing library, the watchdog) is replaced; its file is read once
more unless the watchdog stopped it for time, then reported with a one-line reason.

The parent's main thread forks readers (forking from a helper thread could copy a lock held
mid-operation); the watchdog thread hands out jobs, collects results and enforces the limits,
so readers keep working while the main thread indexes. Results come back in job order, with
at most `window` jobs read ahead, and no more read ahead once the results waiting for the main
thread pass `held_bytes` (a window of large documents would otherwise pile up in the parent,
where no limit applies).
"""
from __future__ import annotations

import os
import pickle
import resource
import signal
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass
from multiprocessing import connection
from typing import Any, Callable, Iterable, Iterator

from .lifetime import die_with_parent
from .procstat import process_tree, pss_bytes, rss_bytes

PROCESS_NAME = b"indexer-reader"  # in /proc/PID/comm, `ps` and `top`
PR_SET_NAME = 15
TICK = 0.1  # seconds between watchdog checks


@dataclass(frozen=True)
class Limits:
    """What one file may cost a reader."""

    memory_bytes: int  # address space a reader may add to what it was forked with
    seconds: float  # wall time per file
    result_bytes: int  # the pickled result sent back
    tree_bytes: int = 0  # PSS the build adds to its start, readers included (0: not watched)
    held_bytes: int = 128 << 20  # pickled results waiting for the main thread before reading ahead stops


@dataclass
class Outcome:
    """What became of one job: its result, or why there is none; `retried` names a first death."""

    index: int
    job: Any
    result: Any = None
    error: str | None = None
    retried: str | None = None
    size: int = 0  # bytes of the pickled result


def _set_name(name: bytes) -> None:
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_NAME, name, 0, 0, 0)
        except (OSError, AttributeError):
            pass


def vm_bytes(pid: int | str = "self") -> int:
    """Virtual memory size of a process (what RLIMIT_AS counts), 0 when unknown."""
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _serve(conn, fn: Callable, parent: int, limits: Limits) -> None:
    """A reader's life: jobs in, results out, until the pipe closes."""
    die_with_parent(parent)
    _set_name(PROCESS_NAME)
    if limits.memory_bytes:
        # the soft limit only: the OCR process a reader starts sets its own
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = vm_bytes() + limits.memory_bytes
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    while True:
        try:
            job = pickle.loads(conn.recv_bytes())
        except (EOFError, OSError):
            os._exit(0)
        try:
            reply = ("ok", fn(job))
        except MemoryError:
            reply = ("memory", None)
        except Exception as e:  # the job function reports its own failures; this is a bug in it
            reply = ("error", f"internal error while reading: {type(e).__name__}: {e}")
        try:
            data = pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            reply, data = ("memory", None), pickle.dumps(("memory", None))
        if len(data) > limits.result_bytes:
            data = pickle.dumps(("large", len(data)))
        try:
            conn.send_bytes(data)
        except OSError:
            os._exit(0)
        if reply[0] == "memory":
            os._exit(0)  # a process that ran out of memory may hold half-built state: start afresh


def _describe_exit(code: int | None) -> str:
    if code is None:
        return "the reading process died"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        if -code == signal.SIGKILL:
            return "the reading process was killed (SIGKILL: out of memory, or killed by hand)"
        return f"the reading process died ({name}: a crash in a parsing library)"
    return f"the reading process exited with status {code}"


class _Reader:
    def __init__(self, proc, conn):
        self.proc, self.conn = proc, conn
        self.index: int | None = None  # the job it is reading
        self.deadline = 0.0
        self.cause: str | None = None  # why the watchdog killed it
        self.dead = False


class ReaderPool:
    """Run `fn(job)` for every job in reader processes under `limits`; see the module docstring."""

    def __init__(self, fn: Callable, workers: int, limits: Limits, window: int = 32):
        import multiprocessing

        self.fn, self.workers, self.limits, self.window = fn, max(1, workers), limits, max(1, window)
        self.ctx = multiprocessing.get_context("fork")
        self.lock = threading.Condition()
        self.readers: list[_Reader] = []
        self.pending: deque[int] = deque()
        self.jobs: list = []
        self.attempts: dict[int, str] = {}  # index -> why its first reader died
        self.done: dict[int, Outcome] = {}
        self.next_out = 0
        self.held = 0  # bytes of results waiting in `done`
        self.stopping = False
        self.last_guard = 0.0
        self.host_bytes = pss_bytes(os.getpid()) if limits.tree_bytes else 0  # what the build started from

    # --- main thread -------------------------------------------------------------------------

    def map(self, jobs: Iterable) -> Iterator[Outcome]:
        """Outcomes in job order."""
        self.jobs = list(jobs)
        self.pending = deque(range(len(self.jobs)))
        restore = self._ignore_sigpipe()
        watchdog = threading.Thread(target=self._watch, name="reader-watchdog", daemon=True)
        try:
            self._replace_dead()
            watchdog.start()
            while self.next_out < len(self.jobs):
                with self.lock:
                    while self.next_out not in self.done and not any(r.dead for r in self.readers):
                        self.lock.wait(TICK)
                    outcome = self.done.pop(self.next_out, None)
                    if outcome is not None:
                        self.next_out += 1
                        self.held -= outcome.size
                        self.lock.notify_all()
                if outcome is None:
                    self._replace_dead()
                    continue
                yield outcome
        finally:
            with self.lock:
                self.stopping = True
                self.lock.notify_all()
            if watchdog.is_alive():
                watchdog.join()
            for r in self.readers:
                self._kill(r)
                r.proc.join(5)
                r.conn.close()
            self.readers = []
            if restore is not None:
                signal.signal(signal.SIGPIPE, restore)

    @staticmethod
    def _ignore_sigpipe():
        # a write to a reader that just died must raise BrokenPipeError, not kill the build
        # silently (the command line restores the default action for `search ... | head`)
        if threading.current_thread() is threading.main_thread() and \
                signal.getsignal(signal.SIGPIPE) == signal.SIG_DFL:
            signal.signal(signal.SIGPIPE, signal.SIG_IGN)
            return signal.SIG_DFL
        return None

    def _replace_dead(self) -> None:
        """Reap dead readers and fork new ones while there is work left (main thread only)."""
        with self.lock:
            for r in [r for r in self.readers if r.dead]:
                r.proc.join(5)
                r.conn.close()
                self.readers.remove(r)
            want = min(self.workers, len(self.jobs) - self.next_out) - len(self.readers)
        for _ in range(max(0, want)):
            parent_end, child_end = self.ctx.Pipe(duplex=True)
            proc = self.ctx.Process(target=_serve, args=(child_end, self.fn, os.getpid(), self.limits),
                                    name="indexer-reader", daemon=True)
            proc.start()
            child_end.close()  # so that the reader's death reads as end-of-file here
            with self.lock:
                self.readers.append(_Reader(proc, parent_end))
                self.lock.notify_all()

    # --- watchdog thread -----------------------------------------------------------------------

    def _watch(self) -> None:
        while True:
            with self.lock:
                if self.stopping:
                    return
                self._dispatch()
                busy = [r for r in self.readers if r.index is not None and not r.dead]
            ready = connection.wait([r.conn for r in busy], timeout=TICK) if busy else []
            if not busy:
                time.sleep(TICK / 4)
            with self.lock:
                for r in busy:
                    if r.conn in ready:
                        self._receive(r)
                now = time.monotonic()
                for r in busy:
                    if not r.dead and r.index is not None and now > r.deadline:
                        r.cause = f"took longer than {self.limits.seconds:g} s to read (READER_SECONDS)"
                        self._kill(r)
                        self._died(r, r.index, None)
                if self.limits.tree_bytes and now - self.last_guard >= TICK:
                    self.last_guard = now
                    self._guard_memory()
                self.lock.notify_all()

    def _dispatch(self) -> None:
        for r in self.readers:
            if r.dead or r.index is not None or not self.pending:
                continue
            index = self.pending[0]
            if index >= self.next_out + self.window or \
                    (self.held > self.limits.held_bytes and index > self.next_out):
                return  # read ahead no further: results wait in memory until the indexer takes them
            self.pending.popleft()
            try:
                r.conn.send_bytes(pickle.dumps(self.jobs[index], protocol=pickle.HIGHEST_PROTOCOL))
            except OSError:  # it died while idle: the job was never started
                self.pending.appendleft(index)
                r.dead = True
                continue
            r.index, r.deadline = index, time.monotonic() + self.limits.seconds

    def _receive(self, r: _Reader) -> None:
        index = r.index
        try:
            data = r.conn.recv_bytes(self.limits.result_bytes + 4096)
            kind, value = pickle.loads(data)
        except (EOFError, OSError) as e:
            too_large = isinstance(e, OSError) and "length" in str(e)
            self._kill(r)
            r.proc.join(5)
            self._died(r, index, "the result was too large" if too_large else None)
            return
        r.index = None
        if kind == "ok":
            self._finish(index, result=value, size=len(data))
        elif kind == "memory":
            r.dead = True  # it exits after saying so
            self._finish(index, error=f"ran out of memory while reading "
                                      f"(over {self.limits.memory_bytes >> 20} MB, READER_MEMORY_MB)")
        elif kind == "large":
            self._finish(index, error=f"too much output: {value >> 20} MB > limit "
                                      f"{self.limits.result_bytes >> 20} MB")
        else:
            self._finish(index, error=value)

    def _died(self, r: _Reader, index: int | None, why: str | None) -> None:
        r.dead, r.index = True, None
        if index is None:
            return
        reason = why or r.cause or _describe_exit(r.proc.exitcode)
        if r.cause and "longer than" in r.cause:
            self._finish(index, error=reason)  # a second try would cost the same time again
        elif index in self.attempts:
            first = self.attempts[index]
            self._finish(index, error=reason if reason == first else f"{reason} (and before: {first})",
                         retried=first)
        else:
            self.attempts[index] = reason
            self.pending.appendleft(index)

    def _finish(self, index: int, result=None, error: str | None = None, retried: str | None = None,
                size: int = 0) -> None:
        self.done[index] = Outcome(index, self.jobs[index], result, error,
                                   retried if retried is not None else self.attempts.get(index), size)
        self.held += size

    def _kill(self, r: _Reader) -> None:
        if r.proc.pid and r.proc.exitcode is None:
            try:
                os.kill(r.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        r.dead = True

    def _guard_memory(self) -> None:
        """Over the tree's budget: stop the busy reader that holds the most (with its OCR process)."""
        live = [r for r in self.readers if not r.dead]
        trees = {id(r): process_tree(r.proc.pid) for r in live}
        # RSS bounds PSS from above and costs a small read; PSS walks every mapping (smaps_rollup):
        # measured ten times a second it was a sixth of the build's main process and held the lock
        # the readers hand their results over under. Measure PSS only when the bound is over budget.
        bound = rss_bytes(os.getpid()) - self.host_bytes + sum(rss_bytes(p) for t in trees.values() for p in t)
        if bound <= self.limits.tree_bytes:
            return
        sizes = {id(r): sum(pss_bytes(p) for p in trees[id(r)]) for r in live}
        total = pss_bytes(os.getpid()) - self.host_bytes + sum(sizes.values())
        if total <= self.limits.tree_bytes:
            return
        busy = [r for r in live if r.index is not None]
        if not busy:
            return
        worst = max(busy, key=lambda r: sizes[id(r)])
        worst.cause = (f"reading it took the build over its memory budget "
                       f"({self.limits.tree_bytes >> 20} MB, BUILD_MEMORY_MB)")
        self._kill(worst)
        self._died(worst, worst.index, None)


def run(fn: Callable, jobs: list, workers: int, limits: Limits, window: int = 32) -> Iterator[Outcome]:
    """Outcomes of `fn(job)` for every job, in order, each read in a reader process under `limits`."""
    yield from ReaderPool(fn, workers, limits, window).map(jobs)
