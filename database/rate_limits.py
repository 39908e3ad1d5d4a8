"""The ``limits`` library's moving windows, counted in the database, so a limit holds however
many web processes and hosts share the guessing (in memory, each process had its own count
and four processes allowed four times the attempts).

``limits`` keeps its strategies and rule syntax (``10/minute;50/hour``, web/ratelimit.py);
this is only its storage — one row per attempt, the attempts of one key counted under a
transaction-scoped advisory lock so two processes cannot both take the last one. ``limits``
ships storages for Redis, Memcached, MongoDB and etcd, none for PostgreSQL, and running
another server only for counters would be one more thing to keep alive.

A key names what is counted (a client address, a CCCD): it is stored as its SHA-256, and
rows older than a day are swept. A hash of a CCCD can be guessed back (the numbers are
few), so the table is personal data for a day, like the audit log (which names the CCCDs
outright) and protected with the database.
"""

from __future__ import annotations

import hashlib
import random
import time

import psycopg
from limits.storage import MovingWindowSupport, Storage

from .connection import transaction

#: Hits older than this are swept (longer than any window we configure).
KEEP_SECONDS = 24 * 3600
#: One hit in this many also sweeps every key's old rows.
SWEEP_EVERY = 200


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class DatabaseStorage(Storage, MovingWindowSupport):
    """Moving-window storage in the ``rate_limit_hits`` table (database/migrations 0003)."""

    STORAGE_SCHEME = ["tracuu-postgresql"]

    def __init__(self, dsn: str) -> None:
        super().__init__()
        self.dsn = dsn

    @property
    def base_exceptions(self) -> type[Exception]:
        return psycopg.Error

    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        if amount > limit:
            return False
        hashed = _hash(key)
        with transaction(self.dsn) as db:
            db.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 17))", (hashed,))
            if random.randrange(SWEEP_EVERY) == 0:
                db.execute("DELETE FROM rate_limit_hits WHERE at < now() - make_interval(secs => %s)", (KEEP_SECONDS,))
            db.execute("DELETE FROM rate_limit_hits WHERE key = %s AND at <= now() - make_interval(secs => %s)",
                       (hashed, expiry))
            held = db.execute("SELECT count(*) AS n FROM rate_limit_hits WHERE key = %s", (hashed,)).fetchone()["n"]
            if held + amount > limit:
                return False
            db.execute("INSERT INTO rate_limit_hits (key, at) SELECT %s, now() FROM generate_series(1, %s)",
                       (hashed, amount))
        return True

    def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        with transaction(self.dsn) as db:
            row = db.execute("SELECT extract(epoch FROM min(at)) AS oldest, count(*) AS n FROM rate_limit_hits "
                             "WHERE key = %s AND at > now() - make_interval(secs => %s)",
                             (_hash(key), expiry)).fetchone()
        return (float(row["oldest"]) if row["oldest"] is not None else time.time()), int(row["n"])

    def get(self, key: str) -> int:
        with transaction(self.dsn) as db:
            return int(db.execute("SELECT count(*) AS n FROM rate_limit_hits WHERE key = %s",
                                  (_hash(key),)).fetchone()["n"])

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        raise NotImplementedError("only the moving-window strategy is stored in the database")

    def get_expiry(self, key: str) -> float:
        return time.time()

    def check(self) -> bool:
        try:
            with transaction(self.dsn) as db:
                db.execute("SELECT 1")
            return True
        except Exception:  # noqa: BLE001 - a health check answers, it does not raise
            return False

    def reset(self) -> int | None:
        with transaction(self.dsn) as db:
            return db.execute("DELETE FROM rate_limit_hits").rowcount

    def clear(self, key: str) -> None:
        with transaction(self.dsn) as db:
            db.execute("DELETE FROM rate_limit_hits WHERE key = %s", (_hash(key),))
