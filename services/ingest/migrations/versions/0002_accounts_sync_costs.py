"""Cloud accounts, sync jobs and tasks, cost line items (partitioned by month) and rollups.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

STATEMENTS = (
    """
    CREATE TABLE cloud_accounts (
        id bigserial PRIMARY KEY,
        org_id text NOT NULL,
        name text NOT NULL,
        provider text NOT NULL,
        settings jsonb NOT NULL DEFAULT '{}'::jsonb,
        credentials_sealed text,
        endpoint text,
        active boolean NOT NULL DEFAULT true,
        request_id text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        last_synced_at timestamptz,
        deleted_at timestamptz
    )
    """,
    "CREATE UNIQUE INDEX cloud_accounts_request ON cloud_accounts (org_id, request_id) WHERE request_id IS NOT NULL",
    "CREATE INDEX cloud_accounts_org ON cloud_accounts (org_id, id)",
    """
    CREATE TABLE sync_jobs (
        id bigserial PRIMARY KEY,
        org_id text NOT NULL,
        trigger text NOT NULL,
        days_back int NOT NULL,
        window_start date NOT NULL,
        window_end date NOT NULL,
        status text NOT NULL,
        requested_by text NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz
    )
    """,
    "CREATE INDEX sync_jobs_org ON sync_jobs (org_id, id DESC)",
    """
    CREATE TABLE sync_tasks (
        id bigserial PRIMARY KEY,
        job_id bigint NOT NULL REFERENCES sync_jobs (id) ON DELETE CASCADE,
        org_id text NOT NULL,
        account_id bigint NOT NULL REFERENCES cloud_accounts (id),
        status text NOT NULL,
        window_start date NOT NULL,
        window_end date NOT NULL,
        rows bigint NOT NULL DEFAULT 0,
        attempts int NOT NULL DEFAULT 0,
        error_reason text,
        error text,
        started_at timestamptz,
        finished_at timestamptz
    )
    """,
    "CREATE INDEX sync_tasks_job ON sync_tasks (job_id)",
    # The same account is never synced twice at once.
    "CREATE UNIQUE INDEX sync_tasks_one_running ON sync_tasks (account_id) WHERE status = 'RUNNING'",
    """
    CREATE TABLE cost_line_items (
        org_id text NOT NULL,
        account_id bigint NOT NULL,
        provider text NOT NULL,
        charge_day date NOT NULL,
        charge_period_start timestamptz NOT NULL,
        charge_period_end timestamptz NOT NULL,
        billed_cost numeric NOT NULL,
        effective_cost numeric NOT NULL,
        list_cost numeric,
        billing_currency text NOT NULL,
        service_name text NOT NULL,
        service_category text NOT NULL DEFAULT '',
        region_id text NOT NULL DEFAULT '',
        sub_account_id text NOT NULL DEFAULT '',
        sub_account_name text NOT NULL DEFAULT '',
        resource_id text NOT NULL DEFAULT '',
        charge_category text NOT NULL DEFAULT 'Usage',
        provider_name text NOT NULL DEFAULT '',
        tags jsonb,
        provisional boolean NOT NULL DEFAULT false
    ) PARTITION BY RANGE (charge_day)
    """,
    "CREATE INDEX cost_line_items_account_day ON cost_line_items (org_id, account_id, charge_day)",
    # All overview, trend and budget questions read these, never the line items.
    """
    CREATE TABLE daily_rollups (
        org_id text NOT NULL,
        account_id bigint NOT NULL,
        day date NOT NULL,
        provider text NOT NULL,
        service text NOT NULL,
        region text NOT NULL,
        currency text NOT NULL,
        amount numeric NOT NULL,
        provisional boolean NOT NULL DEFAULT false,
        PRIMARY KEY (org_id, account_id, day, provider, service, region, currency)
    )
    """,
    "CREATE INDEX daily_rollups_org_day ON daily_rollups (org_id, day)",
    """
    CREATE TABLE daily_tag_rollups (
        org_id text NOT NULL,
        account_id bigint NOT NULL,
        day date NOT NULL,
        tag_key text NOT NULL,
        tag_value text NOT NULL,
        currency text NOT NULL,
        amount numeric NOT NULL,
        PRIMARY KEY (org_id, account_id, day, tag_key, tag_value, currency)
    )
    """,
    "CREATE INDEX daily_tag_rollups_org_key_day ON daily_tag_rollups (org_id, tag_key, day)",
)


def upgrade() -> None:
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    for table in (
        "daily_tag_rollups",
        "daily_rollups",
        "cost_line_items",
        "sync_tasks",
        "sync_jobs",
        "cloud_accounts",
    ):
        op.execute(f"DROP TABLE {table}")
