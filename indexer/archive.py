"""The archive, system of record: one BagIt bag (RFC 8493) per record.

The index is derived data and can be rebuilt from here; so a record is archived *before*
it is indexed. A bag holds the original exactly as given, the PDF/A derivative (for scans),
the extracted text and the record as JSON, with SHA-256 manifests for fixity checks.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import bagit

from search.records import Record

ORIGINAL_PREFIX = "original"


def bag_path(archive_dir: Path, record_id: str) -> Path:
    return archive_dir / record_id[:2] / record_id


def write_bag(
    archive_dir: Path, record: Record, original: Path, archival_pdf: Path | None, staging: Path
) -> Path:
    """Write the bag in a staging folder, then move it into place in one rename, so the
    archive never holds a half-written package."""
    final = bag_path(archive_dir, record.id)
    if final.exists():
        return final
    build = staging / f"bag-{record.id}"
    if build.exists():
        shutil.rmtree(build)
    build.mkdir(parents=True)
    suffix = original.suffix.lower()
    shutil.copy2(original, build / f"{ORIGINAL_PREFIX}{suffix}")
    if archival_pdf is not None:
        shutil.copy2(archival_pdf, build / "archival.pdf")
    (build / "text.txt").write_text(record.text, encoding="utf-8")
    (build / "record.json").write_text(record.model_dump_json(indent=2), encoding="utf-8")
    bagit.make_bag(
        str(build),
        bag_info={"Source-Organization": record.issuing_agency or "",
                  "External-Identifier": record.id,
                  "Original-Filename": record.source_filename or ""},
        checksums=["sha256"],
    )
    final.parent.mkdir(parents=True, exist_ok=True)
    build.rename(final)
    return final


def archival_file(archive_dir: Path, record_id: str) -> Path | None:
    """The PDF to show and download: the PDF/A derivative, else an original that is a PDF."""
    data = bag_path(archive_dir, record_id) / "data"
    for candidate in (data / "archival.pdf", data / f"{ORIGINAL_PREFIX}.pdf"):
        if candidate.exists():
            return candidate
    return None


def read_record(archive_dir: Path, record_id: str) -> Record | None:
    """The record kept in a bag, if the bag exists (lets an interrupted run resume
    without OCR'ing again)."""
    path = bag_path(archive_dir, record_id) / "data" / "record.json"
    if not path.exists():
        return None
    return Record.model_validate_json(path.read_text(encoding="utf-8"))


def iter_bags(archive_dir: Path):
    """Every bag in the archive, in a stable order."""
    if not archive_dir.exists():
        return
    for shard in sorted(p for p in archive_dir.iterdir() if p.is_dir() and len(p.name) == 2):
        yield from sorted(p for p in shard.iterdir() if p.is_dir())
