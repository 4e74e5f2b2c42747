"""Metering: price books, plans, tenants, plan windows, credits, usage aggregates, statements.

Usage is kept as running aggregates so rating never rescans raw events: allocation state and
per-segment quantity-seconds, log bytes per day, active-series histograms per period (P95) and
per-day peaks. `usage_events` only de-duplicates ids; `allocation_changes` keeps the step
functions' history for late events and plan changes. Times in usage tables are epoch seconds.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TABLES = (
    """
    CREATE TABLE price_books (
        id bigserial PRIMARY KEY,
        org_id text NOT NULL,  -- '' is the built-in book every organization sees
        name text NOT NULL,
        version int NOT NULL,
        effective_from date NOT NULL,
        currency text NOT NULL,
        rates jsonb NOT NULL,  -- [{"meter", "unit", "rate" (decimal string)}]
        request_id text NOT NULL DEFAULT '',
        create_time timestamptz NOT NULL DEFAULT now(),
        UNIQUE (org_id, name, version)
    )
    """,
    "CREATE UNIQUE INDEX price_books_request ON price_books (org_id, request_id) WHERE request_id <> ''",
    """
    CREATE TABLE plans (
        id bigserial PRIMARY KEY,
        org_id text NOT NULL,
        name text NOT NULL,
        price_book_name text NOT NULL,
        metrics_series_allowance bigint NOT NULL,
        logs_bytes_allowance bigint NOT NULL,
        base_fee numeric,
        currency text NOT NULL,  -- the price book's
        request_id text NOT NULL DEFAULT '',
        create_time timestamptz NOT NULL DEFAULT now()
    )
    """,
    "CREATE UNIQUE INDEX plans_request ON plans (org_id, request_id) WHERE request_id <> ''",
    "CREATE INDEX plans_org ON plans (org_id, id)",
    """
    CREATE TABLE tenants (
        org_id text NOT NULL,
        tenant_id text NOT NULL,
        name text NOT NULL,
        overage_policy smallint NOT NULL,
        currency text NOT NULL,
        request_id text NOT NULL DEFAULT '',
        create_time timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (org_id, tenant_id)
    )
    """,
    """
    CREATE TABLE plan_windows (
        org_id text NOT NULL,
        tenant_id text NOT NULL,
        start_at bigint NOT NULL,
        plan_id bigint NOT NULL REFERENCES plans (id),
        PRIMARY KEY (org_id, tenant_id, start_at),
        FOREIGN KEY (org_id, tenant_id) REFERENCES tenants (org_id, tenant_id)
    )
    """,
    """
    CREATE TABLE credits (
        id bigserial PRIMARY KEY,
        org_id text NOT NULL,
        tenant_id text NOT NULL,
        amount numeric NOT NULL CHECK (amount > 0),
        remaining numeric NOT NULL CHECK (remaining >= 0),
        currency text NOT NULL,
        expire_time timestamptz,
        reason text NOT NULL DEFAULT '',
        request_id text NOT NULL DEFAULT '',
        create_time timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (org_id, tenant_id) REFERENCES tenants (org_id, tenant_id)
    )
    """,
    "CREATE UNIQUE INDEX credits_request ON credits (org_id, request_id) WHERE request_id <> ''",
    "CREATE INDEX credits_tenant ON credits (org_id, tenant_id, id)",
    """
    CREATE TABLE usage_events (
        org_id text NOT NULL,
        event_id text NOT NULL,
        PRIMARY KEY (org_id, event_id)
    )
    """,
    """
    CREATE TABLE allocation_changes (
        org_id text NOT NULL,
        tenant_id text NOT NULL,
        cluster_id text NOT NULL,
        meter text NOT NULL,
        at bigint NOT NULL,
        event_id text NOT NULL,
        quantity numeric NOT NULL,
        PRIMARY KEY (org_id, tenant_id, cluster_id, meter, at, event_id)
    )
    """,
    """
    CREATE TABLE allocation_state (
        org_id text NOT NULL,
        tenant_id text NOT NULL,
        cluster_id text NOT NULL,
        meter text NOT NULL,
        last_at bigint NOT NULL,
        last_id text NOT NULL,
        last_quantity numeric NOT NULL,
        PRIMARY KEY (org_id, tenant_id, cluster_id, meter)
    )
    """,
    """
    CREATE TABLE allocation_segments (
        org_id text NOT NULL,
        tenant_id text NOT NULL,
        seg_start bigint NOT NULL,
        meter text NOT NULL,
        cluster_id text NOT NULL,
        quantity_seconds numeric NOT NULL,
        PRIMARY KEY (org_id, tenant_id, seg_start, meter, cluster_id)
    )
    """,
    """
    CREATE TABLE log_days (
        org_id text NOT NULL,
        tenant_id text NOT NULL,
        day bigint NOT NULL,
        cluster_id text NOT NULL,
        bytes numeric NOT NULL,
        PRIMARY KEY (org_id, tenant_id, day, cluster_id)
    )
    """,
    """
    CREATE TABLE series_histogram (
        org_id text NOT NULL,
        tenant_id text NOT NULL,
        period text NOT NULL,
        cluster_id text NOT NULL,
        value numeric NOT NULL,
        samples bigint NOT NULL,
        PRIMARY KEY (org_id, tenant_id, period, cluster_id, value)
    )
    """,
    """
    CREATE TABLE series_peaks (
        org_id text NOT NULL,
        tenant_id text NOT NULL,
        day bigint NOT NULL,
        cluster_id text NOT NULL,
        peak numeric NOT NULL,
        PRIMARY KEY (org_id, tenant_id, day, cluster_id)
    )
    """,
    """
    CREATE TABLE statements (
        id bigserial PRIMARY KEY,
        org_id text NOT NULL,
        tenant_id text NOT NULL,
        tenant_name text NOT NULL,
        period text NOT NULL,
        currency text NOT NULL,
        lines jsonb NOT NULL,
        total numeric NOT NULL CHECK (total >= 0),
        close_time timestamptz NOT NULL DEFAULT now(),
        UNIQUE (org_id, tenant_id, period)
    )
    """,
    "CREATE INDEX statements_order ON statements (org_id, period DESC, tenant_id)",
    """
    CREATE TABLE allowance_notices (
        org_id text NOT NULL,
        tenant_id text NOT NULL,
        period text NOT NULL,
        meter text NOT NULL,
        PRIMARY KEY (org_id, tenant_id, period, meter)
    )
    """,
    # The default book every organization starts with (GBP).
    """
    INSERT INTO price_books (org_id, name, version, effective_from, currency, rates) VALUES (
        '', 'default', 1, DATE '2000-01-01', 'GBP',
        '[{"meter": "cpu", "unit": "vCPU-hour", "rate": "0.030"},
          {"meter": "memory", "unit": "GiB-hour", "rate": "0.006"},
          {"meter": "storage", "unit": "GiB-hour", "rate": "0.000116"},
          {"meter": "metrics_series", "unit": "series-month", "rate": "0.003"},
          {"meter": "logs_bytes", "unit": "GB-month", "rate": "0.30"}]'::jsonb)
    """,
)

DROPS = (
    "allowance_notices",
    "statements",
    "series_peaks",
    "series_histogram",
    "log_days",
    "allocation_segments",
    "allocation_state",
    "allocation_changes",
    "usage_events",
    "credits",
    "plan_windows",
    "tenants",
    "plans",
    "price_books",
)


def upgrade() -> None:
    for statement in TABLES:
        op.execute(statement)


def downgrade() -> None:
    for table in DROPS:
        op.execute(f"DROP TABLE {table}")
