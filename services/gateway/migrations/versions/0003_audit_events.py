"""The audit log: who did what to which organization, from where, and how it ended.

General on purpose (users, sign-ins and changes will be recorded here too); failed
authentications are its first writer, aggregated per client address per window.

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

STATEMENTS = (
    """
    CREATE TABLE audit_events (
        id bigserial PRIMARY KEY,
        occurred_at timestamptz NOT NULL DEFAULT now(),
        org_id text REFERENCES organizations (id),
        actor text,
        action text NOT NULL,
        outcome text NOT NULL,
        client_address text,
        detail jsonb NOT NULL DEFAULT '{}'::jsonb
    )
    """,
    "CREATE INDEX audit_events_org_time ON audit_events (org_id, occurred_at)",
    "CREATE INDEX audit_events_action_time ON audit_events (action, occurred_at)",
)


def upgrade() -> None:
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    op.execute("DROP TABLE audit_events")
