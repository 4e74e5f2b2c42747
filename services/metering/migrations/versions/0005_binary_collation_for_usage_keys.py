"""Byte-order ("C") collation on the usage tables' text keys.

Every ingested event inserts into `usage_events`' primary key; with a linguistic collation
each of the index's comparisons is a locale-aware string comparison. Ids and names are
identifiers, never sorted for people, so byte order is both correct and much cheaper.

Revision ID: 0005
Revises: 0004
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

COLUMNS = {
    "usage_events": ("org_id", "event_id", "tenant_id", "cluster_id", "meter"),
    "series_histogram": ("org_id", "tenant_id", "period", "cluster_id"),
}


def _collate(collation: str) -> None:
    for table, columns in COLUMNS.items():
        changes = ", ".join(f'ALTER COLUMN {c} TYPE text COLLATE "{collation}"' for c in columns)
        op.execute(f"ALTER TABLE {table} {changes}")


def upgrade() -> None:
    _collate("C")


def downgrade() -> None:
    _collate("default")
