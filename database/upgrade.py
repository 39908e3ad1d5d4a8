"""Bringing the files of an older installation into the database (docs/shared-state.md).

Before the database, accounts and API keys were a SQLite file, ``TRACUU_DATA_DIR/
accounts.sqlite3``, the audit log a file, ``TRACUU_DATA_DIR/audit/audit.jsonl``, and the
reuse events a journal, ``TRACUU_DATA_DIR/events/reuse.jsonl`` (imported event by event,
the first of each (record, dossier) kept).
``import_old_files`` copies the accounts' rows in (an account or key already in the
database is left as it is) and the audit log's lines, byte for byte so their chain still
verifies, into an empty database log (a log that already has rows is not mixed with an old
one: the file is left where it is and the operator told). Each file is then renamed
``….imported``, so it is read once and kept for a while, not deleted. ``tracuu serve`` runs it at start and
``tracuu upgrade-state`` on demand; an old backup that holds the file is imported the same
way by ``tracuu restore``. Sessions and rate-limit counts were in memory or in cookies:
there is nothing to bring, everyone logs in again once.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from contextlib import closing
from pathlib import Path

from search.config import Settings

from .connection import transaction

OLD_ACCOUNTS = "accounts.sqlite3"
OLD_AUDIT = "audit.jsonl"
OLD_REUSE = "reuse.jsonl"


def _when(value: str | None) -> dt.datetime | None:
    """An ISO time of the old file; anything else (never written by Tra cứu) as unknown."""
    try:
        return dt.datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


def import_accounts_file(dsn: str, path: Path) -> tuple[int, int]:
    """Copy the users and API keys of an old accounts file; (users, keys) newly added."""
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as old:
        old.row_factory = sqlite3.Row
        columns = {r["name"] for r in old.execute("PRAGMA table_info(users)")}
        users = old.execute("SELECT * FROM users").fetchall()
        keys = old.execute("SELECT * FROM api_keys").fetchall() if old.execute(
            "SELECT 1 FROM sqlite_master WHERE name = 'api_keys'").fetchone() else []
    added_users = added_keys = 0
    with transaction(dsn) as db:
        for u in users:
            rights = (u["rights"] or "").split() if "rights" in columns else []
            added_users += db.execute(
                "INSERT INTO users (login, role, password_hash, failures, locked_until, disabled, rights, created_at) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, coalesce(%s, now())) ON CONFLICT (login) DO NOTHING",
                (u["login"], u["role"], u["password_hash"], u["failures"], _when(u["locked_until"]),
                 bool(u["disabled"]), rights, _when(u["created_at"]))).rowcount
        for k in keys:
            added_keys += db.execute(
                "INSERT INTO api_keys (key_id, name, scopes, secret_hash, created_at, revoked_at, last_used_at) "
                "VALUES (%s, %s, %s, %s, coalesce(%s, now()), %s, %s) ON CONFLICT (key_id) DO NOTHING",
                (k["key_id"], k["name"], k["scopes"].split(), k["secret_hash"], _when(k["created_at"]),
                 _when(k["revoked_at"]), _when(k["last_used_at"]))).rowcount
    return added_users, added_keys


def import_old_files(settings: Settings) -> list[str]:
    """Import what an older installation left in the data dir; one line per file done."""
    done = []
    old = settings.data_dir / OLD_ACCOUNTS
    if old.is_file():
        users, keys = import_accounts_file(settings.database_dsn(), old)
        old.rename(old.with_name(f"{OLD_ACCOUNTS}.imported"))
        for side in ("-journal", "-wal", "-shm"):
            Path(f"{old}{side}").unlink(missing_ok=True)
        done.append(f"{OLD_ACCOUNTS}: {users} tài khoản, {keys} khóa API đã chuyển vào cơ sở dữ liệu "
                    f"({users} accounts, {keys} API keys moved into the database); tệp cũ đổi tên thành "
                    f"{OLD_ACCOUNTS}.imported")
    log_file = settings.audit_dir / OLD_AUDIT
    if log_file.is_file():
        from .audit import AuditLog

        log = AuditLog.of(settings)
        if not log.is_empty():
            done.append(f"audit/{OLD_AUDIT}: CHƯA chuyển — nhật ký trong cơ sở dữ liệu đã có dòng; tệp cũ để nguyên "
                        f"(NOT imported: the database's audit log already has rows; the file is left as it is)")
        else:
            with open(log_file, "rb") as f:
                n = log.replace_with(f)
            log_file.rename(log_file.with_name(f"{OLD_AUDIT}.imported"))
            found = log.verify()
            state = "nguyên vẹn (intact)" if found.intact else f"KHÔNG nguyên vẹn (not intact): {found.reason}"
            done.append(f"audit/{OLD_AUDIT}: {n} dòng nhật ký kiểm toán đã chuyển vào cơ sở dữ liệu ({n} audit "
                        f"lines moved into the database), chuỗi HMAC {state}; tệp cũ đổi tên thành {OLD_AUDIT}.imported")
    journal = settings.events_dir / OLD_REUSE
    if journal.is_file():
        from .reuse_events import ReuseEvents

        with open(journal, "rb") as f:
            n = ReuseEvents.of(settings).import_lines(f)
        journal.rename(journal.with_name(f"{OLD_REUSE}.imported"))
        done.append(f"events/{OLD_REUSE}: {n} lượt tái sử dụng đã chuyển vào cơ sở dữ liệu ({n} reuse events "
                    f"moved into the database); tệp cũ đổi tên thành {OLD_REUSE}.imported — chạy 'tracuu reindex' "
                    "nếu số đếm khác (run 'tracuu reindex' if the counts differ)")
    return done
