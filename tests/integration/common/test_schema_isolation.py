import asyncpg
import pytest
from sqlalchemy import text

from services.common.db import service_url
from services.common.server import prepare_database


def _dsn(settings, service):
    return service_url(settings, service).set(drivername="postgresql").render_as_string(False)


async def test_service_role_is_denied_another_services_schema(settings):
    for service in ("ingest", "budgets"):
        db = await prepare_database(settings, service)
        await db.dispose()
    conn = await asyncpg.connect(_dsn(settings, "budgets"))
    try:
        with pytest.raises(asyncpg.InsufficientPrivilegeError, match="permission denied"):
            await conn.fetch("SELECT * FROM ingest.outbox")
    finally:
        await conn.close()


async def test_service_role_cannot_create_tables_outside_its_schema(settings):
    db = await prepare_database(settings, "budgets")
    await db.dispose()
    conn = await asyncpg.connect(_dsn(settings, "budgets"))
    try:
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.execute("CREATE TABLE public.sneaky (id int)")
    finally:
        await conn.close()


async def test_migrations_keep_their_version_table_in_the_services_schema(settings):
    db = await prepare_database(settings, "invoicing")
    try:
        async with db.transaction() as session:
            version = (
                await session.execute(text("SELECT version_num FROM invoicing.alembic_version"))
            ).scalar_one()
            tables = set(
                (
                    await session.execute(
                        text(
                            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'invoicing'"
                        )
                    )
                ).scalars()
            )
        assert version >= "0001"
        assert {"outbox", "inbox", "alembic_version"} <= tables
    finally:
        await db.dispose()


async def test_migrating_twice_changes_nothing(settings):
    from services.common import migrations

    db = await prepare_database(settings, "notifier")
    try:
        await migrations.upgrade(db, "notifier")
        async with db.transaction() as session:
            rows = (
                await session.execute(text("SELECT count(*) FROM alembic_version"))
            ).scalar_one()
        assert rows == 1
    finally:
        await db.dispose()
