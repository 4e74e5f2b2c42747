"""SQL for statements (closed periods) and allowance notices."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, TypeAlias

import asyncpg

Row: TypeAlias = asyncpg.Record


async def statement_for(
    conn: asyncpg.Connection, org: str, tenant_id: str, period: str
) -> Row | None:
    return await conn.fetchrow(
        "SELECT * FROM statements WHERE org_id = $1 AND tenant_id = $2 AND period = $3",
        org,
        tenant_id,
        period,
    )


async def statement(conn: asyncpg.Connection, org: str, statement_id: int) -> Row | None:
    return await conn.fetchrow(
        "SELECT * FROM statements WHERE org_id = $1 AND id = $2", org, statement_id
    )


async def insert_statement(
    conn: asyncpg.Connection,
    org: str,
    tenant: Row,
    period: str,
    lines: list[dict[str, Any]],
    total: Decimal,
) -> Row:
    return await conn.fetchrow(
        "INSERT INTO statements (org_id, tenant_id, tenant_name, period, currency, lines, total) "
        "VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7) RETURNING *",
        org,
        tenant["tenant_id"],
        tenant["name"],
        period,
        tenant["currency"],
        json.dumps(lines),
        total,
    )


async def list_statements(
    conn: asyncpg.Connection,
    org: str,
    tenant_id: str,
    after: tuple[str, str, int] | None,
    limit: int,
) -> list[Row]:
    """Newest period first, then tenant and id."""
    period, tenant, sid = after or ("9999-99", "", 0)
    rows: list[Row] = await conn.fetch(
        "SELECT * FROM statements WHERE org_id = $1 AND ($2 = '' OR tenant_id = $2) "
        "AND (period < $3 OR (period = $3 AND (tenant_id, id) > ($4, $5))) "
        "ORDER BY period DESC, tenant_id, id LIMIT $6",
        org,
        tenant_id,
        period,
        tenant,
        sid,
        limit,
    )
    return rows


async def claim_notice(
    conn: asyncpg.Connection, org: str, tenant_id: str, period: str, meter: str
) -> bool:
    """True the first time only: the notice for (tenant, period, meter) is sent once."""
    return bool(
        await conn.fetchval(
            "INSERT INTO allowance_notices (org_id, tenant_id, period, meter) VALUES "
            "($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING 1",
            org,
            tenant_id,
            period,
            meter,
        )
    )


async def notices(
    conn: asyncpg.Connection, org: str, tenant_ids: list[str], period: str
) -> set[tuple[str, str]]:
    rows = await conn.fetch(
        "SELECT tenant_id, meter FROM allowance_notices WHERE org_id = $1 "
        "AND tenant_id = ANY($2::text[]) AND period = $3",
        org,
        tenant_ids,
        period,
    )
    return {(r[0], r[1]) for r in rows}


async def closable(conn: asyncpg.Connection, before: int) -> list[Row]:
    """Tenants (any org) whose next unclosed period may have ended before `before`."""
    rows: list[Row] = await conn.fetch(
        "SELECT t.org_id, t.tenant_id, min(w.start_at) AS first_start, "
        "(SELECT max(period) FROM statements s WHERE s.org_id = t.org_id "
        " AND s.tenant_id = t.tenant_id) AS last_closed "
        "FROM tenants t JOIN plan_windows w ON w.org_id = t.org_id AND w.tenant_id = t.tenant_id "
        "GROUP BY t.org_id, t.tenant_id HAVING min(w.start_at) < $1 "
        "ORDER BY t.org_id, t.tenant_id",
        before,
    )
    return rows
