"""Cost storage with REPLACE semantics: an account's window of days is swapped in one go.

Inside the caller's transaction: delete the account's line items and rollups in the window,
COPY the new line items in, recompute the window's rollups from them, and read back the new
daily totals for `costs.updated`. Re-running a window therefore never double counts, and a
row the provider stopped reporting disappears. Rollup `provider` is the account's provider
(AWS, GCP, AZURE, DIGITALOCEAN, FOCUS_FILE); `amount` is the sum of BilledCost.

Line items are partitioned by month; a month's partition is created the first time a row of
it arrives (`cost_line_items_2024_09`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import asyncpg

from services.ingest.domain.cost_items import DateWindow
from services.ingest.storage_chunks import COPY_COLUMNS, NOT_NULL_TEXT, Chunk, Owner

PARENT = "cost_line_items"


@dataclass(frozen=True)
class DailyTotal:
    day: date
    service: str
    region: str
    currency: str
    amount: Decimal


@dataclass
class StoreResult:
    rows: int = 0
    window: DateWindow | None = None  # the days replaced; None when nothing was or is stored
    daily: list[DailyTotal] = field(default_factory=list)


def partition_name(month: date) -> str:
    return f"{PARENT}_{month.year:04d}_{month.month:02d}"


async def ensure_partitions(conn: asyncpg.Connection, months: set[date] | frozenset[date]) -> None:
    """Creates missing monthly partitions. Creating one locks the parent table until commit,
    so callers that know their months do it in a short transaction of its own first."""
    for month in sorted(months):
        name = partition_name(month)
        if await conn.fetchval("SELECT to_regclass($1) IS NOT NULL", name):
            continue
        # Two replicas meeting a new month at once: the second waits, then finds it.
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext('ingest:partitions'))")
        following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        await conn.execute(
            f"CREATE TABLE IF NOT EXISTS {name} PARTITION OF {PARENT} "
            f"FOR VALUES FROM ('{month.isoformat()}') TO ('{following.isoformat()}')"
        )


def months_of(window: DateWindow) -> set[date]:
    return {day.replace(day=1) for day in window.days()}


async def replace_window(
    conn: asyncpg.Connection,
    owner: Owner,
    window: DateWindow | None,
    chunks: AsyncIterator[Chunk],
) -> StoreResult:
    """`window=None` replaces the account's whole history (a FOCUS export is a full statement)."""
    if window is None:
        old = await _stored_span(conn, owner)
        await _delete(conn, owner, None)
    else:
        old = None
        await _delete(conn, owner, window)
    result = StoreResult()
    first: date | None = None
    last: date | None = None
    known: set[date] = set()
    async for chunk in chunks:
        if chunk.months - known:
            await ensure_partitions(conn, chunk.months - known)
            known |= chunk.months
        await conn.copy_to_table(
            PARENT,
            source=memoryview(chunk.data),  # bytes would be taken for a file path
            columns=COPY_COLUMNS,
            format="csv",
            force_not_null=NOT_NULL_TEXT,
        )
        result.rows += chunk.rows
        if chunk.first_day is not None and chunk.last_day is not None:
            first = chunk.first_day if first is None else min(first, chunk.first_day)
            last = chunk.last_day if last is None else max(last, chunk.last_day)
    result.window = window or _union(old, first, last)
    if result.window is not None:
        await _rollup(conn, owner, result.window)
        result.daily = await daily_totals(conn, owner, result.window)
    return result


async def _stored_span(conn: asyncpg.Connection, owner: Owner) -> DateWindow | None:
    row = await conn.fetchrow(
        "SELECT min(day) AS first, max(day) AS last FROM daily_rollups "
        "WHERE org_id = $1 AND account_id = $2",
        owner.org_id,
        owner.account_id,
    )
    return DateWindow(row["first"], row["last"]) if row and row["first"] else None


def _union(old: DateWindow | None, first: date | None, last: date | None) -> DateWindow | None:
    if first is None or last is None:
        return old
    if old is None:
        return DateWindow(first, last)
    return DateWindow(min(old.start, first), max(old.end, last))


async def _delete(conn: asyncpg.Connection, owner: Owner, window: DateWindow | None) -> None:
    days = "" if window is None else " AND {col} BETWEEN $3 AND $4"
    args: tuple[object, ...] = (owner.org_id, owner.account_id)
    if window is not None:
        args += (window.start, window.end)
    for table, col in (
        (PARENT, "charge_day"),
        ("daily_rollups", "day"),
        ("daily_tag_rollups", "day"),
    ):
        await conn.execute(
            f"DELETE FROM {table} WHERE org_id = $1 AND account_id = $2" + days.format(col=col),
            *args,
        )


_ROLLUP = """
INSERT INTO daily_rollups (org_id, account_id, day, provider, service, region, currency,
                           amount, provisional)
SELECT org_id, account_id, charge_day, provider, service_name, region_id, billing_currency,
       sum(billed_cost), bool_or(provisional)
FROM cost_line_items
WHERE org_id = $1 AND account_id = $2 AND charge_day BETWEEN $3 AND $4
GROUP BY org_id, account_id, charge_day, provider, service_name, region_id, billing_currency
"""
_TAG_ROLLUP = """
INSERT INTO daily_tag_rollups (org_id, account_id, day, tag_key, tag_value, currency, amount)
SELECT li.org_id, li.account_id, li.charge_day, t.key, coalesce(t.value, ''),
       li.billing_currency, sum(li.billed_cost)
FROM cost_line_items li CROSS JOIN LATERAL jsonb_each_text(li.tags) AS t(key, value)
WHERE li.org_id = $1 AND li.account_id = $2 AND li.charge_day BETWEEN $3 AND $4
  AND jsonb_typeof(li.tags) = 'object'
GROUP BY li.org_id, li.account_id, li.charge_day, t.key, coalesce(t.value, ''),
         li.billing_currency
"""


async def _rollup(conn: asyncpg.Connection, owner: Owner, window: DateWindow) -> None:
    args = (owner.org_id, owner.account_id, window.start, window.end)
    await conn.execute(_ROLLUP, *args)
    await conn.execute(_TAG_ROLLUP, *args)


async def daily_totals(
    conn: asyncpg.Connection, owner: Owner, window: DateWindow
) -> list[DailyTotal]:
    rows = await conn.fetch(
        "SELECT day, service, region, currency, sum(amount) AS amount FROM daily_rollups "
        "WHERE org_id = $1 AND account_id = $2 AND day BETWEEN $3 AND $4 "
        "GROUP BY day, service, region, currency ORDER BY day, service, region, currency",
        owner.org_id,
        owner.account_id,
        window.start,
        window.end,
    )
    return [
        DailyTotal(r["day"], r["service"], r["region"], r["currency"], r["amount"]) for r in rows
    ]
