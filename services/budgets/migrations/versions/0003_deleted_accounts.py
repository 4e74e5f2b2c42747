"""Accounts deleted in ingest: their spend is gone, and any costs.updated of theirs that
arrives late (the two subjects have separate consumers) is ignored.

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE accounts ADD COLUMN deleted_at timestamptz")


def downgrade() -> None:
    op.execute("ALTER TABLE accounts DROP COLUMN deleted_at")
