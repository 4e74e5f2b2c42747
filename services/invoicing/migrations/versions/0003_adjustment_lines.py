"""Invoice lines can be adjustments; invoices edited before that get theirs.

An amount set by UpdateInvoice used to live only in invoices.amount, so the stored lines summed
to the computed amount. Each such invoice now gets the adjustment line its documents showed.

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE invoice_lines ADD COLUMN adjustment boolean NOT NULL DEFAULT false")
    op.execute(
        """
        INSERT INTO invoice_lines (invoice_id, position, description, category, amount, adjustment)
        SELECT i.id, coalesce(l.last_position + 1, 0), 'Adjustment', 'adjustment',
               i.amount - coalesce(l.total, 0), true
        FROM invoices i
        LEFT JOIN (
            SELECT invoice_id, sum(amount) AS total, max(position) AS last_position
            FROM invoice_lines GROUP BY invoice_id
        ) l ON l.invoice_id = i.id
        WHERE i.amount <> coalesce(l.total, 0)
        """
    )


def downgrade() -> None:
    op.execute("DELETE FROM invoice_lines WHERE adjustment")
    op.execute("ALTER TABLE invoice_lines DROP COLUMN adjustment")
