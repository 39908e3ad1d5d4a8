"""The audit log: who searched, viewed, downloaded, looked up, reused and logged in — one row
per event in the Tra cứu database, so every web process and host writes one log, in one
order.

It answers a citizen's "who looked at my record?", so each event about a record carries
the record's subject id, and it holds personal data (queries, CCCD numbers): it is kept
apart from the application log, which never does.

Each row keeps the event as one JSON line (``line``), exactly as the file log of older
versions wrote it, carrying an HMAC-SHA256 of the line before (``chain``) under a key kept
apart from the database (``TRACUU_AUDIT_KEY``, or a key generated once in
``TRACUU_DATA_DIR/keys/``): whoever can write the table but not read the key cannot edit a
row and re-chain the rest. Writers take a transaction-scoped advisory lock, read the last
row's HMAC and insert, so two processes never chain to the same row. After each write the
process's last HMAC is written beside the key (``audit.head``, within a second, by a
background thread), so rows cut from the end are found too. ``verify`` names the first row
that breaks the chain. Lines imported from an old file (database/upgrade.py) keep their
bytes, so their chain — and a line torn by a power cut, reported as torn — verifies as it
did in the file. Older lines chained with a plain SHA-256 (``prev``) are still checked as such.

Each event is committed before the request goes on (synchronous commit): an audit line
that a crash of PostgreSQL could lose after the clerk saw the record would defeat the log.
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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from archive.identifiers import canonical_or_none, canonical_subject_id
from search.config import Settings
from search.errors import SettingsError

from .connection import transaction

GENESIS = "0" * 64
#: The advisory lock that orders the writers of the log (any constant unique to it).
_WRITE_LOCK = 0x7472_6163_7575  # "tracuu"


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
    torn lines (line number, byte offset in the file they came from), and whether lines were
    cut from the end."""

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
    a folder apart from the database, which a deployment mounts elsewhere. On several hosts,
    set TRACUU_AUDIT_KEY (the same on all) or share the folder."""
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


def mac_of(key: bytes, line: bytes | None) -> str:
    return GENESIS if line is None else hmac.new(key, line, hashlib.sha256).hexdigest()


class AuditLog:
    FLUSH_SECONDS = 1.0

    def __init__(self, dsn: str, key: bytes, head: Path | None = None) -> None:
        self.dsn = dsn
        self.key = key
        self.head = head  # where the last HMAC this process wrote is kept, apart from the database
        self._dirty = threading.Event()
        self._closed = threading.Event()
        self._flusher: threading.Thread | None = None
        self._last: tuple[str, int] | None = None  # HMAC and seq of the newest row this process wrote
        self._lock = threading.Lock()
        self._key_checked = False

    @classmethod
    def of(cls, settings: Settings) -> AuditLog:
        """The log of these settings, with its key and head file kept in the keys folder."""
        configured = settings.audit_key.get_secret_value() if settings.audit_key else None
        return cls(settings.database_dsn(), load_key(configured, settings.keys_dir),
                   head=settings.keys_dir / "audit.head")

    def check_key(self) -> None:
        """Refuse a key other than the one the log is chained under (hosts configured with
        different TRACUU_AUDIT_KEYs would write a log that verifies nowhere). The first
        process to ask records its key's fingerprint."""
        mine = hmac.new(self.key, b"tracuu audit key check", hashlib.sha256).hexdigest()
        with transaction(self.dsn) as db:
            db.execute("INSERT INTO audit_key_check (id, fingerprint) VALUES (1, %s) ON CONFLICT (id) DO NOTHING",
                       (mine,))
            known = db.execute("SELECT fingerprint FROM audit_key_check WHERE id = 1").fetchone()["fingerprint"]
        self._key_checked = hmac.compare_digest(known, mine)
        if not self._key_checked:
            raise SettingsError("TRACUU_AUDIT_KEY: khóa nhật ký kiểm toán khác khóa mà nhật ký trong cơ sở dữ liệu "
                                "được ký; mọi máy chủ phải dùng cùng một khóa (the audit key differs from the one "
                                "the log in the database is chained under: every host needs the same key).")

    def write(self, event: AuditEvent) -> None:
        """Append one event, chained to the row before it (the key checked first, once)."""
        if not self._key_checked:
            self.check_key()
        body = event.model_dump_json(exclude_none=True, exclude={"prev", "chain"})
        with transaction(self.dsn) as db:
            db.execute("SELECT pg_advisory_xact_lock(%s)", (_WRITE_LOCK,))
            row = db.execute("SELECT mac FROM audit_events ORDER BY seq DESC LIMIT 1").fetchone()
            line = body[:-1] + f',"chain":"{row["mac"] if row else GENESIS}"}}'  # body is a JSON object
            mac = self._mac(line.encode())
            seq = _insert(db, line.encode(), mac, event)
        with self._lock:
            if self._last is None or seq > self._last[1]:
                self._last = (mac, seq)
        self._dirty.set()
        if self._flusher is None:
            with self._lock:
                if self._flusher is None:
                    self._flusher = threading.Thread(target=self._flush_loop, name="audit-head", daemon=True)
                    self._flusher.start()

    def _mac(self, line: bytes | None) -> str:
        return mac_of(self.key, line)

    def flush(self) -> None:
        """Write the head file: the HMAC of the newest row this process wrote — unless the
        file already names a newer row (another process, or another host sharing keys/): the
        head only moves forward, so rows cut from the end are found whoever wrote last."""
        if self._dirty.is_set():
            self._dirty.clear()
            last = self._last
            if self.head is not None and last:
                _advance_head(self.head, *last)

    def close(self) -> None:
        self._closed.set()
        self.flush()

    def _flush_loop(self) -> None:
        while not self._closed.wait(self.FLUSH_SECONDS):
            self.flush()

    def lines(self) -> Iterator[bytes]:
        """Every row's line as the bytes it was chained as, in order (streamed: the log may be
        long)."""
        with transaction(self.dsn) as db, db.cursor(name="audit_lines") as cur:
            cur.itersize = 2000
            cur.execute("SELECT line, raw FROM audit_events ORDER BY seq")
            for row in cur:
                yield bytes(row["raw"]) if row["raw"] is not None else row["line"].encode()

    def events(self) -> Iterator[AuditEvent]:
        """Every event, in order; a torn line imported from an old file is passed over here
        and reported by ``verify``."""
        for line in self.lines():
            try:
                yield AuditEvent.model_validate_json(line)
            except ValueError:
                continue

    def query(self, since: dt.datetime | None = None, subject: str | None = None, actor: str | None = None,
              record_id: str | None = None, action: str | None = None) -> list[AuditEvent]:
        """Events matching every given filter. ``subject`` finds events about the subject's
        records and searches for their identifier."""
        where, args = [], []
        if since:
            where.append("at >= %s")
            args.append(since)
        if subject:  # the log keeps canonical ids: '001 085 012 345' finds '001085012345'
            subject = canonical_or_none(canonical_subject_id, subject) or subject.strip()
            where.append("(subject_id = %s OR strpos(coalesce(query, ''), %s) > 0 OR actor = %s)")
            args += [subject, subject, subject]
        if actor:
            where.append("strpos(actor, %s) > 0")
            args.append(actor)
        if record_id:
            where.append("(record_id = %s OR %s = ANY(hits))")
            args += [record_id, record_id]
        if action:
            where.append("action = %s")
            args.append(action)
        sql = "SELECT line FROM audit_events" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY seq"
        with transaction(self.dsn) as db:
            rows = db.execute(sql, args).fetchall()
        out = []
        for row in rows:
            try:
                out.append(AuditEvent.model_validate_json(row["line"]))
            except ValueError:
                continue
        return out

    def verify(self) -> Verification:
        """Check every row's link to the one before: the HMAC (``chain``) or, on lines from
        before the key, the SHA-256 (``prev``); then that the head file names a row still
        there. The first broken row is named; torn lines are listed, not fatal."""
        result, last = verify_lines(self.lines(), self.key)
        if self.head is not None and self.head.exists() and result.broken is None:
            named = json.loads(self.head.read_text(encoding="utf-8")).get("last")
            if named and not hmac.compare_digest(named, last) and not self._has_row_with_mac(named):
                result.truncated = True
        return result

    def _has_row_with_mac(self, mac: str) -> bool:
        """Whether some row's line has this HMAC (recomputed: the stored column is not trusted)."""
        with transaction(self.dsn) as db:
            candidates = db.execute("SELECT line, raw FROM audit_events WHERE mac = %s", (mac,)).fetchall()
        return any(hmac.compare_digest(self._mac(bytes(r["raw"]) if r["raw"] is not None else r["line"].encode()), mac)
                   for r in candidates)

    def replace_with(self, lines: Iterable[bytes]) -> int:
        """Make the log these lines, verbatim and in order (an old file imported, a backup
        restored), in one transaction. Returns the rows written."""
        n = 0
        with transaction(self.dsn) as db:
            db.execute("SELECT pg_advisory_xact_lock(%s)", (_WRITE_LOCK,))
            db.execute("DELETE FROM audit_events")
            db.execute("DELETE FROM audit_key_check")  # the log is now chained under this key
            for raw in lines:
                line = raw.rstrip(b"\n")
                if not line.strip():
                    continue
                try:
                    event = AuditEvent.model_validate_json(line)
                except ValueError:
                    event = None  # a torn line: kept byte for byte, so the chain after it still verifies
                _insert(db, line, self._mac(line), event)
                n += 1
        self.check_key()
        return n

    def is_empty(self) -> bool:
        with transaction(self.dsn) as db:
            return db.execute("SELECT NOT EXISTS (SELECT 1 FROM audit_events) AS e").fetchone()["e"]


def _insert(db: Any, line: bytes, mac: str, event: AuditEvent | None) -> int:
    """One row; a line that cannot be text (torn inside a character, NUL bytes) is kept in
    ``raw``. Returns its seq."""
    try:
        text, raw = line.decode("utf-8"), None
        if "\x00" in text:
            raise UnicodeDecodeError("utf-8", line, 0, 1, "NUL")
    except UnicodeDecodeError:
        text, raw = "", line
    e = event
    return db.execute("INSERT INTO audit_events (at, actor, action, record_id, subject_id, query, hits, line, raw, mac) "
                      "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING seq",
                      (e.at if e else None, _column(e.actor if e else None), _column(e.action if e else None),
                       _column(e.record_id if e else None), _column(e.subject_id if e else None),
                       _column(e.query if e else None), [_column(h) for h in e.hits] if e and e.hits else None,
                       text, raw, mac)).fetchone()["seq"]


def _column(value: str | None) -> str | None:
    """A value for the columns the log is looked up by. PostgreSQL's text holds no NUL, which
    a query typed or sent may (a search for '\\x00' answered 500): there it stands as U+FFFD.
    The line keeps the event exactly, as text or raw bytes."""
    return value.replace("\x00", "\ufffd") if value else value


def verify_lines(lines: Iterable[bytes], key: bytes) -> tuple[Verification, str]:
    """The chain check over lines in order (rows of the log, or a file of a backup): the
    verification and the HMAC of the last line."""
    result = Verification()
    before: bytes | None = None
    offset = 0
    for n, raw in enumerate(lines, start=1):
        line = raw.rstrip(b"\n")
        result.lines = n
        try:
            fields = json.loads(line)
            if not isinstance(fields, dict):
                raise ValueError
        except ValueError:
            result.torn.append((n, offset))
            before, offset = line, offset + len(line) + 1
            continue
        if "chain" in fields:
            ok = hmac.compare_digest(str(fields["chain"]), mac_of(key, before))
        else:
            ok = fields.get("prev") == (GENESIS if before is None else hashlib.sha256(before).hexdigest())
        if not ok and result.broken is None:
            result.broken = n
            result.reason = (f"dòng {n - 1} đã bị sửa, hoặc có dòng bị xóa hay chèn giữa dòng {n - 1} và "
                             f"dòng {n} (line {n} does not follow line {n - 1})" if n > 1 else
                             "dòng đầu không phải dòng đầu của nhật ký (the first line is not the log's first)")
        before, offset = line, offset + len(line) + 1
    return result, mac_of(key, before)


def _advance_head(path: Path, mac: str, seq: int) -> None:
    """Name row ``seq`` in the head file, unless it names a newer row already; under a lock
    beside it, as several processes (and hosts sharing keys/) write it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(f".{path.name}.lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            named = json.loads(path.read_text(encoding="utf-8")).get("seq", -1) if path.exists() else -1
        except ValueError:
            named = -1
        if seq > named:
            _write_durably(path, json.dumps({"last": mac, "seq": seq}))


def _write_durably(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
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
