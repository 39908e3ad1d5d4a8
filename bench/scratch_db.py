"""A database of its own for a benchmark run: created from the local server, migrated, and
dropped afterwards — so a run never writes API keys, sessions or audit rows (chained under
the run's throw-away audit key) into the database of the service."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator

import psycopg
from pydantic import SecretStr

from database.connection import close_pool, migrate
from search.config import Settings


@contextlib.contextmanager
def scratch_database(base: Settings) -> Iterator[str]:
    """The URL of a new, migrated database; dropped when the block ends."""
    admin = base.database_dsn()
    name = f"bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin, autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    dsn = admin.rsplit("/", 1)[0] + f"/{name}"
    try:
        migrate(base.model_copy(update={"database_url": SecretStr(dsn)}))
        yield dsn
    finally:
        close_pool(dsn)
        with psycopg.connect(admin, autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
