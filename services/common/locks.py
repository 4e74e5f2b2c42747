"""PostgreSQL advisory locks: one key space for every service, keys named for what they guard.

Keys are 64-bit (blake2b of the name), not `hashtext`'s 32 bits, so locks on unrelated names
(an organization's tenants, a service's migrations) practically never share a key and wait on
each other for nothing. Advisory locks are per database; the name says what is locked.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

import asyncpg
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

# Each lock is taken in turn, in the order given: locks taken in one order everywhere cannot
# deadlock. (PostgreSQL evaluates the volatile lock calls after the ORDER BY.)
_IN_ORDER = (
    "SELECT pg_advisory_xact_lock(k) FROM unnest({keys}) WITH ORDINALITY AS t(k, n) ORDER BY n"
)


def lock_key(namespace: str, *parts: str) -> int:
    """The key of `namespace:part/part...` (e.g. `lock_key("metering", org_id, tenant_id)`)."""
    name = f"{namespace}:{'/'.join(parts)}" if parts else namespace
    digest = hashlib.blake2b(name.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


async def xact_lock(
    conn: asyncpg.Connection | AsyncConnection | AsyncSession, keys: Sequence[int]
) -> None:
    """Takes `keys` in order, each held until the transaction ends. The caller orders them
    (sorted, or a fixed order such as organization before tenant)."""
    if not keys:
        return
    if isinstance(conn, asyncpg.Connection):
        await conn.execute(_IN_ORDER.format(keys="$1::bigint[]"), list(keys))
    else:
        await conn.execute(text(_IN_ORDER.format(keys="CAST(:k AS bigint[])")), {"k": list(keys)})


@asynccontextmanager
async def held(conn: asyncpg.Connection, key: int) -> AsyncIterator[None]:
    """A session-level lock for work outside one transaction (provisioning runs DDL and
    GRANTs statement by statement); released on leaving, even on error."""
    await conn.execute("SELECT pg_advisory_lock($1)", key)
    try:
        yield
    finally:
        if not conn.is_closed():  # a closed connection released it already
            await conn.execute("SELECT pg_advisory_unlock($1)", key)
