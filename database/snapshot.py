"""The database's share of a backup (archive/backup.py): what cannot be made again —
accounts with their password hashes and rights, API keys (secrets hashed) and reuse events
— as one JSON document read in one snapshot (REPEATABLE READ), and put back in one
transaction. The audit log, which may be long, is written to the backup as a file of its
own (archive/backup.py ``_backup_audit``).

Not kept: sessions (a restore signs everyone out, as it should: the sessions of the
restored day are not the sessions of today), rate-limit hits, and the ingest queue's jobs
(a restored archive decides again what is new: re-run ``tracuu ingest`` on the folders).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from psycopg.types.json import Jsonb

from .connection import transaction

#: The tables kept, and their columns, in the order they are put back.
TABLES: dict[str, tuple[str, ...]] = {
    "users": ("login", "role", "password_hash", "failures", "locked_until", "disabled", "rights", "created_at"),
    "api_keys": ("key_id", "name", "scopes", "secret_hash", "created_at", "revoked_at", "last_used_at"),
    "reuse_events": ("key", "at", "event"),
}
#: The order rows are read in (and so put back in): reuse events as they were recorded.
_ORDER = {"reuse_events": "seq"}


def dump(dsn: str) -> bytes:
    """Every kept table as JSON (one consistent snapshot)."""
    out: dict[str, list[dict[str, Any]]] = {}
    with transaction(dsn) as db:
        db.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        for table, columns in TABLES.items():
            rows = db.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY {_ORDER.get(table, '1')}").fetchall()
            out[table] = [{k: v.isoformat() if isinstance(v, dt.datetime) else v for k, v in r.items()}
                          for r in rows]
    return json.dumps(out, ensure_ascii=False, indent=1).encode()


def holds_rows(dsn: str) -> bool:
    """Whether the database holds anything a restore would replace (its kept tables, or the
    audit log, which a restore replaces too)."""
    with transaction(dsn) as db:
        return any(db.execute(f"SELECT EXISTS (SELECT 1 FROM {t}) AS e").fetchone()["e"]
                   for t in (*TABLES, "audit_events"))


def load(dsn: str, document: bytes) -> dict[str, int]:
    """Replace the kept tables with the document's rows, and end every session — in one
    transaction, so a restore killed here leaves the database as it was and can be run
    again. Returns the rows put back per table."""
    data = json.loads(document)
    counts = {}
    with transaction(dsn) as db:
        db.execute("DELETE FROM sessions")
        for table, columns in TABLES.items():
            db.execute(f"DELETE FROM {table}")
            rows = data.get(table, [])
            with db.cursor() as cur:
                cur.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})",
                                [tuple(_param(r.get(c)) for c in columns) for r in rows])
            counts[table] = len(rows)
    return counts


def _param(value: Any) -> Any:
    return Jsonb(value) if isinstance(value, dict) else value
