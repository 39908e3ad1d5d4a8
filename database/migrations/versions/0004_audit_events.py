"""The audit log as rows (database/audit.py): each row is one line of the old audit.jsonl,
byte for byte, HMAC-chained to the row before; the other columns are copies for searching
("who looked at my record?") and are not part of what is verified."""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    op.create_table(
        "audit_events",
        sa.Column("seq", sa.BigInteger, sa.Identity(always=True), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True)),
        sa.Column("actor", sa.Text),
        sa.Column("action", sa.Text),
        sa.Column("record_id", sa.Text),
        sa.Column("subject_id", sa.Text),
        sa.Column("query", sa.Text),
        sa.Column("hits", pg.ARRAY(sa.Text)),
        sa.Column("line", sa.Text, nullable=False),  # what is chained and verified
        sa.Column("mac", sa.Text, nullable=False),  # HMAC of line: what the next row chains to (recomputed by verify)
    )
    op.create_index("audit_events_at", "audit_events", ["at"])
    op.create_index("audit_events_subject", "audit_events", ["subject_id"])
    op.create_index("audit_events_record", "audit_events", ["record_id"])
    # Which audit key the log is chained under (an HMAC of a fixed text, not the key): a
    # process started with another key is refused before it writes a row nobody can verify.
    op.create_table(
        "audit_key_check",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("fingerprint", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("audit_key_check")
    op.drop_table("audit_events")
