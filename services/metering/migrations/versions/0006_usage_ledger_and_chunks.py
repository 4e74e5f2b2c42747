"""Usage ids in an append-only ledger; allocation history in one chunk per key and batch.

Ingest was bound by one indexed row per event: PostgreSQL here writes ~130k such rows/s with
a whole core, and the consumer needs that core itself. Now an applied batch writes one
`usage_ledger` row per period holding its new ids (newline-separated), and the service checks
ids against sets it loads from the ledger (handlers/seen_ids.py). Allocation history is one
`allocation_chunks` row per (tenant, cluster, meter) per batch: "at<TAB>id<TAB>quantity" lines,
found by the key and the chunk's last time.

Revision ID: 0006
Revises: 0005
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE usage_ledger (
            org_id text COLLATE "C" NOT NULL,
            seq bigserial NOT NULL,
            period text COLLATE "C",
            ids text NOT NULL,
            PRIMARY KEY (org_id, seq)
        )
        """
    )
    # Ids are mostly random: compressing them costs the server CPU for little space.
    op.execute("ALTER TABLE usage_ledger ALTER COLUMN ids SET STORAGE EXTERNAL")
    op.execute("CREATE INDEX usage_ledger_period ON usage_ledger (org_id, period, seq)")
    op.execute(
        """
        CREATE TABLE allocation_chunks (
            org_id text COLLATE "C" NOT NULL,
            tenant_id text COLLATE "C" NOT NULL,
            cluster_id text COLLATE "C" NOT NULL,
            meter text COLLATE "C" NOT NULL,
            first_at bigint NOT NULL,
            last_at bigint NOT NULL,
            changes text NOT NULL
        )
        """
    )
    # History is read rarely (late events, plan changes): spend no CPU compressing it.
    op.execute("ALTER TABLE allocation_chunks ALTER COLUMN changes SET STORAGE EXTERNAL")
    op.execute(
        "CREATE INDEX allocation_chunks_key ON allocation_chunks "
        "(org_id, tenant_id, cluster_id, meter, last_at)"
    )
    op.execute(
        "INSERT INTO allocation_chunks SELECT org_id, tenant_id, cluster_id, meter, min(at), "
        "max(at), string_agg(at || E'\\t' || event_id || E'\\t' || quantity, E'\\n' "
        "ORDER BY at, event_id) FROM usage_events WHERE at IS NOT NULL "
        "GROUP BY org_id, tenant_id, cluster_id, meter"
    )
    # Sample ids never recorded their time: a NULL period counts for every period.
    op.execute(
        "INSERT INTO usage_ledger (org_id, period, ids) "
        "SELECT org_id, NULL, string_agg(event_id, E'\\n') FROM usage_events GROUP BY org_id"
    )
    op.execute("DROP TABLE usage_events")


def downgrade() -> None:
    op.execute(
        """
        CREATE TABLE usage_events (
            org_id text COLLATE "C" NOT NULL,
            event_id text COLLATE "C" NOT NULL,
            tenant_id text COLLATE "C",
            cluster_id text COLLATE "C",
            meter text COLLATE "C",
            at bigint,
            quantity numeric,
            PRIMARY KEY (org_id, event_id)
        )
        """
    )
    op.execute(
        "INSERT INTO usage_events (org_id, event_id, tenant_id, cluster_id, meter, at, quantity) "
        "SELECT c.org_id, f[2], c.tenant_id, c.cluster_id, c.meter, f[1]::bigint, f[3]::numeric "
        "FROM allocation_chunks c, unnest(string_to_array(c.changes, E'\\n')) AS line, "
        "string_to_array(line, E'\\t') AS f ON CONFLICT DO NOTHING"
    )
    op.execute(
        "INSERT INTO usage_events (org_id, event_id) SELECT org_id, id FROM usage_ledger, "
        "unnest(string_to_array(ids, E'\\n')) AS id ON CONFLICT DO NOTHING"
    )
    op.execute(
        "CREATE INDEX usage_events_history ON usage_events "
        "(org_id, tenant_id, cluster_id, meter, at, event_id) WHERE at IS NOT NULL"
    )
    op.execute("DROP TABLE allocation_chunks")
    op.execute("DROP TABLE usage_ledger")
