"""Archived accounts, and the accounts a sync of every account left out.

- cloud_accounts.archived_at: an archived account is never synced again, while its cost
  history stays in every figure (a deleted one takes its costs with it).
- sync_jobs.skipped: the accounts a job of every account did not sync, with the reason, so
  the job says so instead of a silent success.

Revision ID: 0005
Revises: 0004
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE cloud_accounts ADD COLUMN archived_at timestamptz")
    op.execute("ALTER TABLE sync_jobs ADD COLUMN skipped jsonb NOT NULL DEFAULT '[]'::jsonb")


def downgrade() -> None:
    op.execute("ALTER TABLE sync_jobs DROP COLUMN skipped")
    op.execute("ALTER TABLE cloud_accounts DROP COLUMN archived_at")
