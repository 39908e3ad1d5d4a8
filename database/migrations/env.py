"""Alembic environment of the Tra cứu database (database/connection.py ``migrate`` runs it).

The URL is given by the caller (``config.attributes["dsn"]``, from TRACUU_DATABASE_URL or
the local server); driver psycopg 3. The whole upgrade is one transaction (PostgreSQL has
transactional DDL) under an advisory lock, so two hosts starting at once migrate once.
"""

from alembic import context
from sqlalchemy import create_engine, pool


def _url() -> str:
    url = context.config.attributes["dsn"]
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def run_migrations_online() -> None:
    engine = create_engine(_url(), poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, transaction_per_migration=False)
        with context.begin_transaction():
            connection.exec_driver_sql("SELECT pg_advisory_xact_lock(hashtext('tracuu-migrate'))")
            context.run_migrations()
    engine.dispose()


run_migrations_online()
