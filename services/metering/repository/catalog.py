"""SQL for price books, plans, tenants, plan windows and credits."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeAlias

import asyncpg

from services.common.locks import lock_key, xact_lock

Row: TypeAlias = asyncpg.Record
BUILT_IN = ""


async def price_book_by_request(conn: asyncpg.Connection, org: str, request_id: str) -> Row | None:
    return await conn.fetchrow(
        "SELECT * FROM price_books WHERE org_id = $1 AND request_id = $2", org, request_id
    )


async def insert_price_book(
    conn: asyncpg.Connection,
    org: str,
    name: str,
    effective_from: date,
    currency: str,
    rates: list[dict[str, str]],
    request_id: str,
) -> Row | None:
    """Numbers the version after every earlier one of the name (built-in ones included).
    None: a concurrent create with the same request_id committed first."""
    await xact_lock(conn, [lock_key("metering-book", org, name)])
    return await conn.fetchrow(
        "INSERT INTO price_books (org_id, name, version, effective_from, currency, rates, request_id) "
        "SELECT $1, $2, coalesce(max(version), 0) + 1, $3, $4, $5::jsonb, $6 FROM price_books "
        "WHERE org_id IN ($1, '') AND name = $2 "
        "ON CONFLICT (org_id, request_id) WHERE request_id <> '' DO NOTHING RETURNING *",
        org,
        name,
        effective_from,
        currency,
        json.dumps(rates),
        request_id,
    )


async def book_versions(conn: asyncpg.Connection, org: str, names: list[str]) -> list[Row]:
    rows: list[Row] = await conn.fetch(
        "SELECT * FROM price_books WHERE org_id IN ($1, '') AND name = ANY($2::text[]) "
        "ORDER BY name, effective_from, version",
        org,
        names,
    )
    return rows


async def list_price_books(
    conn: asyncpg.Connection, org: str, name: str, after: tuple[str, int] | None, limit: int
) -> list[Row]:
    after_name, after_version = after or ("", 0)
    rows: list[Row] = await conn.fetch(
        "SELECT * FROM price_books WHERE org_id IN ($1, '') AND ($2 = '' OR name = $2) "
        "AND (name, version) > ($3, $4) ORDER BY name, version LIMIT $5",
        org,
        name,
        after_name,
        after_version,
        limit,
    )
    return rows


async def plan_by_request(conn: asyncpg.Connection, org: str, request_id: str) -> Row | None:
    return await conn.fetchrow(
        "SELECT * FROM plans WHERE org_id = $1 AND request_id = $2", org, request_id
    )


async def insert_plan(conn: asyncpg.Connection, org: str, values: dict[str, Any]) -> Row | None:
    return await conn.fetchrow(
        "INSERT INTO plans (org_id, name, price_book_name, metrics_series_allowance, "
        "logs_bytes_allowance, base_fee, currency, request_id) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
        "ON CONFLICT (org_id, request_id) WHERE request_id <> '' DO NOTHING RETURNING *",
        org,
        values["name"],
        values["price_book_name"],
        values["metrics_series_allowance"],
        values["logs_bytes_allowance"],
        values["base_fee"],
        values["currency"],
        values["request_id"],
    )


async def plans_by_id(conn: asyncpg.Connection, org: str, ids: list[int]) -> dict[int, Row]:
    rows = await conn.fetch(
        "SELECT * FROM plans WHERE org_id = $1 AND id = ANY($2::bigint[])", org, ids
    )
    return {row["id"]: row for row in rows}


async def list_plans(conn: asyncpg.Connection, org: str, after: int, limit: int) -> list[Row]:
    rows: list[Row] = await conn.fetch(
        "SELECT * FROM plans WHERE org_id = $1 AND id > $2 ORDER BY id LIMIT $3", org, after, limit
    )
    return rows


async def tenant(conn: asyncpg.Connection, org: str, tenant_id: str) -> Row | None:
    return await conn.fetchrow(
        "SELECT * FROM tenants WHERE org_id = $1 AND tenant_id = $2", org, tenant_id
    )


async def tenant_by_request(conn: asyncpg.Connection, org: str, request_id: str) -> Row | None:
    return await conn.fetchrow(
        "SELECT * FROM tenants WHERE org_id = $1 AND request_id = $2 AND request_id <> ''",
        org,
        request_id,
    )


async def insert_tenant(
    conn: asyncpg.Connection, org: str, values: dict[str, Any], start: int, plan_id: int
) -> bool:
    """False when the id is taken."""
    inserted = await conn.fetchval(
        "INSERT INTO tenants (org_id, tenant_id, name, overage_policy, currency, request_id) "
        "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING 1",
        org,
        values["tenant_id"],
        values["name"],
        values["overage_policy"],
        values["currency"],
        values["request_id"],
    )
    if inserted:
        await insert_window(conn, org, values["tenant_id"], start, plan_id)
    return bool(inserted)


async def list_tenants(conn: asyncpg.Connection, org: str, after: str, limit: int) -> list[Row]:
    rows: list[Row] = await conn.fetch(
        "SELECT * FROM tenants WHERE org_id = $1 AND tenant_id > $2 ORDER BY tenant_id LIMIT $3",
        org,
        after,
        limit,
    )
    return rows


async def tenant_with_plans(conn: asyncpg.Connection, org: str, tenant_id: str) -> list[Row]:
    """The tenant's row once per plan window (oldest first), with the window's plan."""
    rows: list[Row] = await conn.fetch(
        "SELECT t.tenant_id, t.name, t.overage_policy, t.currency, t.create_time, w.start_at, "
        "p.id AS plan_id, p.name AS plan_name, p.price_book_name, p.metrics_series_allowance, "
        "p.logs_bytes_allowance, p.base_fee FROM tenants t JOIN plan_windows w "
        "ON w.org_id = t.org_id AND w.tenant_id = t.tenant_id JOIN plans p ON p.id = w.plan_id "
        "WHERE t.org_id = $1 AND t.tenant_id = $2 ORDER BY w.start_at",
        org,
        tenant_id,
    )
    return rows


async def windows(conn: asyncpg.Connection, org: str, tenant_ids: list[str]) -> list[Row]:
    """Plan windows with their plans' names, oldest first per tenant."""
    rows: list[Row] = await conn.fetch(
        "SELECT w.tenant_id, w.start_at, w.plan_id, p.name AS plan_name FROM plan_windows w "
        "JOIN plans p ON p.id = w.plan_id WHERE w.org_id = $1 AND w.tenant_id = ANY($2::text[]) "
        "ORDER BY w.tenant_id, w.start_at",
        org,
        tenant_ids,
    )
    return rows


async def insert_window(
    conn: asyncpg.Connection, org: str, tenant_id: str, start: int, plan_id: int
) -> None:
    await conn.execute(
        "INSERT INTO plan_windows (org_id, tenant_id, start_at, plan_id) VALUES ($1, $2, $3, $4)",
        org,
        tenant_id,
        start,
        plan_id,
    )


async def credit_by_request(conn: asyncpg.Connection, org: str, request_id: str) -> Row | None:
    return await conn.fetchrow(
        "SELECT * FROM credits WHERE org_id = $1 AND request_id = $2", org, request_id
    )


async def insert_credit(
    conn: asyncpg.Connection,
    org: str,
    tenant_id: str,
    amount: Decimal,
    currency: str,
    expire_time: datetime | None,
    reason: str,
    request_id: str,
) -> Row | None:
    return await conn.fetchrow(
        "INSERT INTO credits (org_id, tenant_id, amount, remaining, currency, expire_time, "
        "reason, request_id) VALUES ($1, $2, $3, $3, $4, $5, $6, $7) "
        "ON CONFLICT (org_id, request_id) WHERE request_id <> '' DO NOTHING RETURNING *",
        org,
        tenant_id,
        amount,
        currency,
        expire_time,
        reason,
        request_id,
    )


async def list_credits(
    conn: asyncpg.Connection, org: str, tenant_id: str, after: int, limit: int
) -> list[Row]:
    rows: list[Row] = await conn.fetch(
        "SELECT * FROM credits WHERE org_id = $1 AND ($2 = '' OR tenant_id = $2) AND id > $3 "
        "ORDER BY id LIMIT $4",
        org,
        tenant_id,
        after,
        limit,
    )
    return rows


async def usable_credits(
    conn: asyncpg.Connection, org: str, tenant_id: str, period_start: datetime
) -> list[Row]:
    """Credits with something left that had not expired when the period began; soonest first."""
    rows: list[Row] = await conn.fetch(
        "SELECT * FROM credits WHERE org_id = $1 AND tenant_id = $2 AND remaining > 0 "
        "AND (expire_time IS NULL OR expire_time > $3) ORDER BY expire_time NULLS LAST, id",
        org,
        tenant_id,
        period_start,
    )
    return rows


async def spend_credits(
    conn: asyncpg.Connection, org: str, spent: list[tuple[int, Decimal]]
) -> None:
    await conn.execute(
        "UPDATE credits c SET remaining = c.remaining - s.amount "
        "FROM unnest($2::bigint[], $3::numeric[]) AS s(id, amount) "
        "WHERE c.org_id = $1 AND c.id = s.id",
        org,
        [i for i, _ in spent],
        [a for _, a in spent],
    )
