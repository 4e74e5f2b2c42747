"""Creates the database, and for each service its login role and a schema only it may use.

Runs with the admin URL (COSTGRID_DATABASE_URL); services themselves never connect as admin.
"""

from __future__ import annotations

import asyncpg
from sqlalchemy import make_url

from services.common.locks import held, lock_key
from services.common.settings import Settings


def _dsn(url: str, database: str | None = None) -> str:
    parsed = make_url(url).set(drivername="postgresql")
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


def _ident(name: str) -> str:
    if not name.replace("_", "").isalnum():
        raise ValueError(f"unsafe identifier {name!r}")
    return f'"{name}"'


async def ensure_database(settings: Settings) -> None:
    database = make_url(settings.database_url).database or "postgres"
    conn = await asyncpg.connect(_dsn(settings.database_url, "postgres"))
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", database)
        if not exists:
            try:
                await conn.execute(f"CREATE DATABASE {_ident(database)}")
            except (asyncpg.DuplicateDatabaseError, asyncpg.UniqueViolationError):
                pass  # several services starting together: one of them created it
    finally:
        await conn.close()


async def ensure_service_schema(settings: Settings, service: str) -> None:
    role, schema = settings.db_role(service), service
    password = settings.db_role_password.get_secret_value().replace("'", "''")
    database = make_url(settings.database_url).database or "postgres"
    conn = await asyncpg.connect(_dsn(settings.database_url))
    try:
        # One provisioner at a time: concurrent GRANTs on the same database row fail with
        # "tuple concurrently updated" (services starting together, replicas, test workers).
        async with held(conn, lock_key("costgrid-provisioning")):
            if not await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", role):
                await conn.execute(f"CREATE ROLE {_ident(role)} LOGIN PASSWORD '{password}'")
            await conn.execute(f"GRANT CONNECT ON DATABASE {_ident(database)} TO {_ident(role)}")
            await conn.execute(
                f"CREATE SCHEMA IF NOT EXISTS {_ident(schema)} AUTHORIZATION {_ident(role)}"
            )
            # Only the owner may use the schema: no other service role, not PUBLIC.
            await conn.execute(f"REVOKE ALL ON SCHEMA {_ident(schema)} FROM PUBLIC")
            await conn.execute(f"REVOKE CREATE ON SCHEMA public FROM {_ident(role)}")
    finally:
        await conn.close()


async def drop_roles(settings: Settings, services: tuple[str, ...]) -> None:
    """Test clean-up: roles are cluster-wide, so a run drops the ones it made."""
    conn = await asyncpg.connect(_dsn(settings.database_url, "postgres"))
    try:
        for service in services:
            await conn.execute(f"DROP ROLE IF EXISTS {_ident(settings.db_role(service))}")
    finally:
        await conn.close()
