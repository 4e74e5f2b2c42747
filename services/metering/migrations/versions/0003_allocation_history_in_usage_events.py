"""Allocation history lives in `usage_events`: one row per event instead of two.

An allocation event's id, de-duplication and step-function history were two inserts; the
ingest path is bound by row writes, so allocations now carry their columns in the id table,
with a partial index for the history lookups (late events, plan changes). Samples leave them
NULL.

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "ALTER TABLE usage_events ADD COLUMN tenant_id text, ADD COLUMN cluster_id text, "
        "ADD COLUMN meter text, ADD COLUMN at bigint, ADD COLUMN quantity numeric"
    )
    op.execute(
        "INSERT INTO usage_events (org_id, event_id, tenant_id, cluster_id, meter, at, quantity) "
        "SELECT org_id, event_id, tenant_id, cluster_id, meter, at, quantity "
        "FROM allocation_changes ON CONFLICT (org_id, event_id) DO UPDATE SET "
        "tenant_id = excluded.tenant_id, cluster_id = excluded.cluster_id, "
        "meter = excluded.meter, at = excluded.at, quantity = excluded.quantity"
    )
    op.execute(
        "CREATE INDEX usage_events_history ON usage_events "
        "(org_id, tenant_id, cluster_id, meter, at, event_id) WHERE at IS NOT NULL"
    )
    op.execute("DROP TABLE allocation_changes")


def downgrade() -> None:
    op.execute(
        """
        CREATE TABLE allocation_changes (
            org_id text NOT NULL, tenant_id text NOT NULL, cluster_id text NOT NULL,
            meter text NOT NULL, at bigint NOT NULL, event_id text NOT NULL,
            quantity numeric NOT NULL,
            PRIMARY KEY (org_id, tenant_id, cluster_id, meter, at, event_id)
        )
        """
    )
    op.execute(
        "INSERT INTO allocation_changes SELECT org_id, tenant_id, cluster_id, meter, at, "
        "event_id, quantity FROM usage_events WHERE at IS NOT NULL"
    )
    op.execute("DROP INDEX usage_events_history")
    op.execute(
        "ALTER TABLE usage_events DROP COLUMN tenant_id, DROP COLUMN cluster_id, "
        "DROP COLUMN meter, DROP COLUMN at, DROP COLUMN quantity"
    )
