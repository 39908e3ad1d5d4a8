"""Shared operational state (docs/shared-state.md): accounts, API keys, server-side sessions
and rate-limit hits, so every web process and host sees the same ones.

Accounts of an older installation (``accounts.sqlite3`` in the data dir) are brought in by
``tracuu upgrade-state`` (database/upgrade.py), not here: a migration must not depend on
which host's files it finds.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision = "0003"
down_revision = "0002"

_NOW = sa.func.now()


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("login", sa.Text, primary_key=True),
        sa.Column("role", sa.Text, nullable=False),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("failures", sa.Integer, nullable=False, server_default="0"),
        sa.Column("locked_until", sa.DateTime(timezone=True)),
        sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("rights", pg.ARRAY(sa.Text), nullable=False, server_default="{}"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=_NOW),
    )
    op.create_table(
        "api_keys",
        sa.Column("key_id", sa.Text, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("scopes", pg.ARRAY(sa.Text), nullable=False),
        sa.Column("secret_hash", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=_NOW),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
        sa.Column("last_used_at", sa.DateTime(timezone=True)),
    )
    op.create_table(
        "sessions",
        sa.Column("id_hash", sa.Text, primary_key=True),  # SHA-256 of the cookie's token: a leaked table opens nothing
        sa.Column("data", pg.JSONB, nullable=False),
        sa.Column("login", sa.Text, index=True),  # the officer signed in, to end their sessions
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=_NOW),
    )
    op.create_table(
        "rate_limit_hits",
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("rate_limit_hits_key_at", "rate_limit_hits", ["key", "at"])


def downgrade() -> None:
    for table in ("rate_limit_hits", "sessions", "api_keys", "users"):
        op.drop_table(table)
