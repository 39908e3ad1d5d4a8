"""The audit log: who searched, viewed, downloaded, looked up, reused and logged in — one
JSON object per line, append-only, under ``TRACUU_DATA_DIR/audit/``.

It answers a citizen's "who looked at my record?", so each event about a record carries
the record's subject id, and it holds personal data (queries, CCCD numbers): it is kept
apart from the application log, which never does. Each line carries the SHA-256 of the
line before it, so a line removed or edited afterwards breaks the chain (``verify``).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

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
    prev: str = GENESIS


class AuditLog:
    """Writes go to the file at once (a crash of the server loses nothing: the data is in
    the kernel); they reach the disk by an fsync at most FLUSH_SECONDS later, from a
    background thread. An fsync per event cost ~1 ms of every search (bench/api_latency.py);
    so a power cut may lose the last second of events, not more."""

    FLUSH_SECONDS = 1.0
    _lock = threading.Lock()

    def __init__(self, directory: Path) -> None:
        self.path = directory / "audit.jsonl"
        self._dirty = threading.Event()
        self._closed = threading.Event()
        self._flusher: threading.Thread | None = None
        self._fd: int | None = None
        self._last: str | None = None  # hash of the last line this process wrote
        self._size = -1  # the file's size after that write

    def write(self, event: AuditEvent) -> None:
        """Append one event, chained to the line before it. The file stays open; the file
        lock keeps the chain whole when several server processes write: the hash of the
        last line is re-read only when the file is not the size this process left it."""
        body = event.model_dump_json(exclude_none=True, exclude={"prev"})
        with self._lock:
            if self._fd is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
            fd = self._fd
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                size = os.fstat(fd).st_size
                prev = self._last if size == self._size and self._last else _last_line_hash(fd)
                line = (body[:-1] + f',"prev":"{prev}"}}').encode()  # body is a JSON object
                os.write(fd, line + b"\n")
                self._last, self._size = hashlib.sha256(line).hexdigest(), size + len(line) + 1
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
            self._dirty.set()
            if self._flusher is None:
                self._flusher = threading.Thread(target=self._flush_loop, name="audit-fsync", daemon=True)
                self._flusher.start()

    def flush(self) -> None:
        if self._dirty.is_set() and self.path.exists():
            self._dirty.clear()
            fd = os.open(self.path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)

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
        if not self.path.exists():
            return
        with self.path.open(encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    yield AuditEvent.model_validate_json(line)

    def query(self, since: dt.datetime | None = None, subject: str | None = None, actor: str | None = None,
              record_id: str | None = None, action: str | None = None) -> list[AuditEvent]:
        """Events matching every given filter. ``subject`` finds events about the subject's
        records and searches for their identifier."""
        out = []
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

    def verify(self) -> tuple[int, int | None]:
        """(lines checked, number of the first line whose chain is broken, or None)."""
        prev, n = GENESIS, 0
        if not self.path.exists():
            return 0, None
        with self.path.open("rb") as f:
            for n, line in enumerate((x.rstrip(b"\n") for x in f), start=1):
                if json.loads(line).get("prev") != prev:
                    return n, n
                prev = hashlib.sha256(line).hexdigest()
        return n, None


def _last_line_hash(fd: int) -> str:
    size = os.fstat(fd).st_size
    if not size:
        return GENESIS
    start = max(0, size - _TAIL)
    tail = os.pread(fd, size - start, start).rstrip(b"\n")
    while b"\n" not in tail and start > 0:  # the last line is longer than what was read
        start = max(0, start - _TAIL)
        tail = os.pread(fd, size - start, start).rstrip(b"\n")
    return hashlib.sha256(tail.rsplit(b"\n", 1)[-1]).hexdigest()


def describe(e: AuditEvent) -> dict[str, Any]:
    """A flat row for printing."""
    return {"at": e.at.isoformat(timespec="seconds"), "actor": f"{e.actor_kind}:{e.actor}", "action": e.action,
            "outcome": e.outcome, "record": e.record_id or "", "subject": e.subject_id or "",
            "query": e.query or "", "count": "" if e.count is None else e.count}
