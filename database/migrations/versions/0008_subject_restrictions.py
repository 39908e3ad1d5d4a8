"""Subjects whose personal data is restricted on their request (Decree 13/2023, art. 14):
one row per CCCD or enterprise code, with who restricted it, when and why
(database/restrictions.py)."""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"


def upgrade() -> None:
    op.create_table(
        "subject_restrictions",
        sa.Column("subject_id", sa.Text, primary_key=True),  # canonical (archive/identifiers.py)
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("restricted_by", sa.Text, nullable=False),
        sa.Column("restricted_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )


def downgrade() -> None:
    op.drop_table("subject_restrictions")
