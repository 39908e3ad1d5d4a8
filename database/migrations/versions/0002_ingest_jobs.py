"""What procrastinate does not keep about an ingest job: its outcome (indexer/queue.py)."""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    op.create_table(
        "ingest_jobs",
        sa.Column("job_id", sa.BigInteger, primary_key=True),  # = procrastinate_jobs.id (no FK: jobs are pruned)
        sa.Column("sha256", sa.Text, nullable=False, index=True),
        sa.Column("record_id", sa.Text),
        sa.Column("duplicate", sa.Boolean, server_default=sa.false(), nullable=False),
        sa.Column("error", sa.Text),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("ingest_jobs")
