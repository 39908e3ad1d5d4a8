"""Keeping the archive and the index honest: fixity checks and rebuilding the index.

The archive is the system of record; the index can always be rebuilt from it. ``reindex``
fills a new physical index while the old one keeps serving, then swaps the alias in one
atomic call, so search never answers from an empty or half-filled index.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import bagit

from search.analysis import segment
from search.config import Settings
from search.errors import TracuuError
from search.index import RecordIndex, to_document
from archive.records import Record
from archive.reuse_journal import ReuseJournal

from archive.layout import iter_bags

log = logging.getLogger(__name__)


@dataclass
class VerifyReport:
    checked: int = 0
    damaged: list[tuple[str, str]] = field(default_factory=list)  # (bag, what is wrong)


def verify(settings: Settings, on_bag: Callable[[str], None] | None = None) -> VerifyReport:
    """Recompute every checksum of every bag; name each damaged bag and what is wrong."""
    report = VerifyReport()
    for bag_dir in iter_bags(settings.archive_dir):
        report.checked += 1
        try:
            bagit.Bag(str(bag_dir)).validate(processes=1)
        except bagit.BagValidationError as e:
            details = "; ".join(str(d) for d in getattr(e, "details", [])[:3])
            report.damaged.append((bag_dir.name, (details or _which_files(bag_dir) or str(e))[:300]))
        except bagit.BagError as e:
            report.damaged.append((bag_dir.name, str(e)[:300]))
        if on_bag:
            on_bag(bag_dir.name)
    return report


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


def _documents(settings: Settings, skipped: list[str]) -> Iterator[dict[str, Any]]:
    for bag_dir in iter_bags(settings.archive_dir):
        try:
            record = Record.model_validate_json((bag_dir / "data" / "record.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            skipped.append(f"{bag_dir.name}: {type(e).__name__}")
            continue
        yield to_document(record, segment(record.text))


@dataclass
class ReindexReport:
    new_index: str
    indexed: int
    failed: list[tuple[str, str]]
    skipped: list[str]
    replaced: list[str]
    reuses: int = 0  # reuse events indexed again from the journal


def reindex(settings: Settings, index: RecordIndex, on_record: Callable[[], None] | None = None) -> ReindexReport:
    """Build a new index from the archive and swap the alias to it. If anything fails
    before the swap, the new index is deleted and search goes on from the old one."""
    target = index.create_physical()
    skipped: list[str] = []
    failed: list[tuple[str, str]] = []
    indexed = 0
    try:
        for doc_id, error in index.bulk(_documents(settings, skipped), target=target):
            if error:
                failed.append((doc_id, error))
            else:
                indexed += 1
            if on_record:
                on_record()
        index.client.indices.refresh(index=target)
        if failed:
            first = "; ".join(f"{i}: {e}" for i, e in failed[:3])
            raise TracuuError(f"{len(failed)} bản ghi không lập chỉ mục được ({first}); chỉ mục cũ vẫn phục vụ.")
    except BaseException:
        index.client.indices.delete(index=target, ignore_unavailable=True)
        raise
    replaced = index.swap_to(target)
    log.info("alias %s now on %s (%d records); removed %s", index.alias, target, indexed, replaced)
    # The reuse counts are derived data too: made again from their journal.
    reuses = index.rebuild_reuse(ReuseJournal(settings.events_dir))
    return ReindexReport(target, indexed, failed, skipped, replaced, reuses)
