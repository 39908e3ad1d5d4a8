"""Putting the index level with the archive after a writer was cut off between the two.

Every bag write leaves a pending marker first (archive/pending.py); ``catch_up`` indexes
what is marked — at the start of every ingest, when the web server starts, and on
``tracuu reindex --pending``. It lives here, beside the bags, so the web front end and the
indexer can both call it without knowing of each other.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from . import pending
from .bags import bag_lock
from .layout import read_record
from .records import Record

log = logging.getLogger(__name__)


class RecordSink(Protocol):
    def put(self, record: Record) -> None: ...


@dataclass
class CatchUp:
    indexed: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # marked, but the bag never landed


def catch_up(archive_dir: Path, index: RecordSink, ingest_idle: bool = False) -> CatchUp:
    """Index the records a killed or cut-off writer archived but did not index — seconds,
    where a full reindex takes minutes. Each under its bag lock, so a writer still at work
    is waited for, not overtaken. A marker whose bag never landed (an ingest killed before
    its rename) is dropped only by an ingest (which runs alone): another may be about to
    rename that bag into place."""
    done = CatchUp()
    for rid in pending.pending(archive_dir):
        with bag_lock(archive_dir, rid):
            record = read_record(archive_dir, rid)
            if record is None:
                if ingest_idle:
                    pending.clear(archive_dir, [rid])
                    done.dropped.append(rid)
                continue
            index.put(record)
            pending.clear(archive_dir, [rid])
            done.indexed.append(rid)
    if done.indexed:
        log.info("caught up %d records archived but not indexed", len(done.indexed))
    return done
