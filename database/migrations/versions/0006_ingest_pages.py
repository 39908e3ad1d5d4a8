"""Pages per ingest job, so the pages-a-minute of every worker on every host can be read
from one place (web/metrics.py)."""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"


def upgrade() -> None:
    op.add_column("ingest_jobs", sa.Column("pages", sa.Integer, nullable=False, server_default="0"))
    op.create_index("ingest_jobs_updated_at", "ingest_jobs", ["updated_at"])


def downgrade() -> None:
    op.drop_index("ingest_jobs_updated_at", "ingest_jobs")
    op.drop_column("ingest_jobs", "pages")
