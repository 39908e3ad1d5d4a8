"""Records written to the archive whose index write has not been confirmed yet.

Every writer writes the archive first and the index second; a kill -9, a power cut or
OpenSearch down between the two leaves the index behind the archive — an answer that is
older than the record of truth, until something writes it again. So a writer leaves a
marker (an empty file named after the record in the archive's ``.pending`` folder, made
durable) *before* it changes a bag, and removes it only once the index has the record.
Whatever markers are left are what the index is missing: ``catch_up`` in
indexer/maintenance.py indexes them, at the start of every ingest, when the web server
starts, and on ``tracuu reindex --pending``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

PENDING = ".pending"


def _folder(archive_dir: Path) -> Path:
    folder = archive_dir / PENDING
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def mark(archive_dir: Path, record_id: str) -> None:
    """Note, durably, that the index may miss ``record_id``'s next state."""
    folder = _folder(archive_dir)
    fd = os.open(folder / record_id, os.O_CREAT | os.O_WRONLY, 0o644)
    os.close(fd)
    dfd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(dfd)
    finally:
        os.close(dfd)


def clear(archive_dir: Path, record_ids: Iterable[str]) -> None:
    """The index has these records as the archive does."""
    folder = archive_dir / PENDING
    for record_id in record_ids:
        try:
            (folder / record_id).unlink()
        except FileNotFoundError:
            pass


def pending(archive_dir: Path) -> list[str]:
    folder = archive_dir / PENDING
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
