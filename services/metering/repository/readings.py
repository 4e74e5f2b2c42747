"""SQL reads behind estimates and the usage view: aggregates only, never raw events."""

from __future__ import annotations

from decimal import Decimal

import asyncpg

from services.metering.domain.percentile import nearest_rank_from_top
from services.metering.domain.rating import Usage

TOP_ROWS = 256  # per cluster and read; a cluster needing more is read again, whole


async def p95(
    conn: asyncpg.Connection, org: str, tenant_ids: list[str], period: str
) -> dict[str, Decimal]:
    """Per tenant, the sum of its clusters' nearest-rank P95s, read from the histogram's top."""
    rows = await conn.fetch(
        "SELECT c.tenant_id, c.cluster_id, c.samples, t.value, t.samples FROM series_counts c "
        "CROSS JOIN LATERAL (SELECT value, samples FROM series_histogram h "
        " WHERE h.org_id = c.org_id AND h.tenant_id = c.tenant_id AND h.period = c.period "
        " AND h.cluster_id = c.cluster_id ORDER BY value DESC LIMIT $4) AS t "
        "WHERE c.org_id = $1 AND c.tenant_id = ANY($2::text[]) AND c.period = $3",
        org,
        tenant_ids,
        period,
        TOP_ROWS,
    )
    tops: dict[tuple[str, str], tuple[int, list[tuple[Decimal, int]]]] = {}
    for tenant, cluster, total, value, n in rows:
        tops.setdefault((tenant, cluster), (total, []))[1].append((value, n))
    result: dict[str, Decimal] = {}
    for (tenant, cluster), (total, top) in tops.items():
        value = nearest_rank_from_top(total, top)
        if value is None:
            value = await _cluster_p95(conn, org, tenant, period, cluster, total)
        result[tenant] = result.get(tenant, Decimal(0)) + value
    return result


async def _cluster_p95(
    conn: asyncpg.Connection, org: str, tenant: str, period: str, cluster: str, total: int
) -> Decimal:
    rows = await conn.fetch(
        "SELECT value, samples FROM series_histogram WHERE org_id = $1 AND tenant_id = $2 "
        "AND period = $3 AND cluster_id = $4 ORDER BY value DESC",
        org,
        tenant,
        period,
        cluster,
    )
    return nearest_rank_from_top(total, [(r[0], r[1]) for r in rows]) or Decimal(0)


async def snapshot(
    conn: asyncpg.Connection, org: str, tenant_id: str, period: str, start: int, end: int
) -> Usage:
    """Everything rating reads, in two round trips: segments, tails and log bytes; P95."""
    rows = await conn.fetch(
        "SELECT 1, meter, seg_start, sum(quantity_seconds) FROM allocation_segments "
        " WHERE org_id = $1 AND tenant_id = $2 AND seg_start >= $3 AND seg_start < $4 "
        " GROUP BY meter, seg_start "
        "UNION ALL SELECT 2, meter, last_at, last_quantity FROM allocation_state "
        " WHERE org_id = $1 AND tenant_id = $2 "
        "UNION ALL SELECT 3, NULL, NULL, sum(bytes) FROM log_days "
        " WHERE org_id = $1 AND tenant_id = $2 AND day >= $3 AND day < $4",
        org,
        tenant_id,
        start,
        end,
    )
    segments, tails, totals = {}, [], {3: Decimal(0)}
    for kind, meter, moment, value in rows:
        if kind == 1:
            segments[meter, moment] = value
        elif kind == 2:
            tails.append((meter, moment, value))
        elif value is not None:
            totals[kind] = value
    series = (await p95(conn, org, [tenant_id], period)).get(tenant_id, Decimal(0))
    return Usage(segments, tails, metrics_p95=series, logs_bytes=totals[3])


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
