"""Organizations and their API tokens (only SHA-256 hashes of the secrets are stored).

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
    CREATE TABLE organizations (
        id text PRIMARY KEY,
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
    )
    """,
    """
    CREATE TABLE api_tokens (
        id bigserial PRIMARY KEY,
        org_id text NOT NULL REFERENCES organizations (id),
        name text NOT NULL,
        role text NOT NULL CHECK (role IN ('viewer', 'member', 'admin')),
        prefix text NOT NULL,
        token_hash bytea NOT NULL UNIQUE,
        request_id text,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz,
        revoked_at timestamptz,
        last_used_at timestamptz
    )
    """,
    "CREATE UNIQUE INDEX api_tokens_request ON api_tokens (org_id, request_id) "
    "WHERE request_id IS NOT NULL",
    "CREATE INDEX api_tokens_org ON api_tokens (org_id, id)",
)


def upgrade() -> None:
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    op.execute("DROP TABLE api_tokens")
    op.execute("DROP TABLE organizations")
