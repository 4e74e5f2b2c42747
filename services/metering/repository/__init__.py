"""Every SQL statement of the metering service, on the transaction's asyncpg connection.

Handlers open the unit of work (`Database.transaction()`); these functions run on its raw
asyncpg connection for native arrays and bulk `unnest` writes on the ingest path.
"""

from __future__ import annotations

import json
from typing import Any

import asyncpg
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.db import raw_connection
from services.common.locks import lock_key, xact_lock


async def pg(session: AsyncSession) -> asyncpg.Connection:
    return await raw_connection(session)


def _tenant_keys(org_id: str, tenant_ids: list[str]) -> list[int]:
    return sorted({lock_key("metering", org_id, t) for t in tenant_ids})


async def lock_tenants(conn: asyncpg.Connection, org_id: str, tenant_ids: list[str]) -> None:
    """Serializes usage, plan changes and closing per tenant; sorted keys cannot deadlock."""
    await xact_lock(conn, _tenant_keys(org_id, tenant_ids))


async def lock_usage(conn: asyncpg.Connection, org_id: str, tenant_ids: list[str]) -> None:
    """The organization's usage lock (ledger writes), then its tenants' as in lock_tenants.

    Plan changes and closing take one tenant's lock only, so this order cannot deadlock.
    """
    await xact_lock(conn, [lock_key("metering-usage", org_id), *_tenant_keys(org_id, tenant_ids)])


def from_json(value: Any) -> Any:
    """jsonb columns: the engine's codec already decodes them; a bare connection gives text."""
    return json.loads(value) if isinstance(value, str) else value
