"""Sample counts per (tenant, period, cluster), so P95 is read from the top of the histogram.

The nearest-rank P95 is the (N - rank + 1)-th largest sample; knowing N, a reader walks the
histogram down from the largest values and stops after 5% of the samples instead of summing
the whole distribution.

Revision ID: 0004
Revises: 0003
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE series_counts (
            org_id text NOT NULL,
            tenant_id text NOT NULL,
            period text NOT NULL,
            cluster_id text NOT NULL,
            samples bigint NOT NULL,
            PRIMARY KEY (org_id, tenant_id, period, cluster_id)
        )
        """
    )
    op.execute(
        "INSERT INTO series_counts SELECT org_id, tenant_id, period, cluster_id, sum(samples) "
        "FROM series_histogram GROUP BY org_id, tenant_id, period, cluster_id"
    )


def downgrade() -> None:
    op.execute("DROP TABLE series_counts")
