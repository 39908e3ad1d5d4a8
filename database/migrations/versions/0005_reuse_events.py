"""Reuse events as rows (database/reuse_events.py), one per (record, new dossier)."""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision = "0005"
down_revision = "0004"


def upgrade() -> None:
    op.create_table(
        "reuse_events",
        sa.Column("seq", sa.BigInteger, sa.Identity(always=True), nullable=False, unique=True),
        sa.Column("key", sa.Text, primary_key=True),  # ReuseEvent.key: sha256(record, canonical dossier code)
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("event", pg.JSONB, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("reuse_events")
