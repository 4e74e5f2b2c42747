"""Channels (secrets sealed), rules, alerts, deliveries with their attempts, and cooldowns.

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
    CREATE TABLE channels (
        id bigserial PRIMARY KEY,
        org_id text NOT NULL,
        name text NOT NULL,
        type text NOT NULL,
        config jsonb NOT NULL,
        secrets_sealed text NOT NULL,
        request_id text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz
    )
    """,
    "CREATE UNIQUE INDEX channels_request ON channels (org_id, request_id) WHERE request_id IS NOT NULL",
    "CREATE INDEX channels_org ON channels (org_id, id) WHERE deleted_at IS NULL",
    """
    CREATE TABLE rules (
        id bigserial PRIMARY KEY,
        org_id text NOT NULL,
        name text NOT NULL,
        trigger_type text NOT NULL,
        filter jsonb NOT NULL,
        channel_ids bigint[] NOT NULL,
        enabled boolean NOT NULL,
        cooldown_seconds int NOT NULL DEFAULT 0,
        request_id text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz
    )
    """,
    "CREATE UNIQUE INDEX rules_request ON rules (org_id, request_id) WHERE request_id IS NOT NULL",
    "CREATE INDEX rules_org ON rules (org_id, id) WHERE deleted_at IS NULL",
    "CREATE INDEX rules_match ON rules (org_id, trigger_type) WHERE enabled AND deleted_at IS NULL",
    # One row per event that matched at least one rule: what every delivery renders.
    """
    CREATE TABLE alerts (
        event_id text PRIMARY KEY,
        org_id text NOT NULL,
        trigger_type text NOT NULL,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
    )
    """,
    # Each (event, channel) once: the unique key is what makes a redelivered event a no-op.
    """
    CREATE TABLE deliveries (
        id bigserial PRIMARY KEY,
        org_id text NOT NULL,
        event_id text NOT NULL REFERENCES alerts (event_id),
        channel_id bigint NOT NULL REFERENCES channels (id),
        rule_id bigint NOT NULL REFERENCES rules (id),
        channel_type text NOT NULL,
        trigger_type text NOT NULL,
        idempotency_key text NOT NULL,
        status text NOT NULL,
        attempts int NOT NULL DEFAULT 0,
        last_error text NOT NULL DEFAULT '',
        last_response_code int NOT NULL DEFAULT 0,
        reached text[] NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        last_attempt_at timestamptz,
        next_attempt_at timestamptz,
        delivered_at timestamptz,
        UNIQUE (event_id, channel_id)
    )
    """,
    # PENDING rows are due at next_attempt_at; IN_FLIGHT rows there when their lease runs out.
    "CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status IN ('PENDING', 'IN_FLIGHT')",
    "CREATE INDEX deliveries_org ON deliveries (org_id, id DESC)",
    """
    CREATE TABLE delivery_attempts (
        delivery_id bigint NOT NULL REFERENCES deliveries (id),
        attempt int NOT NULL,
        outcome text NOT NULL,
        response_code int NOT NULL DEFAULT 0,
        error text NOT NULL DEFAULT '',
        finished_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (delivery_id, attempt)
    )
    """,
    """
    CREATE TABLE cooldowns (
        rule_id bigint NOT NULL,
        channel_id bigint NOT NULL,
        subject_key text NOT NULL,
        until timestamptz NOT NULL,
        PRIMARY KEY (rule_id, channel_id, subject_key)
    )
    """,
)


def upgrade() -> None:
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    for table in ("cooldowns", "delivery_attempts", "deliveries", "alerts", "rules", "channels"):
        op.execute(f"DROP TABLE {table}")
