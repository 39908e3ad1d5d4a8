"""Writing the archive, system of record: one BagIt bag (RFC 8493) per record (the layout
and the reading side are in search/archive.py).

The index is derived data and can be rebuilt from here; so a record is archived *before*
it is indexed. A bag holds the original exactly as given, the PDF/A derivative (for scans),
the extracted text and the record as JSON, with SHA-256 manifests for fixity checks.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import bagit

from search.archive import ARCHIVAL_NAME, ORIGINAL_PREFIX, bag_path
from search.records import Record


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
        shutil.copy2(archival_pdf, build / ARCHIVAL_NAME)
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
