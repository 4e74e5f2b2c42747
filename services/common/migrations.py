"""Alembic per service: scripts in services/<name>/migrations, version table in its schema."""

from __future__ import annotations

from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import Connection

from services.common.db import Database
from services.common.locks import lock_key, xact_lock

_SERVICES_DIR = Path(__file__).resolve().parent.parent


def alembic_config(service: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(_SERVICES_DIR / service / "migrations"))
    config.attributes["schema"] = service
    return config


async def upgrade(db: Database, service: str, revision: str = "head") -> None:
    config = alembic_config(service)
    async with db.engine.begin() as conn:
        # Two replicas starting together must not both migrate.
        await xact_lock(conn, [lock_key("migrate", service)])
        await conn.run_sync(_run, config, revision)


def _run(connection: Connection, config: Config, revision: str) -> None:
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


def run_env() -> None:
    """The body of every service's migrations/env.py."""
    config = context.config
    schema = config.attributes["schema"]
    context.configure(
        connection=config.attributes["connection"],
        version_table_schema=schema,
        transaction_per_migration=False,
    )
    with context.begin_transaction():
        context.run_migrations()


OUTBOX_INBOX_DDL = (
    """
    CREATE TABLE outbox (
        seq bigserial PRIMARY KEY,
        id uuid NOT NULL UNIQUE,
        subject text NOT NULL,
        payload bytea NOT NULL,
        headers jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz
    )
    """,
    "CREATE INDEX outbox_unpublished ON outbox (seq) WHERE published_at IS NULL",
    """
    CREATE TABLE inbox (
        consumer text NOT NULL,
        event_id text NOT NULL,
        handled_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, event_id)
    )
    """,
)


def create_outbox_and_inbox(execute) -> None:  # type: ignore[no-untyped-def]
    """Called from each service's first migration with `op.execute`."""
    for statement in OUTBOX_INBOX_DDL:
        execute(statement)
