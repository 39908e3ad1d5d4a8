"""The audit log: who searched, viewed, downloaded, looked up, reused and logged in — one
JSON object per line, append-only, under ``TRACUU_DATA_DIR/audit/``.

It answers a citizen's "who looked at my record?", so each event about a record carries
the record's subject id, and it holds personal data (queries, CCCD numbers): it is kept
apart from the application log, which never does.

Each line carries an HMAC-SHA256 of the line before it (``chain``), under a key kept apart
from the log (``TRACUU_AUDIT_KEY``, or a key generated once in ``TRACUU_DATA_DIR/keys/``):
whoever can write the file but not read the key cannot edit a line and re-chain the rest, as
a plain hash chain allowed. After each fsync the last line's HMAC is written beside the key
(``audit.head``), so lines cut from the end are found too. ``verify`` names the first line
that breaks the chain; a line torn by a power cut is reported with its byte offset, never a
crash, and the next event starts on a line of its own. A log rotated away (renamed by
logrotate) is noticed at the next write, which opens the new file.
Older lines chained with a plain SHA-256 (``prev``) are still checked as such.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import hmac
import json
import os
import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from archive.identifiers import canonical_or_none, canonical_subject_id
from search.config import Settings

GENESIS = "0" * 64
_TAIL = 8192  # longer than almost every line; a longer last line is read whole


class AuditEvent(BaseModel):
    at: dt.datetime = Field(default_factory=lambda: dt.datetime.now(dt.timezone.utc))
    actor_kind: str  # officer, admin, citizen, system, anonymous
    actor: str  # login, "key:<id> <name>", or the citizen's CCCD
    action: str  # search, view, download, lookup, reuse, login, login_failed, logout, key_denied …
    outcome: str = "ok"
    record_id: str | None = None
    subject_id: str | None = None
    query: str | None = None
    filters: dict[str, list[str]] | None = None
    count: int | None = None
    hits: list[str] | None = None
    detail: str | None = None
    client: str | None = None
    prev: str | None = None  # the SHA-256 chain of older logs
    chain: str | None = None  # HMAC-SHA256 of the line before, under the audit key


@dataclass
class Verification:
    """What ``verify`` found: lines read, the first line that breaks the chain (and why),
    torn lines (line number, byte offset), and whether lines were cut from the end."""

    lines: int = 0
    broken: int | None = None
    reason: str = ""
    torn: list[tuple[int, int]] = field(default_factory=list)
    truncated: bool = False

    @property
    def intact(self) -> bool:
        return self.broken is None and not self.truncated


def load_key(configured: str | None, keys_dir: Path) -> bytes:
    """The audit key: the configured one, else one generated once (0600) in ``keys_dir`` —
    a folder apart from the log's, which a deployment mounts elsewhere."""
    if configured:
        return configured.encode()
    path = keys_dir / "audit.key"
    if not path.exists():
        keys_dir.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it first
        else:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(32))
    return path.read_text().strip().encode()


class AuditLog:
    """Writes go to the file at once (a crash of the server loses nothing: the data is in
    the kernel); they reach the disk by an fsync at most FLUSH_SECONDS later, from a
    background thread. An fsync per event cost ~1 ms of every search (bench/api_latency.py);
    so a power cut may lose the last second of events, not more."""

    FLUSH_SECONDS = 1.0
    _lock = threading.Lock()

    def __init__(self, directory: Path, key: bytes, head: Path | None = None) -> None:
        self.path = directory / "audit.jsonl"
        self.key = key
        self.head = head  # where the last line's HMAC is kept, apart from the log
        self._dirty = threading.Event()
        self._closed = threading.Event()
        self._flusher: threading.Thread | None = None
        self._fd: int | None = None
        self._last: str | None = None  # hash of the last line this process wrote
        self._size = -1  # the file's size after that write

    @classmethod
    def of(cls, settings: Settings) -> AuditLog:
        """The log of these settings, with its key and head file kept in the keys folder."""
        configured = settings.audit_key.get_secret_value() if settings.audit_key else None
        return cls(settings.audit_dir, load_key(configured, settings.keys_dir), head=settings.keys_dir / "audit.head")

    def write(self, event: AuditEvent) -> None:
        """Append one event, chained to the line before it. The file stays open; the file
        lock keeps the chain whole when several server processes write: the hash of the
        last line is re-read only when the file is not the size this process left it."""
        body = event.model_dump_json(exclude_none=True, exclude={"prev", "chain"})
        with self._lock:
            fd = self._open()
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                size = os.fstat(fd).st_size
                start = b""
                if size and os.pread(fd, 1, size - 1) != b"\n":
                    start = b"\n"  # the last line was torn (a power cut): this one starts afresh
                last = self._last if size == self._size and self._last else self._mac(_last_line(fd))
                line = (body[:-1] + f',"chain":"{last}"}}').encode()  # body is a JSON object
                os.write(fd, start + line + b"\n")
                self._last, self._size = self._mac(line), size + len(start) + len(line) + 1
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
            self._dirty.set()
            if self._flusher is None:
                self._flusher = threading.Thread(target=self._flush_loop, name="audit-fsync", daemon=True)
                self._flusher.start()

    def _open(self) -> int:
        """The log's descriptor, opened anew when the file was rotated away or removed."""
        if self._fd is not None:
            try:
                same = os.stat(self.path).st_ino == os.fstat(self._fd).st_ino
            except FileNotFoundError:
                same = False
            if not same:
                os.close(self._fd)
                self._fd, self._size = None, -1
        if self._fd is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
        return self._fd

    def _mac(self, line: bytes | None) -> str:
        return GENESIS if line is None else hmac.new(self.key, line, hashlib.sha256).hexdigest()

    def flush(self) -> None:
        if self._dirty.is_set() and self.path.exists():
            self._dirty.clear()
            last = self._last  # taken before the fsync: the head never names a line not yet on disk
            fd = os.open(self.path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
            if self.head is not None and last:
                _write_durably(self.head, json.dumps({"last": last}))

    def close(self) -> None:
        self._closed.set()
        self.flush()
        with self._lock:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None

    def _flush_loop(self) -> None:
        while not self._closed.wait(self.FLUSH_SECONDS):
            self.flush()

    def events(self) -> Iterator[AuditEvent]:
        """Every event, in order; a torn line (a power cut) is passed over here and
        reported by ``verify``."""
        if not self.path.exists():
            return
        with self.path.open("rb") as f:
            for line in f:
                if line.strip():
                    try:
                        yield AuditEvent.model_validate_json(line)
                    except ValueError:
                        continue

    def query(self, since: dt.datetime | None = None, subject: str | None = None, actor: str | None = None,
              record_id: str | None = None, action: str | None = None) -> list[AuditEvent]:
        """Events matching every given filter. ``subject`` finds events about the subject's
        records and searches for their identifier."""
        out = []
        if subject:  # the log keeps canonical ids: '001 085 012 345' finds '001085012345'
            subject = canonical_or_none(canonical_subject_id, subject) or subject.strip()
        for e in self.events():
            if since and e.at < since:
                continue
            if subject and e.subject_id != subject and subject not in (e.query or "") and e.actor != subject:
                continue
            if actor and actor not in e.actor:
                continue
            if record_id and e.record_id != record_id and record_id not in (e.hits or []):
                continue
            if action and e.action != action:
                continue
            out.append(e)
        return out

    def verify(self) -> Verification:
        """Check every line's link to the one before: the HMAC (``chain``) or, on lines from
        before the key, the SHA-256 (``prev``); then that the last line is the one the head
        file names. The first broken line is named; torn lines are listed, not fatal."""
        result = Verification()
        if not self.path.exists():
            return result
        before: bytes | None = None
        offset = 0
        with self.path.open("rb") as f:
            for n, raw in enumerate(f, start=1):
                line = raw.rstrip(b"\n")
                result.lines = n
                try:
                    fields = json.loads(line)
                    if not isinstance(fields, dict):
                        raise ValueError
                except ValueError:
                    result.torn.append((n, offset))
                    before, offset = line, offset + len(raw)
                    continue
                if "chain" in fields:
                    ok = hmac.compare_digest(str(fields["chain"]), self._mac(before))
                else:
                    ok = fields.get("prev") == (GENESIS if before is None else hashlib.sha256(before).hexdigest())
                if not ok and result.broken is None:
                    result.broken = n
                    result.reason = (f"dòng {n - 1} đã bị sửa, hoặc có dòng bị xóa hay chèn giữa dòng {n - 1} và "
                                     f"dòng {n} (line {n} does not follow line {n - 1})" if n > 1 else
                                     "dòng đầu không phải dòng đầu của nhật ký (the first line is not the log's first)")
                before, offset = line, offset + len(raw)
        if self.head is not None and self.head.exists() and result.broken is None:
            last = json.loads(self.head.read_text(encoding="utf-8")).get("last")
            if last and not hmac.compare_digest(last, self._mac(before)) and not self._has_line_with_mac(last):
                result.truncated = True
        return result

    def _has_line_with_mac(self, mac: str) -> bool:
        """Whether some line of the log has this HMAC (the head names a line still there, and
        lines were added after it that the head does not know yet: a crash before a flush)."""
        with self.path.open("rb") as f:
            return any(hmac.compare_digest(self._mac(raw.rstrip(b"\n")), mac) for raw in f)


def _last_line(fd: int) -> bytes | None:
    size = os.fstat(fd).st_size
    if not size:
        return None
    start = max(0, size - _TAIL)
    tail = os.pread(fd, size - start, start).rstrip(b"\n")
    while b"\n" not in tail and start > 0:  # the last line is longer than what was read
        start = max(0, start - _TAIL)
        tail = os.pread(fd, size - start, start).rstrip(b"\n")
    return tail.rsplit(b"\n", 1)[-1]


def _write_durably(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, text.encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)


def describe(e: AuditEvent) -> dict[str, Any]:
    """A flat row for printing."""
    return {"at": e.at.isoformat(timespec="seconds"), "actor": f"{e.actor_kind}:{e.actor}", "action": e.action,
            "outcome": e.outcome, "record": e.record_id or "", "subject": e.subject_id or "",
            "query": e.query or "", "count": "" if e.count is None else e.count}
