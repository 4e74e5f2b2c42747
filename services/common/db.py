"""PostgreSQL through SQLAlchemy 2 (async, asyncpg): each service as its own role and schema."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
from sqlalchemy import URL, make_url, text
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from services.common.settings import Settings


def asyncpg_url(url: str | URL) -> URL:
    return make_url(url).set(drivername="postgresql+asyncpg")


def service_url(settings: Settings, service: str) -> URL:
    """The service's own login: same server and database, its role instead of the admin's."""
    return asyncpg_url(settings.database_url).set(
        username=settings.db_role(service), password=settings.db_role_password.get_secret_value()
    )


def create_engine(url: URL, schema: str | None, pool_size: int = 10) -> AsyncEngine:
    server_settings = {"search_path": schema, "timezone": "UTC"} if schema else {"timezone": "UTC"}
    return create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        connect_args={"server_settings": server_settings},
    )


class Database:
    """A unit of work per call: `async with db.transaction() as session:` commits or rolls back."""

    def __init__(self, engine: AsyncEngine, schema: str) -> None:
        self.engine = engine
        self.schema = schema
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def for_service(cls, settings: Settings, service: str) -> Database:
        engine = create_engine(service_url(settings, service), service, settings.db_pool_size)
        return cls(engine, service)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        async with self._sessions() as session, session.begin():
            yield session

    async def dedicated_connection(self, application_name: str) -> asyncpg.Connection:
        """A connection of the service's role outside the pool, for the caller alone (LISTEN
        holds its connection for as long as it listens, which a pooled one must not)."""
        url = self.engine.url.set(drivername="postgresql")
        return await asyncpg.connect(
            url.render_as_string(hide_password=False),
            server_settings={"search_path": self.schema, "application_name": application_name},
        )

    async def dispose(self) -> None:
        await self.engine.dispose()


async def raw_connection(session: AsyncSession) -> asyncpg.Connection:
    """The asyncpg connection under a session, inside the session's transaction (for COPY,
    native arrays and bulk writes).

    SQLAlchemy's asyncpg adapter sends BEGIN lazily, at its own first statement; until then,
    statements on the raw connection would each commit on their own, outside the unit of work.
    """
    await session.execute(text("SELECT 1"))
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    return raw.driver_connection
