"""Every SQL statement of the metering service, on the transaction's asyncpg connection.

Handlers open the unit of work (`Database.transaction()`); these functions run on its raw
asyncpg connection for native arrays and bulk `unnest` writes on the ingest path.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import asyncpg
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.db import raw_connection


async def pg(session: AsyncSession) -> asyncpg.Connection:
    return await raw_connection(session)


def lock_key(org_id: str, tenant_id: str) -> int:
    digest = hashlib.blake2b(f"metering:{org_id}/{tenant_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


async def lock_tenants(conn: asyncpg.Connection, org_id: str, tenant_ids: list[str]) -> None:
    """Serializes usage, plan changes and closing per tenant; sorted keys cannot deadlock."""
    keys = sorted({lock_key(org_id, t) for t in tenant_ids})
    if keys:
        await conn.execute(
            "SELECT pg_advisory_xact_lock(k) FROM unnest($1::bigint[]) AS k ORDER BY k", keys
        )


def usage_lock_key(org_id: str) -> int:
    digest = hashlib.blake2b(f"metering-usage:{org_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


async def lock_usage(conn: asyncpg.Connection, org_id: str, tenant_ids: list[str]) -> None:
    """The organization's usage lock (ledger writes), then its tenants' as in lock_tenants.

    Plan changes and closing take one tenant's lock only, so this order cannot deadlock.
    """
    keys = [usage_lock_key(org_id), *sorted({lock_key(org_id, t) for t in tenant_ids})]
    await conn.execute(
        "SELECT pg_advisory_xact_lock(k) FROM unnest($1::bigint[]) WITH ORDINALITY AS t(k, n) "
        "ORDER BY n",
        keys,
    )


def from_json(value: Any) -> Any:
    """jsonb columns: the engine's codec already decodes them; a bare connection gives text."""
    return json.loads(value) if isinstance(value, str) else value
