"""procrastinate 3.10's schema (fresh install).

procrastinate keeps no record of what is applied; this revision is that record. A later
procrastinate release ships SQL files in procrastinate/sql/migrations/
(<version>_<nn>_<pre|post>_*.sql): each upgrade gets its own revision that runs those files
by name (``run_procrastinate_migration``), the "pre" ones before the new code is deployed.
"""

from pathlib import Path

from alembic import op

revision = "0001"
down_revision = None


def upgrade() -> None:
    from procrastinate.schema import SchemaManager

    _raw(SchemaManager.get_schema())


def _raw(sql: str) -> None:
    # Not op.execute (text() parses ':name') nor exec_driver_sql (SQLAlchemy passes an empty
    # parameter set, so psycopg reads the '%' in RAISE '... %' as a placeholder): the psycopg
    # connection itself, inside alembic's transaction, with no parameters at all.
    op.get_bind().connection.driver_connection.execute(sql)


def downgrade() -> None:
    op.get_bind().exec_driver_sql(
        "DROP TABLE IF EXISTS procrastinate_events, procrastinate_periodic_defers, "
        "procrastinate_jobs, procrastinate_workers CASCADE")


def run_procrastinate_migration(name: str) -> None:
    """For a later revision, e.g. run_procrastinate_migration('03.11.00_01_pre_x.sql')."""
    from procrastinate.schema import SchemaManager

    _raw((Path(SchemaManager.get_migrations_path()) / name).read_text())
