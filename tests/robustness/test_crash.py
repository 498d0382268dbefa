"""Crashes: a build killed with -9 or interrupted with Ctrl-C at a random moment loses nothing.

Each trial switches a generated corpus of a few hundred records between versions A and B,
starts `python -m indexer build` (incremental, or `--rebuild` every third trial), and stops it
after a random delay within its usual duration. Then the published index must open and answer
exactly what it answered before (or, when the kill came after publication, exactly what a
from-scratch build of the new version answers); no worker process may outlive the build; and
the next build must complete and answer exactly like a from-scratch build of the new version.
"""
from __future__ import annotations

import os
import random
import shutil
import signal
import statistics
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest

from indexer.config import PROJECT_ROOT
from indexer.index.local import publish

from . import corpora, figures, procs, snapshot

SEED = int(os.environ.get("ROBUSTNESS_SEED", "0")) or random.SystemRandom().randrange(1, 10**6)


class Lab:
    """A corpus and its index, switched between two versions, with reference answers for each."""

    def __init__(self, root: Path):
        self.a, self.b = corpora.two_states()
        self.refs: dict[str, dict] = {}
        self.seconds: dict[str, list[float]] = {"incremental": [], "rebuild": []}
        for state in (self.a, self.b):  # from-scratch builds, in folders of their own
            corpus = root / f"ref-{state.name}"
            corpora.apply_state(corpus, state)
            t0 = time.monotonic()
            p = procs.run_build(corpus, root / f"ref-index-{state.name}", "--json")
            assert p.returncode == 0, p.stderr
            assert procs.parse_report(p.stdout)["failed"] == []
            self.seconds["rebuild"].append(time.monotonic() - t0)
            self.refs[state.name] = snapshot.of_index(root / f"ref-index-{state.name}")
            assert self.refs[state.name]["documents"] == len(state.files)
        self.corpus, self.index = root / "corpus", root / "index"
        corpora.apply_state(self.corpus, self.a)
        shutil.copytree(root / "ref-index-B", self.index, symlinks=True)  # as if built from version B
        t0 = time.monotonic()
        assert procs.run_build(self.corpus, self.index).returncode == 0  # an incremental build, B to A
        self.seconds["incremental"].append(time.monotonic() - t0)
        self.state = self.a
        assert snapshot.of_index(self.index) == self.refs["A"]
        self.phases: Counter = Counter()
        self.trials = Counter()
        self.exit_seconds: list[float] = []
        self.log: list[str] = []  # one line per trial, shown when too few trials landed
        self.rng = random.Random(SEED)

    def estimate(self, mode: str) -> float:
        """How long a build of this kind surely runs: the quickest of the last ones (the machine is shared)."""
        seen = self.seconds[mode] or self.seconds["rebuild"]
        return min(seen[-5:])

    def trial(self, sig: int, n: int) -> bool:
        """Switch versions, start a build, stop it with `sig` at a random moment, check everything.

        Returns whether the signal did stop the build (it may have finished first)."""
        target = self.b if self.state is self.a else self.a
        corpora.apply_state(self.corpus, target)
        mode = "rebuild" if n % 3 == 2 else "incremental"
        before = publish.current_generation(self.index).name
        # half the trials anywhere in the build, half in its second half, where writing and publishing happen
        usual = self.estimate(mode)
        earliest = 0.05 if sig == signal.SIGKILL else 0.2  # Python prints a traceback if Ctrl-C lands before our code runs
        delay = self.rng.uniform(earliest if n % 2 == 0 else usual / 2, 0.95 * usual)
        where = f"seed {SEED}, {signal.Signals(sig).name} trial {n}, {mode}, after {delay:.2f} s"
        out, err = self.index.parent / "build.out", self.index.parent / "build.err"
        with open(out, "wb") as fo, open(err, "wb") as fe:
            p = subprocess.Popen(procs.build_cmd(self.corpus, self.index, "--json",
                                                 *(["--rebuild"] if mode == "rebuild" else [])),
                                 cwd=PROJECT_ROOT, env=procs.env(), stdout=fo, stderr=fe, start_new_session=True,
                                 **procs.as_from_a_terminal())
        try:
            started = time.monotonic()
            while p.poll() is None and time.monotonic() - started < delay:
                time.sleep(0.01)
            signalled = time.monotonic()
            if p.poll() is not None and p.returncode == 0:
                # it finished first: the machine is quicker now than the estimate, which learns from it
                self.seconds[mode].append(signalled - started)
            if p.poll() is None:
                if sig == signal.SIGKILL:
                    os.kill(p.pid, sig)  # the build's main process only, as the OOM killer would
                else:
                    os.killpg(p.pid, sig)  # Ctrl-C in a terminal reaches the whole process group
                stopped = True
            else:
                stopped = False
            code = p.wait(timeout=120)
            self.exit_seconds.append(time.monotonic() - signalled)
            self.log.append(f"{signal.Signals(sig).name} trial {n}: {mode}, estimate {usual:.2f} s, signal after "
                            f"{signalled - started:.2f} s, {'stopped' if stopped else 'already finished'}, exit {code} "
                            f"after {time.monotonic() - started:.2f} s")
            deadline = time.monotonic() + 10
            while procs.group_members(p.pid) and time.monotonic() < deadline:
                time.sleep(0.05)
            left = procs.group_members(p.pid)
        finally:
            procs.kill_group(p.pid)
        stderr = err.read_text(errors="replace")
        assert not left, f"{where}: worker processes outlived the build: {left}"
        assert "Traceback" not in stderr, f"{where}:\n{stderr}"
        if sig == signal.SIGINT and stopped:
            assert code in (130, 0), f"{where}: exit {code}\n{stderr}"
            assert self.exit_seconds[-1] < 15, f"{where}: Ctrl-C took {self.exit_seconds[-1]:.1f} s to stop the build"
            if code == 130:
                assert stderr.strip().splitlines()[-1].startswith(("build interrupted", "interrupted")), stderr
                assert not [n for n in os.listdir(self.index) if ".tmp-" in n], f"{where}: staging left behind"
        switched = publish.current_generation(self.index).name != before
        if not stopped or code == 0:
            phase = "finished before the signal"
        elif sig == signal.SIGKILL or switched:
            phase = snapshot.phase_of(self.index, before)
        else:  # Ctrl-C cleans up after itself: only the moment tells where it landed
            phase = f"Ctrl-C at {min(100, 25 * int(4 * delay / usual))}% of a usual build"
        self.phases[phase] += 1
        interrupted = stopped and code != 0
        self.trials[signal.Signals(sig).name if interrupted else "finished first"] += 1

        # the published index opens and answers exactly as before, or exactly as the new version
        now = snapshot.of_index(self.index)
        expected = self.refs[target.name] if switched else self.refs[self.state.name]
        assert now == expected, f"{where} ({phase}): answers differ in {snapshot.differences(now, expected)}"

        # the next build completes and matches a from-scratch build of the new version
        t0 = time.monotonic()
        done = procs.run_build(self.corpus, self.index, "--json", *(["--rebuild"] if mode == "rebuild" else []))
        assert done.returncode == 0, f"{where}: the next build failed:\n{done.stderr}"
        assert procs.parse_report(done.stdout)["failed"] == []
        if not switched:
            self.seconds[mode].append(time.monotonic() - t0)
        after = snapshot.of_index(self.index)
        assert after == self.refs[target.name], f"{where}: next build differs in {snapshot.differences(after, self.refs[target.name])}"
        assert not [n for n in os.listdir(self.index) if ".tmp-" in n], f"{where}: a stale staging folder survived"
        self.state = target
        return interrupted


@pytest.fixture(scope="module")
def lab(tmp_path_factory) -> Lab:
    return Lab(tmp_path_factory.mktemp("crash"))


def test_kill_9_at_random_moments_loses_nothing(lab):
    wanted, n = figures.size("CRASH_TRIALS"), 0
    while lab.trials["SIGKILL"] < wanted and n < 3 * wanted:  # a build that finished first is not a crash
        lab.trial(signal.SIGKILL, n)
        n += 1
    assert lab.trials["SIGKILL"] >= wanted, \
        f"only {lab.trials['SIGKILL']} builds were still running when killed:\n" + "\n".join(lab.log)
    figures.record("crash", seed=SEED, kill9_trials_survived=lab.trials["SIGKILL"],
                   documents_per_version={"A": lab.refs["A"]["documents"], "B": lab.refs["B"]["documents"]},
                   usual_build_seconds={k: round(statistics.median(v), 2) for k, v in lab.seconds.items() if v})
    figures.record("crash", phases=dict(lab.phases))


def test_ctrl_c_at_random_moments_exits_cleanly_and_loses_nothing(lab):
    wanted, n = figures.size("SIGINT_TRIALS"), 0
    while lab.trials["SIGINT"] < wanted and n < 3 * wanted:
        lab.trial(signal.SIGINT, n)
        n += 1
    assert lab.trials["SIGINT"] >= wanted, \
        f"only {lab.trials['SIGINT']} builds were still running at Ctrl-C:\n" + "\n".join(lab.log)
    figures.record("crash", seed=SEED, sigint_trials_survived=lab.trials["SIGINT"], phases=dict(lab.phases),
                   builds_that_finished_before_the_signal=lab.trials["finished first"],
                   slowest_exit_after_signal_s=round(max(lab.exit_seconds), 2))


def test_every_child_of_a_build_dies_with_it(lab, tmp_path):
    """Killed with -9 once it has forked its readers and index writers, a build leaves no process behind."""
    p = subprocess.Popen(procs.build_cmd(lab.corpus, tmp_path / "index", "--rebuild", "--json"), cwd=PROJECT_ROOT,
                         env=procs.env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while len(procs.group_members(p.pid)) < 5 and time.monotonic() < deadline and p.poll() is None:
            time.sleep(0.02)  # the build, its two index sub-writers and its two readers
        children = [pid for pid in procs.group_members(p.pid) if pid != p.pid]
        assert len(children) >= 4, f"the build did not fork its workers: {children}"
        os.kill(p.pid, signal.SIGKILL)
        p.wait(timeout=30)
        deadline = time.monotonic() + 5
        while procs.group_members(p.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert procs.group_members(p.pid) == [], "worker processes outlived the killed build"
    finally:
        procs.kill_group(p.pid)
