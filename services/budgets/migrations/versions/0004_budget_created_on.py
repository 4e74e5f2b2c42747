"""The day each budget was created, by the service's clock: a budget alerts only for periods
that end on or after it, so re-synced months from before it existed stay quiet.

Revision ID: 0004
Revises: 0003
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE budgets ADD COLUMN created_on date")
    op.execute("UPDATE budgets SET created_on = (create_time AT TIME ZONE 'UTC')::date")
    op.execute("ALTER TABLE budgets ALTER COLUMN created_on SET NOT NULL")


def downgrade() -> None:
    op.execute("ALTER TABLE budgets DROP COLUMN created_on")
