"""FOCUS files uploaded through the API, each waiting for the sync job started with it.

`file_name` is relative to COSTGRID_INGEST_UPLOAD_DIR (`<org_id>/<uuid>.<ext>`); the file is
removed once its import commits.

Accounts created before paths were confined to COSTGRID_INGEST_FOCUS_ROOT keep their absolute
`path`; their syncs fail with ACCOUNT_MISCONFIGURED / FOCUS_PATH_REFUSED saying that the path
must be relative to the organization's FOCUS folder, until an admin moves the files there and
updates the path (nothing is rewritten here: which folder a host path belongs in is the
operator's call).

Revision ID: 0007
Revises: 0006
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

STATEMENTS = (
    """
    CREATE TABLE focus_uploads (
        id bigserial PRIMARY KEY,
        org_id text NOT NULL,
        account_id bigint NOT NULL REFERENCES cloud_accounts (id),
        job_id bigint NOT NULL REFERENCES sync_jobs (id) ON DELETE CASCADE,
        file_name text NOT NULL,
        sha256 text NOT NULL,
        size_bytes bigint NOT NULL,
        format text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        imported_at timestamptz
    )
    """,
    "CREATE INDEX focus_uploads_job ON focus_uploads (job_id, account_id)",
)


def upgrade() -> None:
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    op.execute("DROP TABLE focus_uploads")
