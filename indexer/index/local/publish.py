"""Index generations: build aside, then switch atomically.

    INDEX_DIR/
      current -> gen-000007       symlink, replaced with one rename(2)
      gen-000007/                 engine files + docs.sqlite, never changed once published
      gen-000008.tmp-1234/        a build in progress (or killed); never read
      build.lock                  one build at a time

Whoosh's multi-file segments are not crash-safe on their own, so a build never touches a
published folder: it hard-links the previous generation's immutable segment files into a
staging folder, copies the SQLite store, writes there, fsyncs, renames the folder, then swaps
the `current` symlink. A reader resolves `current` once and keeps that generation open.
"""
from __future__ import annotations

import errno
import os
import re
import shutil
import time
from pathlib import Path

CURRENT = "current"
_GEN = re.compile(r"^gen-(\d{6})$")
KEEP_OLD_SECONDS = 120  # readers that opened an older generation keep it this long at least


def current_generation(index_dir: Path) -> Path | None:
    """The published generation folder, or None when nothing was published yet."""
    link = index_dir / CURRENT
    try:
        target = os.readlink(link)
    except OSError:
        return None
    path = index_dir / target
    return path if path.is_dir() else None


def _generations(index_dir: Path) -> list[tuple[int, Path]]:
    out = []
    if index_dir.is_dir():
        for p in index_dir.iterdir():
            m = _GEN.match(p.name)
            if m and p.is_dir():
                out.append((int(m.group(1)), p))
    return sorted(out)


def new_staging(index_dir: Path) -> tuple[Path, str]:
    """A fresh staging folder and the generation name it will be published as."""
    gens = _generations(index_dir)
    number = (gens[-1][0] + 1) if gens else 1
    name = f"gen-{number:06d}"
    staging = index_dir / f"{name}.tmp-{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    return staging, name


def seed_from(previous: Path, staging: Path) -> None:
    """Fill a staging folder from a published generation: hard links for engine files, a copy of the store."""
    for f in previous.iterdir():
        if not f.is_file() or f.name.endswith(".lock"):
            continue
        dest = staging / f.name
        if f.suffix in (".sqlite", ".json"):
            shutil.copy2(f, dest)
        else:
            try:
                os.link(f, dest)
            except OSError:
                shutil.copy2(f, dest)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(index_dir: Path, staging: Path, name: str) -> Path:
    """Make a staging folder the current generation, atomically and durably."""
    for f in staging.iterdir():
        if f.is_file():
            with open(f, "rb") as fh:
                os.fsync(fh.fileno())
    _fsync_dir(staging)
    final = index_dir / name
    os.rename(staging, final)
    tmp_link = index_dir / f".{CURRENT}.tmp-{os.getpid()}"
    if tmp_link.is_symlink() or tmp_link.exists():
        tmp_link.unlink()
    os.symlink(name, tmp_link)
    os.replace(tmp_link, index_dir / CURRENT)
    _fsync_dir(index_dir)
    return final


def collect_garbage(index_dir: Path) -> None:
    """Remove stale staging folders and generations older than the previous one (after a grace period)."""
    live = current_generation(index_dir)
    now = time.time()
    for p in index_dir.iterdir() if index_dir.is_dir() else []:
        m = re.match(r"^gen-\d{6}\.tmp-(\d+)$", p.name)
        if m and not _pid_alive(int(m.group(1))):
            shutil.rmtree(p, ignore_errors=True)
        elif p.name.startswith(f".{CURRENT}.tmp-") and p.is_symlink():
            p.unlink(missing_ok=True)
    gens = _generations(index_dir)
    keep = {live} if live else set()
    older = [g for _, g in gens if g != live and (live is None or g.name < live.name)]
    if older:
        keep.add(older[-1])  # the previous generation, for readers that still have it open
    for _, g in gens:
        if g in keep:
            continue
        try:
            if now - g.stat().st_mtime > KEEP_OLD_SECONDS or (live and g.name > live.name):
                shutil.rmtree(g, ignore_errors=True)
        except OSError:
            pass


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except OSError as e:
        return e.errno == errno.EPERM
    return True


_STAGING = re.compile(r"^gen-\d{6}\.tmp-\d+$")  # publish.new_staging's names


def collect_stale_staging(index_dir: Path) -> None:
    """Remove staging folders of earlier builds that died. Called under the build lock, which only one
    build holds: every staging folder there is then stale, even when its pid now names a live process
    (publish.collect_garbage spares those)."""
    mine = f".tmp-{os.getpid()}"
    for p in index_dir.iterdir():
        if _STAGING.match(p.name) and not p.name.endswith(mine) and p.is_dir() and not p.is_symlink():
            shutil.rmtree(p, ignore_errors=True)
