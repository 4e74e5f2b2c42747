"""Idempotent sync triggers, task leases, demo accounts and per-org sync schedules.

- sync_jobs.request_id: a retried TriggerSync returns the job first started.
- sync_tasks.claimed_by / heartbeat_at: the lease of the worker running a task, so a task
  redelivered after a worker died is taken over, and one still being run is left alone.
- cloud_accounts.demo: generated demo accounts are never synced against a provider.
- sync_schedules: when each org's next scheduled sync is due; replicas race for it with a
  conditional UPDATE, so exactly one triggers it.

Revision ID: 0004
Revises: 0003
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

STATEMENTS = (
    "ALTER TABLE sync_jobs ADD COLUMN request_id text",
    "CREATE UNIQUE INDEX sync_jobs_request ON sync_jobs (org_id, request_id) "
    "WHERE request_id IS NOT NULL",
    "CREATE INDEX sync_jobs_org_status ON sync_jobs (org_id, status, id DESC)",
    "ALTER TABLE sync_tasks ADD COLUMN claimed_by uuid",
    "ALTER TABLE sync_tasks ADD COLUMN heartbeat_at timestamptz",
    "CREATE INDEX sync_tasks_account ON sync_tasks (org_id, account_id, job_id)",
    "ALTER TABLE cloud_accounts ADD COLUMN demo boolean NOT NULL DEFAULT false",
    """
    CREATE TABLE sync_schedules (
        org_id text PRIMARY KEY,
        next_run_at timestamptz NOT NULL,
        last_job_id bigint
    )
    """,
)


def upgrade() -> None:
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    op.execute("DROP TABLE sync_schedules")
    op.execute("ALTER TABLE cloud_accounts DROP COLUMN demo")
    op.execute("DROP INDEX sync_tasks_account")
    op.execute("ALTER TABLE sync_tasks DROP COLUMN heartbeat_at")
    op.execute("ALTER TABLE sync_tasks DROP COLUMN claimed_by")
    op.execute("DROP INDEX sync_jobs_org_status")
    op.execute("DROP INDEX sync_jobs_request")
    op.execute("ALTER TABLE sync_jobs DROP COLUMN request_id")
