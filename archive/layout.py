"""Where things are in the archive: where a record's BagIt bag lives, which files in it
are shown and downloaded, and how a bag's record is read.

Bags are written by archive/bags.py; the indexer, the web front end and maintenance all
read them through this one layout, so a change to it cannot leave them disagreeing.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from pathlib import Path

from .records import Record

ORIGINAL_PREFIX = "original"
ARCHIVAL_NAME = "archival.pdf"
#: A bag's committed rewrite whose files are not all in place yet (archive/bags.py).
REWRITE = ".rewrite"


def bag_path(archive_dir: Path, record_id: str) -> Path:
    return archive_dir / record_id[:2] / record_id


def archival_file(archive_dir: Path, record_id: str) -> Path | None:
    """The PDF to show and download: the PDF/A derivative, else an original that is a PDF."""
    data = bag_path(archive_dir, record_id) / "data"
    for candidate in (data / ARCHIVAL_NAME, data / f"{ORIGINAL_PREFIX}.pdf"):
        if candidate.exists():
            return candidate
    return None


def original_file(archive_dir: Path, record_id: str) -> Path | None:
    """The original exactly as it was given (a signed original is never rewritten)."""
    data = bag_path(archive_dir, record_id) / "data"
    if not data.is_dir():
        return None
    return next(iter(sorted(data.glob(f"{ORIGINAL_PREFIX}.*"))), None)


@dataclass(frozen=True)
class StoredFile:
    path: Path
    media_type: str
    download_name: str


def stored_file(archive_dir: Path, record: Record, variant: str) -> StoredFile | None:
    """The archival PDF (``variant='archival'``) or the original of a record, with the name
    a download should carry: the clerk's file name for the original, the document number
    for the PDF."""
    if variant == "original":
        path = original_file(archive_dir, record.id)
        if path is None:
            return None
        media = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        name = record.source_filename or path.name
        if Path(name).suffix.lower() != path.suffix.lower():
            name = f"{Path(name).stem}{path.suffix}"
        return StoredFile(path, media, name)
    path = archival_file(archive_dir, record.id)
    if path is None:
        return None
    stem = (record.doc_number or record.id).replace("/", "-")
    return StoredFile(path, "application/pdf", f"{stem}.pdf")


def record_file(bag_dir: Path) -> Path:
    """The bag's record JSON as last written: a committed rewrite not yet moved into place
    (its writer killed in between) is the newer one."""
    pending = bag_dir / REWRITE / "data%record.json"
    return pending if pending.exists() else bag_dir / "data" / "record.json"


def read_record(archive_dir: Path, record_id: str) -> Record | None:
    """The record kept in a bag, if the bag exists (lets an interrupted run resume
    without OCR'ing again, and lets the index be rebuilt)."""
    bag = bag_path(archive_dir, record_id)
    for _ in range(3):  # a rewrite may move the pending file between the look and the read
        try:
            return Record.model_validate_json(record_file(bag).read_text(encoding="utf-8"))
        except FileNotFoundError:
            if not (bag / "data").is_dir():
                return None
    return Record.model_validate_json(record_file(bag).read_text(encoding="utf-8"))


def iter_bags(archive_dir: Path):
    """Every bag in the archive, in a stable order."""
    if not archive_dir.exists():
        return
    for shard in sorted(p for p in archive_dir.iterdir() if p.is_dir() and len(p.name) == 2):
        yield from sorted(p for p in shard.iterdir() if p.is_dir())
