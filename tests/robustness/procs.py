"""Running the project's own programs as a user would: `python -m indexer build` and `python app.py`."""
from __future__ import annotations

import ctypes
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from indexer.config import PROJECT_ROOT
from indexer.index.procstat import process_tree

CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 1, 2
PR_CAPBSET_DROP = 24


def env(**extra) -> dict:
    """The environment of a child process, with the project importable."""
    e = {k: v for k, v in os.environ.items() if k not in ("CORPUS_DIR", "INDEX_DIR", "HOST", "PORT", "FLASK_DEBUG")}
    e["PYTHONPATH"] = str(PROJECT_ROOT)
    e.update({k: str(v) for k, v in extra.items() if v is not None})
    return e


def build_cmd(corpus: Path, index: Path, *more: str) -> list[str]:
    """The command line of a build."""
    return [sys.executable, "-m", "indexer", "build", "--corpus", str(corpus), "--index", str(index), *more]


def run_build(corpus: Path, index: Path, *more: str, timeout: float = 300, **kw) -> subprocess.CompletedProcess:
    """Run a build to completion; stdout/stderr as text."""
    return subprocess.run(build_cmd(corpus, index, *more), capture_output=True, text=True, cwd=PROJECT_ROOT,
                          env=kw.pop("env", None) or env(), timeout=timeout, **kw)


def _drop_file_read_override() -> None:
    """In a root child before exec: drop the capabilities that let root read files it has no permission for."""
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def as_ordinary_user() -> dict:
    """subprocess arguments so that permission bits apply to the child even when the tests run as root."""
    return {"preexec_fn": _drop_file_read_override} if os.geteuid() == 0 else {}


def _interruptible() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def as_from_a_terminal() -> dict:
    """subprocess arguments for a child that Ctrl-C stops, as when started from a terminal, even when
    the tests themselves run as a background job (a shell starts those with SIGINT ignored, and
    an ignored signal stays ignored across fork and exec)."""
    return {"preexec_fn": _interruptible}


def permissions_apply(probe_dir: Path) -> bool:
    """True when a child started with `as_ordinary_user()` is refused a file with mode 000."""
    probe = probe_dir / "probe-unreadable"
    probe.write_text("x")
    probe.chmod(0)
    try:
        r = subprocess.run([sys.executable, "-c", f"open({str(probe)!r}).read()"], capture_output=True,
                           timeout=60, **as_ordinary_user())
        return r.returncode != 0 and b"PermissionError" in r.stderr
    except OSError:
        return False
    finally:
        probe.chmod(0o644)
        probe.unlink()


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def get(host: str, port: int, path: str, timeout: float = 30) -> tuple[int, dict, bytes]:
    """One HTTP GET: status, headers (lower-cased names), body."""
    c = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        c.request("GET", path)
        r = c.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        c.close()


@contextmanager
def served(index: Path, corpus: Path, host: str | None = "127.0.0.1", threads: int | None = None,
           extra_env: dict | None = None, ready_timeout: float = 60):
    """`python app.py` serving an index, as `make run` starts it; yields (host, port, process)."""
    port = free_port()
    e = env(INDEX_DIR=index, CORPUS_DIR=corpus, PORT=port, HOST=host, THREADS=threads, **(extra_env or {}))
    log = tempfile.TemporaryFile()  # a pipe nobody reads would fill up and stall the server
    p = subprocess.Popen([sys.executable, "app.py"], cwd=PROJECT_ROOT, env=e, stdout=log, stderr=log,
                         start_new_session=True)
    p.log = log
    connect_host = host or "127.0.0.1"
    try:
        deadline = time.monotonic() + ready_timeout
        while True:
            if p.poll() is not None:
                raise RuntimeError(f"app.py exited with {p.returncode}: {server_log(p)[-2000:]}")
            try:
                status, _h, _b = get(connect_host, port, "/healthz", timeout=5)
                if status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("app.py did not answer /healthz in time")
            time.sleep(0.2)
        yield connect_host, port, p
    finally:
        stop(p)
        log.close()


def server_log(p: subprocess.Popen) -> str:
    """What a server started by `served` printed so far."""
    p.log.seek(0)
    return p.log.read().decode("utf-8", "replace")


def stop(p: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    """Stop a child started in its own session, and anything it left in that session."""
    if p.poll() is None:
        p.send_signal(sig)
        try:
            p.wait(timeout=15)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(timeout=15)
    kill_group(p.pid)


def group_members(pgid: int) -> list[int]:
    """Live processes (not zombies) of a process group."""
    if not Path("/proc").is_dir():  # not Linux: only whether the group still exists
        try:
            os.killpg(pgid, 0)
            return [pgid]
        except OSError:
            return []
    out = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        state, pgrp = fields[0], int(fields[2])
        if pgrp == pgid and state != "Z":
            out.append(int(d.name))
    return out


def kill_group(pgid: int) -> None:
    """Kill what is left of a process group we started (never anything else)."""
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def parse_report(stdout: str) -> dict:
    """The `--json` report of a build."""
    return json.loads(stdout)


def _rss_pss(pid: int) -> tuple[int, int]:
    """Resident and proportional set size of one process in bytes (0, 0 when it is gone)."""
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1]) * 1024
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return rss, pss


class Measured:
    """A build run to completion (or stopped at the memory ceiling), with its peak memory and time."""

    def __init__(self, returncode: int, stdout: str, stderr: str, seconds: float, peak_rss: int, peak_pss: int,
                 peak_processes: int, stopped: str | None):
        self.returncode, self.stdout, self.stderr, self.seconds = returncode, stdout, stderr, seconds
        self.peak_rss, self.peak_pss, self.peak_processes, self.stopped = peak_rss, peak_pss, peak_processes, stopped


def measured_build(corpus: Path, index: Path, *more: str, ceiling: int, timeout: float, **kw) -> Measured:
    """Run a build, sampling the memory of its whole process tree every 50 ms: the sum of resident sizes
    (shared pages counted in every process) and of proportional sizes (shared pages split). The build
    is killed when the sum of resident sizes passes `ceiling` bytes or when `timeout` passes."""
    out, err = tempfile.TemporaryFile(), tempfile.TemporaryFile()
    t0 = time.monotonic()
    p = subprocess.Popen(build_cmd(corpus, index, *more), cwd=PROJECT_ROOT, env=kw.pop("env", None) or env(),
                         stdout=out, stderr=err, start_new_session=True, **kw)
    peak_rss = peak_pss = peak_n = 0
    stopped = None
    try:
        while p.poll() is None:
            pids = process_tree(p.pid)
            sizes = [_rss_pss(pid) for pid in pids]
            peak_rss = max(peak_rss, sum(s[0] for s in sizes))
            peak_pss = max(peak_pss, sum(s[1] for s in sizes))
            peak_n = max(peak_n, sum(1 for s in sizes if s[0]))
            if peak_rss > ceiling:
                stopped = f"killed at {peak_rss / 2**20:.0f} MB, over the ceiling of {ceiling / 2**20:.0f} MB"
            elif time.monotonic() - t0 > timeout:
                stopped = f"killed after {timeout:.0f} s"
            if stopped:
                kill_group(p.pid)
                break
            time.sleep(0.05)
        p.wait(timeout=60)
    finally:
        kill_group(p.pid)
    seconds = time.monotonic() - t0
    out.seek(0)
    err.seek(0)
    return Measured(p.returncode, out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"),
                    seconds, peak_rss, peak_pss, peak_n, stopped)
