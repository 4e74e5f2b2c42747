"""Cost storage with REPLACE semantics: an account's window of days is swapped in one go.

Inside the caller's transaction: delete the account's line items and rollups in the window,
stream the new line items through one open COPY (repository/line_item_copy.py), write the
window's rollups (summed from the partial rollups the chunks carry, see sync/partials.py and
sync/rollups.py), and read back the new daily totals for `costs.updated`. Re-running a window therefore never double counts, and a
row the provider stopped reporting disappears. Rollup `provider` is the account's provider
(AWS, GCP, AZURE, DIGITALOCEAN, FOCUS_FILE), `provider_type` the cloud that billed the row
(domain/provider_types); `amount` is the sum of BilledCost.

Line items are partitioned by month; a month's partition is created the first time a row of
it arrives (`cost_line_items_2024_09`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import asyncpg

from services.common.locks import lock_key, xact_lock
from services.ingest.domain.cost_items import DateWindow
from services.ingest.repository.line_item_copy import LineItemCopy
from services.ingest.sync.chunks import Chunk, Owner
from services.ingest.sync.rollups import partials_csv

PARENT = "cost_line_items"
PARTITIONS_LOCK = lock_key("ingest", "partitions")
_Tables = tuple[tuple[str, str], ...]  # (table, its day column)
# Rollups are replaced at the end of a store, not with the line items at its start: writing
# them locks the org's shared daily totals (migration 0007) until commit, so that turn stays
# short while the line items stream in.
_LINE_ITEMS: _Tables = ((PARENT, "charge_day"),)
_ROLLUPS: _Tables = (("daily_rollups", "day"), ("daily_tag_rollups", "day"))


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
        await xact_lock(conn, [PARTITIONS_LOCK])
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
    old = await _stored_span(conn, owner) if window is None else None
    await _delete(conn, owner, window, _LINE_ITEMS)
    await _create_partials(conn)
    result = StoreResult()
    first: date | None = None
    last: date | None = None
    known: set[date] = set()
    async with LineItemCopy(conn, PARENT) as copy:
        async for chunk in chunks:
            if chunk.months - known:
                await copy.pause()
                await ensure_partitions(conn, chunk.months - known)
                known |= chunk.months
            first, last = await _copy(conn, copy, chunk, result, first, last)
    result.window = window or _union(old, first, last)
    await _delete(conn, owner, window, _ROLLUPS)
    if result.window is not None:
        await _rollup(conn, owner)
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


async def _copy(
    conn: asyncpg.Connection,
    copy: LineItemCopy,
    chunk: Chunk,
    result: StoreResult,
    first: date | None,
    last: date | None,
) -> tuple[date | None, date | None]:
    """Feeds a chunk's line items to the open COPY and copies its rollup partials, if it
    carries any (the COPY paused for them); the days copied so far, widened to the chunk's."""
    if chunk.rows:
        await copy.write(memoryview(chunk.data))
    if chunk.rollups or chunk.tags:
        await copy.pause()
        await _copy_partials(conn, chunk)
    result.rows += chunk.rows
    if chunk.first_day is None or chunk.last_day is None:
        return first, last
    return (
        chunk.first_day if first is None else min(first, chunk.first_day),
        chunk.last_day if last is None else max(last, chunk.last_day),
    )


def _union(old: DateWindow | None, first: date | None, last: date | None) -> DateWindow | None:
    if first is None or last is None:
        return old
    if old is None:
        return DateWindow(first, last)
    return DateWindow(min(old.start, first), max(old.end, last))


async def _delete(
    conn: asyncpg.Connection, owner: Owner, window: DateWindow | None, tables: _Tables
) -> None:
    days = "" if window is None else " AND {col} BETWEEN $3 AND $4"
    args: tuple[object, ...] = (owner.org_id, owner.account_id)
    if window is not None:
        args += (window.start, window.end)
    for table, col in tables:
        await conn.execute(
            f"DELETE FROM {table} WHERE org_id = $1 AND account_id = $2" + days.format(col=col),
            *args,
        )


async def _create_partials(conn: asyncpg.Connection) -> None:
    await conn.execute(
        "CREATE TEMP TABLE rollup_parts (day date, provider_type text, service text, "
        "region text, currency text, amount numeric, provisional boolean) ON COMMIT DROP"
    )
    await conn.execute(
        "CREATE TEMP TABLE tag_parts (day date, tag_key text, tag_value text, currency text, "
        "amount numeric) ON COMMIT DROP"
    )


async def _copy_partials(conn: asyncpg.Connection, chunk: Chunk) -> None:
    # CSV through copy_to_table, not copy_records_to_table: the latter prepares a statement
    # on the temp table, which a later transaction (with a new temp table) could not reuse.
    for table, rows, text_columns in (
        ("rollup_parts", chunk.rollups, ("provider_type", "service", "region", "currency")),
        ("tag_parts", chunk.tags, ("tag_key", "tag_value", "currency")),
    ):
        if rows:
            await conn.copy_to_table(
                table,
                source=memoryview(partials_csv(rows)),
                format="csv",
                force_not_null=text_columns,
            )


async def _rollup(conn: asyncpg.Connection, owner: Owner) -> None:
    """Sums the chunks' partial rollups: the window's line items were all just written, so
    these are exactly the window's rollups (a GROUP BY over the line items, without
    re-reading them)."""
    await conn.execute(
        "INSERT INTO daily_rollups (org_id, account_id, day, provider, provider_type, service, "
        "region, currency, amount, provisional) "
        "SELECT $1, $2, day, $3, provider_type, service, region, currency, sum(amount), "
        "bool_or(provisional) FROM rollup_parts "
        "GROUP BY day, provider_type, service, region, currency",
        owner.org_id,
        owner.account_id,
        owner.provider,
    )
    await conn.execute(
        "INSERT INTO daily_tag_rollups (org_id, account_id, day, tag_key, tag_value, currency, "
        "amount) SELECT $1, $2, day, tag_key, tag_value, currency, sum(amount) FROM tag_parts "
        "GROUP BY day, tag_key, tag_value, currency",
        owner.org_id,
        owner.account_id,
    )


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


async def replace_days(
    conn: asyncpg.Connection, owner: Owner, chunks: AsyncIterator[Chunk]
) -> StoreResult:
    """Replaces exactly the days the chunks hold (an uploaded export states its own days):
    each day's old rows go the first time the day appears, before its new rows are copied,
    so uploading the same file twice stores it once and other days stay as they were."""
    await _create_partials(conn)
    result = StoreResult()
    seen: set[date] = set()
    first: date | None = None
    last: date | None = None
    known: set[date] = set()
    async with LineItemCopy(conn, PARENT) as copy:
        async for chunk in chunks:
            if chunk.days - seen:
                await copy.pause()
                await _delete_days(conn, owner, sorted(chunk.days - seen))
                seen |= chunk.days
            if chunk.months - known:
                await copy.pause()
                await ensure_partitions(conn, chunk.months - known)
                known |= chunk.months
            first, last = await _copy(conn, copy, chunk, result, first, last)
    if first is not None and last is not None:
        result.window = DateWindow(first, last)
        await _rollup(conn, owner)
        result.daily = await daily_totals(conn, owner, result.window)
    return result


async def _delete_days(conn: asyncpg.Connection, owner: Owner, days: list[date]) -> None:
    for table, col in (
        (PARENT, "charge_day"),
        ("daily_rollups", "day"),
        ("daily_tag_rollups", "day"),
    ):
        await conn.execute(
            f"DELETE FROM {table} WHERE org_id = $1 AND account_id = $2 AND {col} = ANY($3)",
            owner.org_id,
            owner.account_id,
            days,
        )
