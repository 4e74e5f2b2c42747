"""SQL reads behind estimates and the usage view: aggregates only, never raw events."""

from __future__ import annotations

from decimal import Decimal

import asyncpg


async def segments(
    conn: asyncpg.Connection, org: str, tenant_id: str, start: int, end: int
) -> dict[tuple[str, int], Decimal]:
    """(meter, segment start) -> quantity-seconds, summed over clusters."""
    rows = await conn.fetch(
        "SELECT meter, seg_start, sum(quantity_seconds) FROM allocation_segments "
        "WHERE org_id = $1 AND tenant_id = $2 AND seg_start >= $3 AND seg_start < $4 "
        "GROUP BY meter, seg_start",
        org,
        tenant_id,
        start,
        end,
    )
    return {(r[0], r[1]): r[2] for r in rows}


async def tails(
    conn: asyncpg.Connection, org: str, tenant_id: str
) -> list[tuple[str, int, Decimal]]:
    rows = await conn.fetch(
        "SELECT meter, last_at, last_quantity FROM allocation_state "
        "WHERE org_id = $1 AND tenant_id = $2",
        org,
        tenant_id,
    )
    return [(r[0], r[1], r[2]) for r in rows]


async def log_days(
    conn: asyncpg.Connection, org: str, tenant_id: str, start: int, end: int
) -> dict[int, Decimal]:
    rows = await conn.fetch(
        "SELECT day, sum(bytes) FROM log_days WHERE org_id = $1 AND tenant_id = $2 "
        "AND day >= $3 AND day < $4 GROUP BY day",
        org,
        tenant_id,
        start,
        end,
    )
    return {r[0]: r[1] for r in rows}


async def histogram(
    conn: asyncpg.Connection, org: str, tenant_id: str, period: str
) -> dict[str, list[tuple[Decimal, int]]]:
    rows = await conn.fetch(
        "SELECT cluster_id, value, samples FROM series_histogram "
        "WHERE org_id = $1 AND tenant_id = $2 AND period = $3",
        org,
        tenant_id,
        period,
    )
    per_cluster: dict[str, list[tuple[Decimal, int]]] = {}
    for cluster, value, samples in rows:
        per_cluster.setdefault(cluster, []).append((value, samples))
    return per_cluster


async def peak_days(
    conn: asyncpg.Connection, org: str, tenant_id: str, start: int, end: int
) -> dict[int, Decimal]:
    """Per day, the sum over clusters of each cluster's peak active series."""
    rows = await conn.fetch(
        "SELECT day, sum(peak) FROM series_peaks WHERE org_id = $1 AND tenant_id = $2 "
        "AND day >= $3 AND day < $4 GROUP BY day",
        org,
        tenant_id,
        start,
        end,
    )
    return {r[0]: r[1] for r in rows}


async def daily_segments(
    conn: asyncpg.Connection, org: str, tenant_id: str, start: int, end: int
) -> list[tuple[str, int, Decimal]]:
    rows = await conn.fetch(
        "SELECT meter, seg_start - seg_start % 86400, sum(quantity_seconds) "
        "FROM allocation_segments WHERE org_id = $1 AND tenant_id = $2 AND seg_start >= $3 "
        "AND seg_start < $4 GROUP BY 1, 2",
        org,
        tenant_id,
        start,
        end,
    )
    return [(r[0], r[1], r[2]) for r in rows]
