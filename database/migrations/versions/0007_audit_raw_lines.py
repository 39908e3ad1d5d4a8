"""An audit line kept as bytes when it cannot be text: a line of an old file torn by a power
cut in the middle of a character, or holding NUL bytes. Its bytes are what the next line is
chained to, so they are kept exactly (database/audit.py)."""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"


def upgrade() -> None:
    op.add_column("audit_events", sa.Column("raw", sa.LargeBinary))


def downgrade() -> None:
    op.drop_column("audit_events", "raw")
