"""The notifier schema's outbox and inbox, for exactly-once events.

Revision ID: 0001
Revises:
"""

from alembic import op

from services.common.migrations import create_outbox_and_inbox

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_outbox_and_inbox(op.execute)


def downgrade() -> None:
    op.execute("DROP TABLE inbox")
    op.execute("DROP TABLE outbox")
