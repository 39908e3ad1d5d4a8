"""Leases between the writers of the archive and the index, so that none loses another's work.

Three kinds of writer touch the index: ingest (bags, then the index in batches), the
record's own writers (corrections, status events: one bag, then the index) and ``reindex``
(a new index filled from the archive, then swapped in place of the old). Without leases a
write that landed in the old index while reindex ran was deleted with it.

- ``index_writes``: taken *shared* by every writer around its write to the index (and, for a
  record's writers, from the read of the bag to the write). Many at once.
- ``index_swap``: taken *exclusive* by reindex for its last step only — catch up what was
  written since it started, then swap. It waits for the writes in flight and holds new ones
  back for those few seconds; every write lands before the catch-up or after the swap.
- ``sole``: one process at a time for a whole run (two ingests would OCR the same files;
  two reindexes would swap over each other). The second is refused at once, naming the
  first (its pid and since when), rather than left waiting behind a run of hours.

They are ``flock`` locks on files in the archive's ``.locks`` folder: the kernel drops them
when their process dies, so a ``kill -9`` never leaves one behind. Each use opens its own
file, so threads of one server take them independently, as processes do.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from search.errors import TracuuError

#: The folder of lock files, beside the bags (iter_bags reads only two-letter shard folders).
LOCKS = ".locks"


class Busy(TracuuError):
    """Another run holds a lease that must be held alone."""

    exit_code = 6


def lock_path(archive_dir: Path, name: str) -> Path:
    folder = archive_dir / LOCKS
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{name}.lock"


@contextlib.contextmanager
def held(path: Path, mode: int) -> Iterator[None]:
    """``flock`` on ``path``, opened for reading only: a lock file created by another user
    (a command run as root in the container) must not keep the service's user out."""
    fd = os.open(path, os.O_RDONLY | os.O_CREAT, 0o666)
    try:
        fcntl.flock(fd, mode)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def index_writes(archive_dir: Path) -> contextlib.AbstractContextManager[None]:
    """Shared: a write to the index that a reindex must not lose."""
    return held(lock_path(archive_dir, "index"), fcntl.LOCK_SH)


def index_swap(archive_dir: Path) -> contextlib.AbstractContextManager[None]:
    """Exclusive: reindex's catch-up and swap."""
    return held(lock_path(archive_dir, "index"), fcntl.LOCK_EX)


_WHAT = {"ingest": "Một lượt nhập (tracuu ingest)", "reindex": "Một lượt lập lại chỉ mục (tracuu reindex)"}


@contextlib.contextmanager
def sole(archive_dir: Path, name: str) -> Iterator[None]:
    """Hold the lease ``name`` alone for the whole block, or raise Busy at once."""
    path = lock_path(archive_dir, name)
    with _open_for_holder(path) as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            f.seek(0)
            holder = f.read().strip() or "?"
            raise Busy(f"{_WHAT.get(name, name)} khác đang chạy ({holder}); chờ lượt đó xong rồi chạy lại.") from None
        writable = f.mode != "r"
        try:
            if writable:
                f.seek(0)
                f.truncate()
                f.write(f"pid {os.getpid()}, từ {dt.datetime.now().astimezone():%Y-%m-%d %H:%M:%S}")
                f.flush()
            yield
        finally:
            if writable:
                f.seek(0)
                f.truncate()
            fcntl.flock(f, fcntl.LOCK_UN)


def _open_for_holder(path: Path):
    """The lease file, to write who holds it; read-only if another user created it."""
    try:
        return open(path, "a+", encoding="utf-8")
    except PermissionError:
        return open(path, encoding="utf-8")
