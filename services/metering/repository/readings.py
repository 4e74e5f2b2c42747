"""SQL reads behind estimates and the usage view: aggregates only, never raw events."""

from __future__ import annotations

from decimal import Decimal

import asyncpg

from services.metering.domain.percentile import PERCENTILE
from services.metering.domain.rating import Usage

_P95_OF_CLUSTERS = (
    # Nearest rank per cluster: the smallest value whose running count reaches 95% of the
    # samples, running >= ceil(0.95 N), i.e. running * 100 >= 95 * N for whole counts.
    "SELECT tenant_id, cluster_id, min(value) AS p95 FROM "
    " (SELECT tenant_id, cluster_id, value, sum(samples) OVER (PARTITION BY tenant_id, "
    "  cluster_id ORDER BY value) AS running, sum(samples) OVER (PARTITION BY tenant_id, "
    "  cluster_id) AS total FROM series_histogram WHERE org_id = $1 "
    "  AND {tenants} AND period = $3) AS h "
    " WHERE running * 100 >= total * {percentile} GROUP BY tenant_id, cluster_id"
)


def _p95(tenants: str) -> str:
    return _P95_OF_CLUSTERS.format(tenants=tenants, percentile=PERCENTILE)


async def snapshot(
    conn: asyncpg.Connection, org: str, tenant_id: str, period: str, start: int, end: int
) -> Usage:
    """Everything rating reads, in one round trip: segments, tails, log bytes and P95."""
    rows = await conn.fetch(
        "SELECT 1, meter, seg_start, sum(quantity_seconds) FROM allocation_segments "
        " WHERE org_id = $1 AND tenant_id = $2 AND seg_start >= $4 AND seg_start < $5 "
        " GROUP BY meter, seg_start "
        "UNION ALL SELECT 2, meter, last_at, last_quantity FROM allocation_state "
        " WHERE org_id = $1 AND tenant_id = $2 "
        "UNION ALL SELECT 3, NULL, NULL, sum(bytes) FROM log_days "
        " WHERE org_id = $1 AND tenant_id = $2 AND day >= $4 AND day < $5 "
        f"UNION ALL SELECT 4, NULL, NULL, sum(p95) FROM ({_p95('tenant_id = $2')}) AS c",
        org,
        tenant_id,
        period,
        start,
        end,
    )
    segments, tails, totals = {}, [], {3: Decimal(0), 4: Decimal(0)}
    for kind, meter, moment, value in rows:
        if kind == 1:
            segments[meter, moment] = value
        elif kind == 2:
            tails.append((meter, moment, value))
        elif value is not None:
            totals[kind] = value
    return Usage(segments, tails, metrics_p95=totals[4], logs_bytes=totals[3])


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


async def p95(
    conn: asyncpg.Connection, org: str, tenant_ids: list[str], period: str
) -> dict[str, Decimal]:
    """Per tenant, the sum of its clusters' P95 active series (nearest rank, as in percentile.py)."""
    rows = await conn.fetch(
        f"SELECT tenant_id, sum(p95) FROM ({_p95('tenant_id = ANY($2::text[])')}) AS c "
        "GROUP BY tenant_id",
        org,
        tenant_ids,
        period,
    )
    return {r[0]: r[1] for r in rows}


async def log_totals(
    conn: asyncpg.Connection, org: str, tenant_ids: list[str], start: int, end: int
) -> dict[str, Decimal]:
    rows = await conn.fetch(
        "SELECT tenant_id, sum(bytes) FROM log_days WHERE org_id = $1 "
        "AND tenant_id = ANY($2::text[]) AND day >= $3 AND day < $4 GROUP BY tenant_id",
        org,
        tenant_ids,
        start,
        end,
    )
    return {r[0]: r[1] for r in rows}


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
