"""Backup and restore of what cannot be rebuilt: ``tracuu backup DEST``, ``tracuu restore SRC``.

What is kept, from under TRACUU_DATA_DIR, and how each part is read while the service
runs and writes (in this order — see *Order* below):

    keys/              the audit key and any other key, copied as they are
    secret_key         the key older versions signed session cookies with (sessions are
                       rows of the database now; kept while a data dir still has it)
    database.json      accounts, API keys and reuse events, read from the database in one
                       snapshot (database/snapshot.py); sessions, rate-limit counts and
                       queued jobs are not kept
    audit/             the audit log's rows (database/audit.py) written as audit.jsonl, in
                       the file format of older versions, *after* keys/audit.head was read —
                       the head names a row already written, so the copy holds it and
                       verifies; other files of the folder as they are
    events/            files of older versions left there, as they are (reuse events are
                       rows of the database now, in database.json)
    archive/           every bag, each copied under its ``bag_lock`` (the lock corrections
                       and status events take), so a rewrite cannot tear the copy; each copy
                       is checked against the bag's own manifests as it is read
    reports/, failed/  ingest reports and the files kept aside, as they are

Not kept: the OpenSearch index and the reuse counts (derived: ``tracuu reindex`` makes them
again from the archive and the reuse events), ``services/`` (the local servers of development),
``sample/``, and the archive's ``.staging`` and ``.locks``.

Order: the keys, the database's rows and the audit log are copied before the archive. Bags are
never removed, so every record an audit line or a reuse event names is in the archive when
its bags are listed, later; a bag archived during the backup may or may not be in it.

The backup is itself a BagIt bag (RFC 8493): the parts under ``data/``, a SHA-256 for every
file in ``manifest-sha256.txt`` (computed while copying, not read twice), and a tag manifest
over bag-info.txt. It is built in ``DEST/.partial`` and its files are moved up at the end,
``bagit.txt`` last: a folder without bagit.txt is not a backup, so a backup cut short by a
crash is never restored. Keys and the other secrets are 0600 in it, and its ``data`` folder
0700 — the backup holds every personal datum of the service and its keys: whoever can read
it can read the records and forge the audit chain.

A backup of an older version holds ``accounts.sqlite3`` instead of ``database.json``, and
its audit log and reuse journal as files; restore imports each into the database.

Restore checks every file of the backup against its manifest *before* it changes anything
(the first bad file is named), refuses a data dir that already holds data unless forced,
builds each part beside its place and then swaps the parts in. It does not rebuild the
index: the command line does that after it (``tracuu restore`` runs ``reindex``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import os
import shutil
from collections.abc import Callable, Iterator
from typing import BinaryIO
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import bagit

from database import snapshot
from database.connection import migrate
from database.upgrade import import_accounts_file
from search.config import Settings
from search.errors import BackupError

from . import leases
from .bags import alive, bag_lock, fsync_dir
from .layout import iter_bags

#: The folders and files of the data dir that a backup holds, in the order they are copied
#: (the archive after the logs that name its records).
PARTS = ("keys", "secret_key", "database.json", "audit", "events", "archive", "reports", "failed")
#: Not backed up, and never touched by a restore: derived or local-only.
NOT_KEPT = ("services", "sample")
#: Parts that hold secrets or personal data outside the archive: 0600 in the backup.
PRIVATE = ("keys", "secret_key", "database.json", "accounts.sqlite3", "audit", "events")
#: The database's part: a document in the backup, rows in the database (not a file of the data dir).
DATABASE = "database.json"
#: Where accounts were before the database; restored from an older backup by importing it.
ACCOUNTS = "accounts.sqlite3"
RESTORABLE = (*PARTS, ACCOUNTS)
#: Parts that are one file, staged together in ``.restore-<pid>`` of the data dir.
FILE_PARTS = (DATABASE, ACCOUNTS, "secret_key")
#: The audit log's rows, as a file of lines in the backup.
AUDIT_DIR, AUDIT_FILE = "audit", "audit.jsonl"
PARTIAL = ".partial"
FORMAT_TAG = "Tracuu-Backup-Format"
FORMAT = "1"
CHUNK = 1024 * 1024

#: ``on_item(step, name)``: step is "backup", "check" or "restore"; name the item done.
OnItem = Callable[[str, str], None]


@dataclass
class BackupReport:
    dest: Path
    files: int = 0
    bytes: int = 0
    bags: int = 0
    damaged: list[tuple[str, str]] = field(default_factory=list)  # (bag, what is wrong) — copied as found
    skipped: list[str] = field(default_factory=list)  # what in the data dir was not backed up
    notes: list[str] = field(default_factory=list)  # what the operator must know


@dataclass
class RestoreReport:
    files: int = 0
    bytes: int = 0
    taken_at: str = ""
    replaced: list[str] = field(default_factory=list)  # parts that held data and were replaced
    notes: list[str] = field(default_factory=list)


# -- backup ------------------------------------------------------------------------------


def count_items(settings: Settings) -> int:
    """About how many items ``backup`` will report (for a progress bar): one per bag, one
    per other file."""
    data_dir = settings.data_dir
    n = sum(1 for _ in iter_bags(settings.archive_dir))
    for part in PARTS:
        path = data_dir / part
        if part == "archive":
            continue
        if part == DATABASE:
            n += 1
            continue
        n += 1 if path.is_file() else sum(1 for _ in _plain_files(path))
    return n


def backup(settings: Settings, dest: Path, on_item: OnItem | None = None) -> BackupReport:
    """Back up the data dir into ``dest`` (a new or empty folder outside it) while the
    service runs. Raises :class:`BackupError` when it cannot; ``dest`` then holds no
    backup. Bags found damaged are copied as they are and listed in the report."""
    data_dir, dest = settings.data_dir, Path(dest)
    check_dest(data_dir, dest)
    _check_nothing_left_to_import(settings)
    say = on_item or (lambda step, name: None)
    created = not dest.exists()
    dest.mkdir(parents=True, exist_ok=True)
    work = dest / PARTIAL
    report = BackupReport(dest=dest)
    started = dt.datetime.now(dt.timezone.utc)
    out: _BagWriter | None = None
    moved: list[Path] = []
    try:
        work.mkdir(mode=0o700)
        out = _BagWriter(work, report)
        for part in PARTS:
            _backup_part(settings, part, out, say)
        report.skipped += sorted(p.name for p in data_dir.iterdir()
                                 if p.name not in PARTS and p.name not in NOT_KEPT and not p.name.startswith(".")
                                 and not p.name.startswith(ACCOUNTS))
        report.notes += _notes(settings, dest)
        out.finish(_bag_info(settings, report, started))
        # Moved up one by one, bagit.txt last: until it is there, DEST is not a backup.
        for name in ("data", "manifest-sha256.txt", "bag-info.txt", "tagmanifest-sha256.txt", "bagit.txt"):
            os.rename(work / name, dest / name)
            moved.append(dest / name)
        work.rmdir()
        fsync_dir(dest)
    except BaseException as e:
        if out is not None:
            out.close()
        for path in [work, *moved]:
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
        if created:
            shutil.rmtree(dest, ignore_errors=True)
        if isinstance(e, OSError):
            raise BackupError(f"Sao lưu không xong: {e.strerror or e} ({e.filename or dest}); không có bản sao lưu "
                              "nào được giữ lại — hãy xem chỗ trống và quyền ghi ở nơi đích rồi chạy lại "
                              "(backup failed; nothing was kept).") from e
        raise
    return report


def _backup_part(settings: Settings, part: str, out: _BagWriter, say: OnItem) -> None:
    data_dir = settings.data_dir
    src = data_dir / part
    if part == DATABASE:
        out.add_bytes(DATABASE, snapshot.dump(settings.database_dsn()))
        say("backup", part)
    elif part == "audit":
        _backup_audit(settings, out, say)
    elif part == "archive":
        for bag_dir in iter_bags(settings.archive_dir):
            _backup_bag(settings, bag_dir, out)
            say("backup", bag_dir.name)
    elif src.is_file():
        out.add(part, src)
        say("backup", part)
    else:
        for path in _plain_files(src, skip={"audit.head"} if part == "keys" else set()):
            rel = path.relative_to(data_dir).as_posix()
            if part == "events" and path.suffix == ".jsonl":
                out.add_journal(rel, path)  # a journal: appended under a lock while we read
            else:
                out.add(rel, path)
            say("backup", rel)


def _check_nothing_left_to_import(settings: Settings) -> None:
    """Files of a version from before the database that were not brought into it are in no
    part of a backup: refused, rather than a backup that silently lacks them."""
    left = [p for p in (settings.data_dir / ACCOUNTS, settings.audit_dir / AUDIT_FILE,
                        settings.events_dir / "reuse.jsonl") if p.is_file()]
    if left:
        names = ", ".join(p.relative_to(settings.data_dir).as_posix() for p in left)
        raise BackupError(f"Thư mục dữ liệu còn tệp của phiên bản cũ chưa chuyển vào cơ sở dữ liệu ({names}); hãy "
                          "chạy 'tracuu upgrade-state' rồi sao lưu lại (files from before the database are not "
                          "imported yet: run 'tracuu upgrade-state' first).")


def _notes(settings: Settings, dest: Path) -> list[str]:
    notes = []
    if settings.audit_key is not None:
        notes.append("TRACUU_AUDIT_KEY được đặt trong cấu hình nên không nằm trong bản sao lưu: hãy giữ khóa đó "
                     "riêng, thiếu nó nhật ký kiểm toán không kiểm chứng được "
                     "(the configured audit key is not in the backup: keep it apart).")
    elif not (settings.keys_dir / "audit.key").is_file() and (settings.audit_dir / "audit.jsonl").exists():
        notes.append("Không thấy keys/audit.key bên cạnh nhật ký kiểm toán (no audit key file found).")
    if _same_disk(dest, settings.data_dir):
        notes.append("Bản sao lưu nằm trên cùng ổ đĩa với dữ liệu: hỏng ổ là mất cả hai; hãy chép nó sang nơi "
                     "khác (the backup is on the data's own disk).")
    return notes


def _bag_info(settings: Settings, report: BackupReport, started: dt.datetime) -> dict[str, str]:
    keyed_by_file = settings.audit_key is None and (settings.keys_dir / "audit.key").is_file()
    return {
        "Bag-Software-Agent": "tracuu backup",
        "Bagging-Date": started.date().isoformat(),
        "External-Description": "Tra cứu: sao lưu thư mục dữ liệu (backup of TRACUU_DATA_DIR)",
        FORMAT_TAG: FORMAT,
        "Tracuu-Started": started.isoformat(timespec="seconds"),
        "Tracuu-Finished": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "Tracuu-Data-Dir": str(settings.data_dir.resolve()),
        "Tracuu-Index": settings.index,
        "Tracuu-Bags": str(report.bags),
        "Tracuu-Audit-Key": "keys/audit.key" if keyed_by_file else "TRACUU_AUDIT_KEY (not in this backup)",
    }


def check_dest(data_dir: Path, dest: Path) -> None:
    """Refuse a destination inside the data dir, or not empty, and a data dir with nothing
    to back up (a wrong TRACUU_DATA_DIR)."""
    if not data_dir.is_dir() or not any((data_dir / part).exists() for part in PARTS):
        raise BackupError(f"Không có gì để sao lưu trong '{data_dir}': kiểm tra TRACUU_DATA_DIR "
                          "(nothing to back up: no archive, accounts or keys there).")
    target, home = dest.resolve(), data_dir.resolve()
    if target == home or target.is_relative_to(home):
        raise BackupError(f"Nơi sao lưu '{dest}' nằm trong thư mục dữ liệu '{data_dir}': hãy chọn một thư mục "
                          "ở ổ đĩa khác (the destination is inside the data dir).")
    if dest.exists() and not dest.is_dir():
        raise BackupError(f"'{dest}' là một tệp, không phải thư mục (the destination is a file).")
    if dest.is_dir() and any(dest.iterdir()):
        left = " (có .partial của một lần sao lưu bị ngắt: hãy xóa nó)" if (dest / PARTIAL).exists() else ""
        raise BackupError(f"Thư mục đích '{dest}' không trống{left}; hãy chọn một thư mục mới hoặc trống "
                          "(the destination is not empty).")


def _plain_files(folder: Path, skip: set[str] = frozenset()) -> Iterator[Path]:
    """Files under ``folder`` in a stable order, without hidden ones (a writer's temporary
    file: ``.audit.head.<pid>`` and the like) and without the names in ``skip``."""
    if not folder.is_dir():
        return
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith(".") and name not in skip:
                yield Path(root) / name


def _backup_audit(settings: Settings, out: _BagWriter, say: OnItem) -> None:
    """The head first, then the log's rows as the lines of ``audit/audit.jsonl`` (the file
    format of older versions, verifiable as such): the head names a row written before it
    was read, so the copy holds that row and ``verify`` passes. Files left in the audit
    folder (an old log imported, logs rotated before the database) are copied as they are."""
    from database.audit import AuditLog

    data_dir = settings.data_dir
    head = settings.keys_dir / "audit.head"
    if head.is_file():
        out.add_bytes(head.relative_to(data_dir).as_posix(), head.read_bytes())
        say("backup", "keys/audit.head")
    log = AuditLog.of(settings)
    out.add_lines(f"{AUDIT_DIR}/{AUDIT_FILE}", (line + b"\n" for line in log.lines()))
    say("backup", f"{AUDIT_DIR}/{AUDIT_FILE}")
    for path in _plain_files(settings.audit_dir, skip={AUDIT_FILE}):
        rel = path.relative_to(data_dir).as_posix()
        out.add(rel, path)
        say("backup", rel)


def _backup_bag(settings: Settings, bag_dir: Path, out: _BagWriter) -> None:
    """Copy one bag under its lock (no rewrite can run meanwhile), then check the copy's
    checksums against the bag's own manifests."""
    rel_bag = bag_dir.relative_to(settings.data_dir).as_posix()
    digests: dict[str, str] = {}
    with bag_lock(settings.archive_dir, bag_dir.name):
        if not bag_dir.is_dir():
            return
        for root, dirs, files in os.walk(bag_dir):
            dirs.sort()
            for name in sorted(files):
                path = Path(root) / name
                inner = path.relative_to(bag_dir).as_posix()
                digests[inner] = out.add(f"{rel_bag}/{inner}", path)
    out.report.bags += 1
    problem = _bag_problem(digests, out.root / "data" / rel_bag)
    if problem:
        out.report.damaged.append((bag_dir.name, problem))


def _bag_problem(digests: dict[str, str], copy: Path) -> str:
    """What is wrong with a bag, judged from the checksums of its files as copied: the same
    checks as bagit's validation (every manifest entry present and equal, no payload file
    left out), without reading the files again."""
    problems = []
    for manifest in ("manifest-sha256.txt", "tagmanifest-sha256.txt"):
        if manifest not in digests:
            if manifest == "manifest-sha256.txt":
                problems.append("không có manifest-sha256.txt")
            continue
        listed = set()
        for line in (copy / manifest).read_text(encoding="utf-8").splitlines():
            digest, _, file = line.strip().partition(" ")
            file = file.strip().lstrip("*")
            if not file:
                continue
            listed.add(file)
            if file not in digests:
                problems.append(f"{file} mất")
            elif digests[file] != digest.lower():
                problems.append(f"{file} đã bị thay đổi")
        if manifest == "manifest-sha256.txt":
            problems += [f"{f} không có trong manifest" for f in sorted(digests)
                         if f.startswith("data/") and f not in listed]
    return "; ".join(problems[:3])[:300]


def _same_disk(dest: Path, data_dir: Path) -> bool:
    try:
        return os.stat(dest).st_dev == os.stat(data_dir).st_dev
    except OSError:
        return False


class _BagWriter:
    """Copies files into ``root/data`` while hashing them, writes the manifest line of each
    as it goes, and finishes the BagIt tag files."""

    def __init__(self, root: Path, report: BackupReport) -> None:
        self.root = root
        self.report = report
        (root / "data").mkdir(mode=0o700)
        self._manifest = open(root / "manifest-sha256.txt", "w", encoding="utf-8", newline="\n")
        self._dirs: set[Path] = {root / "data"}

    def _target(self, rel: str) -> tuple[Path, int]:
        target = self.root / "data" / rel
        parent = target.parent
        if parent not in self._dirs:
            parent.mkdir(parents=True, exist_ok=True)
            self._dirs.add(parent)
        return target, 0o600 if rel.split("/", 1)[0] in PRIVATE else 0o644

    def _record(self, rel: str, digest: str, size: int) -> str:
        self._manifest.write(f"{digest}  data/{rel}\n")
        self.report.files += 1
        self.report.bytes += size
        return digest

    def add(self, rel: str, src: Path) -> str | None:
        """Copy a file as it is; a name a manifest cannot list (not UTF-8, ending in a space,
        holding a line break — a clerk's file kept aside in failed/) is left out and reported."""
        if not _listable(rel):
            self.report.skipped.append(rel.encode("utf-8", "backslashreplace").decode())
            return None
        target, mode = self._target(rel)
        with open(src, "rb") as f:
            digest, size = _copy(f, target, mode)
        return self._record(rel, digest, size)

    def add_bytes(self, rel: str, content: bytes) -> str:
        target, mode = self._target(rel)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        with os.fdopen(fd, "wb") as f:
            f.write(content)
        return self._record(rel, hashlib.sha256(content).hexdigest(), len(content))

    def add_lines(self, rel: str, lines: Iterator[bytes]) -> str:
        """A file written from lines as they come (the audit log's rows), hashed as written."""
        target, mode = self._target(rel)
        digest, size = hashlib.sha256(), 0
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        with os.fdopen(fd, "wb", buffering=CHUNK) as f:
            for line in lines:
                f.write(line)
                digest.update(line)
                size += len(line)
        return self._record(rel, digest.hexdigest(), size)

    def add_journal(self, rel: str, src: Path) -> str:
        """An append-only file of lines: its length measured under the lock its writers
        take (no line half-written then), cut after the last complete line (a line torn by
        a power cut, not followed by another), then copied without holding the lock — the
        bytes before that length never change."""
        target, mode = self._target(rel)
        with open(src, "rb") as f:
            fcntl.flock(f, fcntl.LOCK_SH)
            try:
                size = os.fstat(f.fileno()).st_size
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)
            digest, size = _copy(f, target, mode, limit=_complete_lines(f.fileno(), size))
        return self._record(rel, digest, size)

    def close(self) -> None:
        self._manifest.close()

    def finish(self, info: dict[str, str]) -> None:
        self._manifest.close()
        info = {**info, "Payload-Oxum": f"{self.report.bytes}.{self.report.files}"}
        _write_text(self.root / "bagit.txt", "BagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-8\n")
        _write_text(self.root / "bag-info.txt", "".join(f"{k}: {v}\n" for k, v in sorted(info.items())))
        lines = []
        for name in ("bag-info.txt", "bagit.txt", "manifest-sha256.txt"):
            with open(self.root / name, "rb") as f:
                lines.append(f"{_hash(f)[0]} {name}\n")
        _write_text(self.root / "tagmanifest-sha256.txt", "".join(lines))
        os.sync()  # one flush of every file written, rather than an fsync per file


# -- restore -----------------------------------------------------------------------------


def check(src: Path, on_item: OnItem | None = None) -> bagit.Bag:
    """Check a backup: that it is one (and finished), that no file is missing or added, and
    every file's SHA-256. Raises :class:`BackupError` naming the first bad file."""
    src = Path(src)
    say = on_item or (lambda step, name: None)
    if (src / PARTIAL).exists() or not (src / "bagit.txt").is_file():
        raise BackupError(f"'{src}' không phải một bản sao lưu hoàn chỉnh của Tra cứu (thiếu bagit.txt, hoặc việc "
                          "sao lưu đã bị ngắt giữa chừng) (not a finished backup).")
    try:
        bag = bagit.Bag(str(src))
    except bagit.BagError as e:
        raise BackupError(f"'{src}' không đọc được như một bản sao lưu: {e} (not a readable backup).") from e
    if bag.info.get(FORMAT_TAG) != FORMAT:
        raise BackupError(f"'{src}' không phải bản sao lưu do 'tracuu backup' tạo (không có {FORMAT_TAG}: {FORMAT}) "
                          "(not a Tra cứu backup).")
    if not (src / "tagmanifest-sha256.txt").is_file() or "sha256" not in bag.algorithms:
        raise BackupError(f"Bản sao lưu '{src}' thiếu tệp tagmanifest-sha256.txt (damaged backup).")
    missing, unexpected = bag.compare_manifests_with_fs()
    if missing:
        raise BackupError(f"Bản sao lưu hỏng: thiếu tệp '{sorted(missing)[0]}' (a file of the backup is missing); "
                          "không khôi phục gì cả.")
    if unexpected:
        raise BackupError(f"Bản sao lưu hỏng: có tệp lạ '{sorted(unexpected)[0]}' không có trong manifest "
                          "(a file not listed in the manifest); không khôi phục gì cả.")
    for rel in sorted(bag.entries):
        part = PurePosixPath(rel).parts[1] if rel.startswith("data/") else None
        if part is not None and part not in RESTORABLE:
            raise BackupError(f"Bản sao lưu chứa '{rel}', không phải phần nào của thư mục dữ liệu "
                              "(the backup holds something restore does not know).")
        expected = bag.entries[rel].get("sha256")
        with open(src / rel, "rb") as f:
            found = _hash(f)[0]
        if expected is None or found != expected.lower():
            raise BackupError(f"Bản sao lưu hỏng: tệp '{rel}' không khớp mã kiểm SHA-256 (checksum mismatch); "
                              "không khôi phục gì cả — hãy dùng một bản sao lưu khác.")
        if part is not None:
            say("check", rel)
    return bag


def count_files(src: Path) -> int:
    """Files in a backup (for a progress bar): lines of its manifest."""
    try:
        with open(Path(src) / "manifest-sha256.txt", encoding="utf-8") as f:
            return sum(1 for line in f if line.strip())
    except OSError:
        return 0


def holds_data(data_dir: Path) -> list[str]:
    """The parts of the data dir that hold data a restore would replace."""
    found = []
    for part in PARTS:
        path = data_dir / part
        if path.is_file() or (path.is_dir() and next(_plain_files(path), None) is not None):
            found.append(part)
    return found


def restore(settings: Settings, src: Path, on_item: OnItem | None = None, force: bool = False) -> RestoreReport:
    """Put a backup back into the data dir (see ``_restore``), refused at once while an
    ingest or a reindex runs: either would go on writing into the archive being replaced."""
    if not settings.archive_dir.is_dir():
        return _restore(settings, src, on_item, force)
    with leases.sole(settings.archive_dir, "ingest"), leases.sole(settings.archive_dir, "reindex"):
        return _restore(settings, src, on_item, force)


def _restore(settings: Settings, src: Path, on_item: OnItem | None, force: bool) -> RestoreReport:
    """Put a backup back into the data dir. Refuses a data dir holding data unless
    ``force``, then checks the whole backup before anything is changed; then builds every
    part beside its place (same filesystem, even when a part is a mount of its own), and
    swaps each in with renames. ``services/`` and anything else not backed up is left
    alone. The index is not touched: rebuild it with ``reindex``."""
    src, data_dir = Path(src), settings.data_dir
    say = on_item or (lambda step, name: None)
    migrate(settings)  # a new PostgreSQL (disaster recovery) gets its tables first
    if src.resolve().is_relative_to(data_dir.resolve()):
        raise BackupError(f"Bản sao lưu '{src}' nằm trong thư mục dữ liệu '{data_dir}'; hãy chép nó ra ngoài "
                          "trước (the backup is inside the data dir).")
    present = holds_data(data_dir) + ([DATABASE] if snapshot.holds_rows(settings.database_dsn()) else [])
    if present and not force:
        raise BackupError(f"Thư mục dữ liệu '{data_dir}' đã có dữ liệu ({', '.join(present)}); khôi phục sẽ thay "
                          "thế chúng. Hãy sao lưu chúng trước nếu cần, rồi chạy lại với --force "
                          "(the data dir holds data; use --force to replace it).")
    bag = check(src, say)
    report = RestoreReport(taken_at=bag.info.get("Tracuu-Finished", ""), replaced=present)
    entries = sorted(rel for rel in bag.payload_entries())
    parts = sorted({PurePosixPath(rel).parts[1] for rel in entries})
    fresh = [p for p in (data_dir, *(data_dir / part for part in PARTS)) if not p.exists()]
    data_dir.mkdir(parents=True, exist_ok=True)
    pid = os.getpid()
    _clean_leftovers(settings)
    files_stage = data_dir / f".restore-{pid}"
    stages = {part: _stage_of(data_dir, part, pid) for part in RESTORABLE}
    try:
        for rel in entries:
            inner = PurePosixPath(rel).relative_to("data")
            part = inner.parts[0]
            target = stages[part].joinpath(*inner.parts[1:]) if len(inner.parts) > 1 else stages[part]
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(src / rel, "rb") as f:
                digest, size = _copy(f, target, 0o600 if part in PRIVATE else 0o644)
            if digest != bag.entries[rel]["sha256"].lower():
                raise BackupError(f"Tệp '{rel}' của bản sao lưu đổi trong lúc khôi phục; đã hủy, dữ liệu cũ còn "
                                  "nguyên (the backup changed while being restored).")
            report.files += 1
            report.bytes += size
            say("restore", rel)
        for part in PARTS:  # what the backup has none of is emptied by the swap
            if part in parts:
                continue
            if part in FILE_PARTS:
                files_stage.mkdir(exist_ok=True)
                (files_stage / f"{part}.absent").touch()
            elif (data_dir / part).is_dir():
                stages[part].mkdir(exist_ok=True)
        os.sync()  # every file of the stages on disk before any is swapped in
        _staged(data_dir, pid).touch()  # from here on an interrupted restore is finished, not undone
        fsync_dir(data_dir)
        if settings.keys_dir.is_dir() or "keys" in parts:
            settings.keys_dir.mkdir(exist_ok=True)
            settings.keys_dir.chmod(0o700)
    except BaseException as e:
        for stage in (*stages.values(), files_stage):
            if stage.is_dir():
                shutil.rmtree(stage, ignore_errors=True)
        for folder in reversed(fresh):  # the folders made for the stages, if still empty
            with contextlib.suppress(OSError):
                folder.rmdir()
        if isinstance(e, OSError):
            raise BackupError(f"Khôi phục không xong: {e.strerror or e} ({e.filename or data_dir}); chưa thay gì, dữ "
                              "liệu cũ còn nguyên — hãy xem chỗ trống và quyền ghi rồi chạy lại "
                              "(restore failed before anything was replaced).") from e
        raise
    _finish_swap(settings, pid)
    if "audit" in parts and not (src / "data" / "keys" / "audit.key").exists():
        report.notes.append("Bản sao lưu không có keys/audit.key: nhật ký kiểm toán được ký bằng TRACUU_AUDIT_KEY; "
                            "hãy đặt đúng khóa đó (the audit log was keyed by TRACUU_AUDIT_KEY: set the same key).")
    elif settings.audit_key is not None and (src / "data" / "keys" / "audit.key").exists():
        report.notes.append("TRACUU_AUDIT_KEY đang đặt sẽ được dùng thay cho keys/audit.key vừa khôi phục; bỏ biến "
                            "đó nếu nhật ký được ký bằng tệp khóa (the configured audit key overrides the restored one).")
    return report


def _staged(data_dir: Path, pid: int) -> Path:
    """The mark that restore ``pid`` had every part built, on disk, before it swapped any."""
    return data_dir / f".restore-{pid}.staged"


def _stage_of(data_dir: Path, part: str, pid: int) -> Path:
    if part in FILE_PARTS:
        return data_dir / f".restore-{pid}" / part
    return data_dir / part / f".restore-{pid}"


def _finish_swap(settings: Settings, pid: int) -> None:
    """Swap every built part in; safe to repeat, so a restore killed half-way through its
    swaps is finished by the next one rather than undone (its old entries may be moved
    aside already, its new ones half in place: only going forward ends whole)."""
    data_dir = settings.data_dir
    for part in RESTORABLE:  # the database before an old backup's accounts file is imported into it
        _swap_in(settings, part, _stage_of(data_dir, part, pid), pid)
    shutil.rmtree(data_dir / f".restore-{pid}", ignore_errors=True)
    fsync_dir(data_dir)
    _staged(data_dir, pid).unlink(missing_ok=True)
    fsync_dir(data_dir)


def _swap_in(settings: Settings, part: str, stage: Path, pid: int) -> None:
    """Put one built part in place. The database's rows are replaced in one transaction (and
    an old backup's accounts file imported after them). A file part is renamed over the old
    one. A folder part keeps its folder — it may be a mount
    point or a link to another disk — and has its entries swapped: the old ones moved into
    ``.restore-old-<pid>`` inside it (then marked ``.moved``), the new ones up from the
    stage, the old then removed. The audit folder's log then replaces the rows of the
    database's log (and is renamed ``.imported``). Each step can be repeated after a kill."""
    data_dir, dsn = settings.data_dir, settings.database_dsn()
    place = data_dir / part
    if part in (DATABASE, ACCOUNTS):
        absent = stage.with_name(f"{part}.absent")  # the backup has none: the rows go
        if part == DATABASE and (stage.is_file() or absent.exists()):
            snapshot.load(dsn, stage.read_bytes() if stage.is_file() else b"{}")
            for old in data_dir.glob(f"{ACCOUNTS}*"):  # an older install's accounts would be imported again
                if old.is_file() and not old.name.endswith(".imported"):
                    old.unlink()
        elif part == ACCOUNTS and stage.is_file():
            import_accounts_file(dsn, stage)
        stage.unlink(missing_ok=True)
        absent.unlink(missing_ok=True)
        return
    if part == "secret_key":
        absent = stage.with_name(f"{part}.absent")  # the backup has none: the old one goes
        if stage.is_file() or absent.exists():
            if stage.is_file():
                os.replace(stage, place)
            else:
                place.unlink(missing_ok=True)
                absent.unlink()
        return  # else: swapped in already, by a run killed after this part
    if not place.is_dir():
        return
    old = place / f".restore-old-{pid}"
    if stage.is_dir() and not (old / ".moved").exists():  # no stage: swapped in already
        old.mkdir(exist_ok=True)
        for entry in place.iterdir():
            if entry not in (old, stage):
                os.rename(entry, old / entry.name)
        (old / ".moved").touch()
        fsync_dir(old)
    if stage.is_dir():
        for entry in stage.iterdir():
            os.rename(entry, place / entry.name)
        stage.rmdir()
    fsync_dir(place)
    shutil.rmtree(old, ignore_errors=True)
    if part == AUDIT_DIR:
        _audit_into_database(settings)
    elif part == "events":
        _reuse_into_database(settings)


def _reuse_into_database(settings: Settings) -> None:
    """An older backup's reuse journal: its events into the database (emptied just before by
    the database part, which such a backup has none of)."""
    from database.reuse_events import ReuseEvents

    _into_database(settings.events_dir / "reuse.jsonl", ReuseEvents.of(settings).import_lines)


def _audit_into_database(settings: Settings) -> None:
    """The restored log file becomes the database's log (all its rows replaced, in one
    transaction)."""
    from database.audit import AuditLog

    _into_database(settings.audit_dir / AUDIT_FILE, AuditLog.of(settings).replace_with)


def _into_database(restored: Path, load: Callable[[BinaryIO], object]) -> None:
    """A file the restore put back, loaded into the database in one transaction, then
    removed (the backup keeps it): repeated after a kill, it is loaded again, whole."""
    if restored.is_file():
        with open(restored, "rb") as f:
            load(f)
        restored.unlink()
        fsync_dir(restored.parent)


def _clean_leftovers(settings: Settings) -> None:
    """Deal with what a restore that no longer runs left behind: if it had every part
    built (its ``.staged`` mark), finish its swaps; otherwise drop its half-built stages
    (it had swapped nothing)."""
    data_dir = settings.data_dir
    for mark in data_dir.glob(".restore-*.staged"):
        pid = mark.name.split("-", 1)[1].split(".")[0]
        if pid.isdigit() and not alive(int(pid)):
            _finish_swap(settings, int(pid))
    places = [data_dir, *(data_dir / p for p in PARTS)]
    for place in places:
        if not place.is_dir():
            continue
        for entry in place.glob(".restore-*"):
            pid = entry.name.rsplit("-", 1)[-1]
            if pid.isdigit() and not alive(int(pid)):
                shutil.rmtree(entry, ignore_errors=True)


# -- files -------------------------------------------------------------------------------


def _copy(src, target: Path, mode: int, limit: int | None = None) -> tuple[str, int]:
    """Copy from an open binary file to a new file, up to ``limit`` bytes; returns the
    SHA-256 and the size of what was written (made durable later, by one ``os.sync``)."""
    h = hashlib.sha256()
    size = 0
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(fd, "wb") as out:
        while limit is None or size < limit:
            chunk = src.read(CHUNK if limit is None else min(CHUNK, limit - size))
            if not chunk:
                break
            out.write(chunk)
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def _hash(f) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    while chunk := f.read(CHUNK):
        h.update(chunk)
        size += len(chunk)
    return h.hexdigest(), size


def _complete_lines(fd: int, size: int) -> int:
    """The length of the first ``size`` bytes up to and with their last newline."""
    end = size
    while end > 0:
        start = max(0, end - 65536)
        i = os.pread(fd, end - start, start).rfind(b"\n")
        if i >= 0:
            return start + i + 1
        end = start
    return 0


def _write_text(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def _listable(rel: str) -> bool:
    """Whether a BagIt manifest line can name this file and be read back to the same name."""
    try:
        rel.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return rel == rel.rstrip() and "\n" not in rel and "\r" not in rel and "%0A" not in rel.upper() and "%0D" not in rel.upper()
