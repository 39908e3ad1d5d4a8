"""Connections to the Tra cứu database: one small pool per database URL per process.

Pools are kept for the life of the process and shared by everything in it that talks to the
same database (accounts, sessions, rate limits), so a web process holds a handful of
connections however many stores it builds. A pool opens no connection until one is asked
for and closes those idle for a minute, so a process that builds apps in passing (tests,
the CLI) keeps none.

An unreachable database is :class:`DatabaseUnavailable` — a 503 to a browser, exit code 3
to a command — with the first line of the driver's reason and nothing else (a URL holds a
password).
"""

from __future__ import annotations

import atexit
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool, PoolTimeout

from search.config import Settings
from search.errors import TracuuError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
#: A request waits this long for a connection before it is told the database is unavailable:
#: long enough to ride out a restart of PostgreSQL, short enough that a clerk is told.
WAIT_SECONDS = 5.0
#: Connections per process: enough for uvicorn's thread pool at its busiest (a request holds
#: one for a few milliseconds at a time).
POOL_SIZE = 16

_pools: dict[str, ConnectionPool] = {}
_lock = threading.Lock()


class DatabaseUnavailable(TracuuError):
    """PostgreSQL cannot be reached (or answered with a server error)."""

    exit_code = 3

    @classmethod
    def because(cls, e: BaseException) -> DatabaseUnavailable:
        first = str(getattr(e, "orig", e) or "").strip().splitlines()
        reason = first[0][:200] if first else type(e).__name__
        return cls("Không kết nối được cơ sở dữ liệu PostgreSQL (the database is unreachable): "
                   f"{reason}; kiểm tra TRACUU_DATABASE_URL hoặc chạy 'tracuu services start'.")


def pool(dsn: str) -> ConnectionPool:
    """The pool of this database in this process (made on first use)."""
    with _lock:
        found = _pools.get(dsn)
        if found is None or found.closed:
            # check: a connection is tried before it is handed out, so after PostgreSQL
            # restarts the dead ones are replaced instead of failing the next requests.
            found = _pools[dsn] = ConnectionPool(dsn, min_size=0, max_size=POOL_SIZE, max_idle=60,
                                                 timeout=WAIT_SECONDS, kwargs={"row_factory": dict_row},
                                                 check=ConnectionPool.check_connection, open=True,
                                                 name="tracuu", reconnect_timeout=30)
        return found


@contextmanager
def transaction(dsn: str) -> Iterator[psycopg.Connection]:
    """A connection in a transaction: committed when the block ends, rolled back on an error."""
    try:
        with pool(dsn).connection() as conn:
            yield conn
    except PoolTimeout as e:
        logging.getLogger(__name__).warning("no database connection free within %.0f s (pool of %d)",
                                            WAIT_SECONDS, POOL_SIZE)
        raise DatabaseUnavailable("Cơ sở dữ liệu đang quá tải hoặc không trả lời; vui lòng thử lại sau ít phút "
                                  "(no database connection became free in time).") from e
    except psycopg.OperationalError as e:
        raise DatabaseUnavailable.because(e) from e


def close_pool(dsn: str) -> None:
    """Close this database's pool (before the database is dropped, in tests)."""
    with _lock:
        found = _pools.pop(dsn, None)
    if found is not None:
        found.close()


@atexit.register
def _close_all() -> None:
    for dsn in list(_pools):
        close_pool(dsn)


def migrate(settings: Settings) -> None:
    """Apply the alembic migrations (database/migrations); idempotent, advisory-locked."""
    import sqlalchemy.exc
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["dsn"] = settings.database_dsn()
    logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        command.upgrade(cfg, "head")
    except (sqlalchemy.exc.OperationalError, psycopg.OperationalError) as e:
        raise DatabaseUnavailable.because(e) from e
