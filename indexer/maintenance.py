"""Keeping the archive and the index honest: fixity checks and rebuilding the index.

The archive is the system of record; the index can always be rebuilt from it. ``reindex``
fills a new physical index while the old one keeps serving, then swaps the alias in one
atomic call, so search never answers from an empty or half-filled index.

Nothing written while it runs is lost: ingest, corrections and status events go on into
the old index, and before the swap reindex takes the index lease alone (archive/leases.py)
and copies into the new index every bag changed since it started — after the writes in
flight have finished and before any new one. A bag whose record cannot be read stops the
swap, naming the bag: an index that silently lacks a record would answer "no such result".
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import bagit

from search.analysis import segment
from search.config import Settings
from search.errors import TracuuError
from search.index import RecordIndex, to_document
from archive import leases, pending
from archive.bags import bag_lock
from archive.layout import REWRITE, bag_path, iter_bags, read_record

log = logging.getLogger(__name__)


@dataclass
class VerifyReport:
    checked: int = 0
    damaged: list[tuple[str, str]] = field(default_factory=list)  # (bag, what is wrong)


def verify(settings: Settings, on_bag: Callable[[str], None] | None = None) -> VerifyReport:
    """Recompute every checksum of every bag; name each damaged bag and what is wrong.

    A rewrite its writer committed but did not finish (killed in between) is finished
    first — it is the bag's newest state, not damage. A bag that fails while the service
    runs is checked again under its lock, so a correction being written at that moment is
    not reported as damage."""
    report = VerifyReport()
    archive_dir = settings.archive_dir
    for bag_dir in iter_bags(archive_dir):
        report.checked += 1
        if (bag_dir / REWRITE).exists():
            with bag_lock(archive_dir, bag_dir.name):
                pass  # taking the lock finishes the rewrite
        problem = _check(bag_dir)
        if problem:
            with bag_lock(archive_dir, bag_dir.name):
                problem = _check(bag_dir)
        if problem:
            report.damaged.append((bag_dir.name, problem))
        if on_bag:
            on_bag(bag_dir.name)
    return report


def _check(bag_dir: Path) -> str | None:
    try:
        bagit.Bag(str(bag_dir)).validate(processes=1)
    except bagit.BagValidationError as e:
        details = "; ".join(str(d) for d in getattr(e, "details", [])[:3])
        return (details or _which_files(bag_dir) or str(e))[:300]
    except bagit.BagError as e:
        return str(e)[:300]
    return None


def _which_files(bag_dir: Path) -> str:
    """Name the payload files whose checksum changed (bagit's quick size check only says
    that *something* changed)."""
    changed = []
    for line in (bag_dir / "manifest-sha256.txt").read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition(" ")
        path = bag_dir / name.strip()
        if not path.exists():
            changed.append(f"{name.strip()} mất")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            changed.append(f"{name.strip()} đã bị thay đổi")
    return "; ".join(changed)


def count_bags(settings: Settings) -> int:
    return sum(1 for _ in iter_bags(settings.archive_dir))


#: A bag counts as changed during a reindex if it changed up to this long before it began
#: (file times are coarser than the clock on some filesystems).
CLOCK_SLACK_S = 2.0


def archive_now(archive_dir: Path) -> float:
    """The time as the archive's filesystem tells it (a file touched there): bags' times
    come from that clock, which on a network share need not be this machine's."""
    mark = leases.lock_path(archive_dir, "clock")
    mark.write_bytes(b"")
    return mark.stat().st_ctime - CLOCK_SLACK_S


def _documents(bag_dirs: Iterable[Path], unreadable: list[str]) -> Iterator[dict[str, Any]]:
    for bag_dir in bag_dirs:
        try:  # read_record: a rewrite finishing at this moment is retried, not "unreadable"
            record = read_record(bag_dir.parent.parent, bag_dir.name)
            if record is None:
                raise FileNotFoundError(bag_dir.name)
        except (OSError, ValueError) as e:
            unreadable.append(f"{bag_dir.name}: {type(e).__name__}")
            continue
        yield to_document(record, segment(record.text))


def changed_since(archive_dir: Path, since: float) -> Iterator[Path]:
    """Bags that appeared or whose record changed at or after ``since`` (a bag appears by a
    rename, which sets the folder's ctime; a record is rewritten by a rename, which sets
    the file's)."""
    for bag_dir in iter_bags(archive_dir):
        try:
            stamp = max(bag_dir.stat().st_ctime, (bag_dir / "data" / "record.json").stat().st_ctime)
        except FileNotFoundError:
            stamp = bag_dir.stat().st_ctime
        if stamp >= since:
            yield bag_dir


@dataclass
class ReindexReport:
    new_index: str
    indexed: int
    failed: list[tuple[str, str]]
    replaced: list[str]
    caught_up: int = 0  # bags written while the reindex ran, copied in before the swap
    reuses: int = 0  # reuse events indexed again from the journal


def reindex(settings: Settings, index: RecordIndex, on_record: Callable[[], None] | None = None) -> ReindexReport:
    """Build a new index from the archive, catch up what was written meanwhile, and swap
    the alias to it. If anything fails before the swap, the new index is deleted and search
    goes on from the old one. One reindex at a time (a second is refused: leases.Busy)."""
    archive_dir = settings.archive_dir
    with leases.sole(archive_dir, "reindex"):
        _drop_orphans(index)
        started = archive_now(archive_dir)
        target = index.create_physical()
        swapped, old = False, []
        try:
            indexed, failed = _fill(index, target, iter_bags(archive_dir), on_record)
            # A first catch-up while writers go on, so that the one that holds them back
            # has only the last seconds to read.
            second = archive_now(archive_dir)
            caught, failed_late = _fill(index, target, changed_since(archive_dir, started), None)
            failed += failed_late
            with leases.index_swap(archive_dir):
                # No bag writer is between its archive and index writes now: what was marked
                # pending, or changed since, is read in its final state.
                marked = [rid for rid in pending.pending(archive_dir) if bag_path(archive_dir, rid).is_dir()]
                late = {b.name: b for b in changed_since(archive_dir, second)}
                late.update({rid: bag_path(archive_dir, rid) for rid in marked})
                last, failed_last = _fill(index, target, late.values(), None)
                caught += last
                failed += failed_last
                index.client.indices.refresh(index=target)
                if failed:
                    first = "; ".join(f"{i}: {e}" for i, e in failed[:3])
                    raise TracuuError(f"{len(failed)} bản ghi không lập chỉ mục được ({first}); "
                                      "chỉ mục cũ vẫn phục vụ.")
                old = index.physical_indices()
                swapped = _swap(index, target, old)
                pending.clear(archive_dir, marked)
        except BaseException:
            if not swapped:  # never the index the alias now points at
                index.client.indices.delete(index=target, ignore_unavailable=True)
            raise
    for name in old:  # after the swap a failure here costs disk, not answers (_drop_orphans)
        try:
            index.client.indices.delete(index=name, ignore_unavailable=True)
        except Exception as e:  # noqa: BLE001
            log.warning("could not delete the old index %s (%s); the next reindex will", name, type(e).__name__)
    log.info("alias %s now on %s (%d records, %d caught up); removed %s", index.alias, target, indexed,
             caught, old)
    # The reuse counts are derived data too: made again from the kept events.
    from database.reuse_events import ReuseEvents

    reuses = index.rebuild_reuse(ReuseEvents.of(settings))
    return ReindexReport(target, indexed, failed, old, caught, reuses)


def _swap(index: RecordIndex, target: str, old: list[str]) -> bool:
    """Point the alias at ``target`` in one atomic call. A call that timed out may have
    been applied all the same (and its retry refused): the alias is asked before anything
    is concluded."""
    actions = [{"remove": {"index": name, "alias": index.alias}} for name in old]
    actions.append({"add": {"index": target, "alias": index.alias, "is_write_index": True}})
    try:
        index.client.indices.update_aliases(body={"actions": actions})
    except Exception:
        if target in index.physical_indices():
            return True
        raise
    return True


def _drop_orphans(index: RecordIndex) -> None:
    """Delete the physical indices a killed reindex left behind (never behind the alias; no
    other reindex runs, as this one holds the lease)."""
    live = set(index.physical_indices())
    names = index.client.indices.get(index=f"{index.alias}-v*", ignore_unavailable=True, allow_no_indices=True)
    for name in sorted(set(names) - live):
        log.warning("removing %s, left by an interrupted reindex", name)
        index.client.indices.delete(index=name, ignore_unavailable=True)


def _fill(index: RecordIndex, target: str, bag_dirs: Iterable[Path],
          on_record: Callable[[], None] | None) -> tuple[int, list[tuple[str, str]]]:
    """Index the records of ``bag_dirs`` into ``target``; raise naming the bags whose
    record cannot be read (before any swap: the old index keeps serving)."""
    unreadable: list[str] = []
    failed: list[tuple[str, str]] = []
    indexed = 0
    for doc_id, error in index.bulk(_documents(bag_dirs, unreadable), target=target):
        if error:
            failed.append((doc_id, error))
        else:
            indexed += 1
        if on_record:
            on_record()
    if unreadable:
        raise TracuuError(f"{len(unreadable)} túi lưu trữ không đọc được bản ghi ({'; '.join(unreadable[:5])}); "
                          "chỉ mục cũ vẫn phục vụ. Chạy 'tracuu verify' và khôi phục các túi này từ bản sao lưu.")
    return indexed, failed
