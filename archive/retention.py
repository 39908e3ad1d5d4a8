"""How long the copies outside the archive are kept: the files an ingest could not take
(``failed/``, with their ``.reason.txt``) and the ingest reports (``reports/``). Both carry
personal data — a scan of a civil-status extract, a file name typed with a citizen's name or
CCCD — and neither is the record of anything: the archive is. So they are kept
``TRACUU_RETENTION_DAYS`` (90 by default, Decree 13/2023's storage limitation), counted
from when they were put there, and then removed by ``tracuu purge``. The archive, the
database and the audit log are never touched here.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from search.config import Settings


@dataclass
class Purge:
    """What a purge removed (or, dry, would remove): files per folder, and their bytes."""

    files: dict[str, int] = field(default_factory=dict)
    bytes: int = 0

    @property
    def total(self) -> int:
        return sum(self.files.values())


def purge(settings: Settings, days: int | None = None, now: dt.datetime | None = None,
          dry_run: bool = False) -> Purge:
    """Remove from ``failed/`` and ``reports/`` every file last written more than ``days``
    ago (the setting by default), then the folders left empty."""
    days = settings.retention_days if days is None else days
    cutoff = (now or dt.datetime.now(dt.timezone.utc)).timestamp() - days * 86400
    done = Purge()
    for folder in (settings.failed_dir, settings.reports_dir):
        removed = 0
        for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
            if not path.is_file() or path.is_symlink():
                continue
            stat = path.stat()
            if stat.st_mtime >= cutoff:
                continue
            removed += 1
            done.bytes += stat.st_size
            if not dry_run:
                path.unlink()
        done.files[folder.name] = removed
        if not dry_run and folder.is_dir():
            _drop_empty_folders(folder)
    return done


def _drop_empty_folders(root: Path) -> None:
    for dirpath, _, _ in sorted(os.walk(root), key=lambda w: -len(w[0])):
        path = Path(dirpath)
        if path != root and not any(path.iterdir()):
            path.rmdir()
