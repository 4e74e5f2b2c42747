"""Daily spend read model, budgets and their alerts, anomalies and their settings.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_DDL = (
    # Accounts as last seen in costs.updated: names and providers for filters and display.
    """
    CREATE TABLE accounts (
        org_id text NOT NULL,
        account_id bigint NOT NULL,
        name text NOT NULL,
        provider smallint NOT NULL,
        PRIMARY KEY (org_id, account_id)
    )
    """,
    """
    CREATE TABLE daily_costs (
        org_id text NOT NULL,
        account_id bigint NOT NULL,
        day date NOT NULL,
        service text NOT NULL,
        region text NOT NULL,
        currency char(3) NOT NULL,
        amount numeric NOT NULL,
        PRIMARY KEY (org_id, account_id, day, service, region, currency)
    )
    """,
    "CREATE INDEX daily_costs_org_day ON daily_costs (org_id, day)",
    """
    CREATE TABLE budgets (
        id bigserial PRIMARY KEY,
        org_id text NOT NULL,
        name text NOT NULL,
        amount numeric NOT NULL CHECK (amount > 0),
        currency char(3) NOT NULL,
        period smallint NOT NULL,
        threshold_percent numeric NOT NULL,
        account_ids bigint[] NOT NULL DEFAULT '{}',
        provider smallint NOT NULL DEFAULT 0,
        services text[] NOT NULL DEFAULT '{}',
        alert_on_forecast boolean NOT NULL DEFAULT false,
        request_id text,
        create_time timestamptz NOT NULL DEFAULT now(),
        update_time timestamptz NOT NULL DEFAULT now(),
        UNIQUE (org_id, request_id)
    )
    """,
    "CREATE INDEX budgets_org ON budgets (org_id, id)",
    # History outlives its budget, so no foreign key; the unique key is the once-per-period guard.
    """
    CREATE TABLE budget_alerts (
        id bigserial PRIMARY KEY,
        org_id text NOT NULL,
        budget_id bigint NOT NULL,
        budget_name text NOT NULL,
        level smallint NOT NULL,
        basis smallint NOT NULL,
        spent numeric NOT NULL,
        amount numeric NOT NULL,
        currency char(3) NOT NULL,
        percent numeric NOT NULL,
        period_start date NOT NULL,
        period_end date NOT NULL,
        create_time timestamptz NOT NULL DEFAULT now(),
        UNIQUE (budget_id, period_start, period_end, level)
    )
    """,
    "CREATE INDEX budget_alerts_org ON budget_alerts (org_id, id DESC)",
    """
    CREATE TABLE anomalies (
        id bigserial PRIMARY KEY,
        org_id text NOT NULL,
        day date NOT NULL,
        scope smallint NOT NULL,
        account_id bigint NOT NULL,
        service text NOT NULL DEFAULT '',
        currency char(3) NOT NULL,
        expected_low numeric NOT NULL,
        expected_high numeric NOT NULL,
        actual numeric NOT NULL,
        impact numeric NOT NULL,
        impact_percent numeric NOT NULL,
        severity smallint NOT NULL,
        root_causes jsonb NOT NULL DEFAULT '[]'::jsonb,
        status smallint NOT NULL DEFAULT 1,
        detect_time timestamptz NOT NULL DEFAULT now(),
        update_time timestamptz NOT NULL DEFAULT now(),
        dismiss_reason text NOT NULL DEFAULT '',
        dismissed_by text NOT NULL DEFAULT '',
        dismiss_time timestamptz,
        UNIQUE (org_id, account_id, scope, service, currency, day)
    )
    """,
    "CREATE INDEX anomalies_org_day ON anomalies (org_id, day DESC, id DESC)",
    """
    CREATE TABLE anomaly_settings (
        org_id text PRIMARY KEY,
        min_impact_amount numeric NOT NULL,
        min_impact_percent numeric NOT NULL
    )
    """,
)


def upgrade() -> None:
    for statement in _DDL:
        op.execute(statement)


def downgrade() -> None:
    for table in ("anomaly_settings", "anomalies", "budget_alerts", "budgets"):
        op.execute(f"DROP TABLE {table}")
    op.execute("DROP TABLE daily_costs")
    op.execute("DROP TABLE accounts")
