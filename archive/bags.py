"""Writing the archive, system of record: one BagIt bag (RFC 8493) per record (the layout
and the reading side are in archive/layout.py).

The index is derived data and can be rebuilt from here; so a record is archived *before*
it is indexed. A bag holds the original exactly as given, the PDF/A derivative (for scans),
the extracted text and the record as JSON, with SHA-256 manifests for fixity checks.

A bag appears whole or not at all, and stays after a power cut: it is built in a staging
folder *inside the archive* (a rename is atomic only within one filesystem, and the
deployment puts the archive on its own disk, where a bag built under the system's temp
folder failed to move with 'Invalid cross-device link'), every file and folder of it is
fsynced, it is renamed into place, and the folder it lands in is fsynced.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import bagit

from . import pending
from .leases import held, index_writes, lock_path
from .layout import ARCHIVAL_NAME, ORIGINAL_PREFIX, REWRITE, bag_path
from .records import Record

#: Where bags are built, beside the bags (iter_bags reads only two-letter shard folders).
STAGING = ".staging"


def write_bag(archive_dir: Path, record: Record, original: Path, archival_pdf: Path | None) -> Path:
    """Build the bag in the archive's staging folder and move it into place in one rename.
    If another writer archived the same record first, its bag is kept and this one dropped."""
    final = bag_path(archive_dir, record.id)
    if final.exists():
        return final
    staging = archive_dir / STAGING
    staging.mkdir(parents=True, exist_ok=True)
    build = Path(tempfile.mkdtemp(prefix=f"bag-{record.id}-{os.getpid()}-", dir=staging))
    try:
        build.chmod(0o755)
        shutil.copy2(original, build / f"{ORIGINAL_PREFIX}{original.suffix.lower()}")
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
        fsync_tree(build)
        pending.mark(archive_dir, record.id)  # cleared once the index has it
        final.parent.mkdir(parents=True, exist_ok=True)
        fsync_dir(final.parent.parent)
        try:
            os.rename(build, final)  # fails on a non-empty target: a bag is never overwritten
        except OSError:
            if not final.exists():
                raise
            shutil.rmtree(build, ignore_errors=True)  # the same bytes, archived by another writer
            return final
        fsync_dir(final.parent)
    except BaseException:
        shutil.rmtree(build, ignore_errors=True)
        raise
    return final


def rewrite_record(archive_dir: Path, record: Record, *, text: bool = False, drop: tuple[str, ...] = ()) -> None:
    """Replace the record JSON of an existing bag (a correction, a status event, a new
    manifest version) and renew the bag's manifests, so ``tracuu verify`` still holds. The
    original, the PDF/A and the text are not touched — except by an erasure of personal data
    (archive/erasure.py), which also writes the text anew (``text``) and removes payload
    files (``drop``: their names under ``data/``). Hold ``bag_lock`` around the read that
    led to this write, and clear ``pending`` for the record once the index has it.

    Several files change together (record.json, its manifest line, the Payload-Oxum in
    bag-info.txt, the tag manifest), and a kill -9 or a power cut may come between any two
    writes. So the change is a small redo log: the new files are written whole into
    ``.rewrite.tmp`` in the bag, with an empty ``….drop`` mark for each file to remove,
    fsynced, and that folder is renamed to ``.rewrite`` — the commit point — before they are
    moved into place. A crash before the commit leaves the old bag (the half-written folder
    is dropped); after it, whoever next touches the bag (``bag_lock``, ``read_record``,
    ``tracuu verify``) finishes the move. bagit's own ``Bag.save`` is not used: it changes
    the process's working folder, which the web server's threads share, and it truncates
    record.json before it writes it.
    """
    path = bag_path(archive_dir, record.id)
    finish_rewrite(path)
    pending.mark(archive_dir, record.id)  # the caller clears it once the index has the record
    new = {"data/record.json": record.model_dump_json(indent=2).encode("utf-8")}
    if text:
        new["data/text.txt"] = record.text.encode("utf-8")
    gone = {f"data/{name}" for name in drop if (path / "data" / name).is_file()}
    digests = {name: hashlib.sha256(content).hexdigest() for name, content in new.items()}
    manifest = (path / "manifest-sha256.txt").read_text(encoding="utf-8").splitlines()
    kept_lines = []
    for line in manifest:
        name = line.split(maxsplit=1)[1].strip() if len(line.split(maxsplit=1)) == 2 else ""
        if name in gone:
            continue
        kept_lines.append(f"{digests[name]}  {name}" if name in digests else line)
    new["manifest-sha256.txt"] = _lines(kept_lines)
    others = [p for p in (path / "data").rglob("*")
              if p.is_file() and f"data/{p.relative_to(path / 'data').as_posix()}" not in {*new, *gone}]
    payload = [len(c) for n, c in new.items() if n.startswith("data/")]
    oxum = f"{sum(p.stat().st_size for p in others) + sum(payload)}.{len(others) + len(payload)}"
    new["bag-info.txt"] = _lines(f"Payload-Oxum: {oxum}" if line.startswith("Payload-Oxum:") else line
                                 for line in (path / "bag-info.txt").read_text(encoding="utf-8").splitlines())
    tag = path / "tagmanifest-sha256.txt"
    if tag.exists():
        names = [line.split(maxsplit=1)[1].strip() for line in tag.read_text(encoding="utf-8").splitlines()]
        new["tagmanifest-sha256.txt"] = _lines(
            f"{hashlib.sha256(new.get(name) or (path / name).read_bytes()).hexdigest()}  {name}" for name in names)

    work = path / (REWRITE + ".tmp")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    marks = {name.replace("/", "%") + _DROP: b"" for name in gone}
    for name, content in [*((n.replace("/", "%"), c) for n, c in new.items()), *marks.items()]:
        with open(work / name, "wb") as f:
            f.write(content)
            f.flush()
            os.fsync(f.fileno())
    fsync_dir(work)
    os.rename(work, path / REWRITE)  # the commit point
    fsync_dir(path)
    finish_rewrite(path)


#: The mark, in a rewrite's redo log, of a payload file the rewrite removes.
_DROP = ".drop"


def finish_rewrite(bag_dir: Path) -> bool:
    """Complete a committed rewrite of ``bag_dir`` (move its files into place), drop an
    uncommitted one. Safe to repeat; True if there was one to complete."""
    shutil.rmtree(bag_dir / (REWRITE + ".tmp"), ignore_errors=True)
    work = bag_dir / REWRITE
    if not work.is_dir():
        return False
    for waiting in sorted(work.iterdir()):
        if waiting.name.endswith(_DROP):
            (bag_dir / waiting.name[: -len(_DROP)].replace("%", "/")).unlink(missing_ok=True)
            waiting.unlink()
        else:
            os.replace(waiting, bag_dir / waiting.name.replace("%", "/"))
    fsync_dir(bag_dir / "data")
    fsync_dir(bag_dir)
    work.rmdir()
    fsync_dir(bag_dir)
    return True


def _lines(lines) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


@contextlib.contextmanager
def bag_lock(archive_dir: Path, record_id: str) -> Iterator[None]:
    """One writer at a time for one bag, across threads and processes: a file lock in the
    archive's lock folder, which the kernel drops when a killed writer dies (each use opens
    the file anew, and flock treats two opens as two holders even in one process, so threads
    wait for each other too; a thread must not take the same bag's lock twice). It also
    holds the shared index lease (archive/leases.py), so what is written to the index inside
    the block cannot land in an index a running reindex is about to replace."""
    with held(lock_path(archive_dir, f"bag-{record_id}"), fcntl.LOCK_EX):
        if (bag := bag_path(archive_dir, record_id)).is_dir():
            finish_rewrite(bag)  # what a writer killed after its commit left to move
        with index_writes(archive_dir):
            yield


def clean_staging(archive_dir: Path) -> list[str]:
    """Remove what writers that no longer run left half-built (a kill -9, a power cut);
    a bag being built by a live process is left alone. Returns the names removed."""
    staging = archive_dir / STAGING
    if not staging.is_dir():
        return []
    removed = []
    for build in staging.iterdir():
        parts = build.name.split("-")
        pid = int(parts[2]) if len(parts) > 3 and parts[2].isdigit() else None
        if pid is None or not alive(pid):
            shutil.rmtree(build, ignore_errors=True)
            removed.append(build.name)
    return removed


def fsync_tree(root: Path) -> None:
    """fsync every file and folder under ``root`` (and ``root`` itself), deepest first."""
    for folder, _dirs, files in os.walk(root, topdown=False):
        for name in files:
            fd = os.open(os.path.join(folder, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        fsync_dir(Path(folder))


def fsync_dir(folder: Path) -> None:
    """Make a folder's entries (a file created, renamed or removed in it) durable."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (this one always does): leftovers of a dead
    writer may be cleaned, a live one's never."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
