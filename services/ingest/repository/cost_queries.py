"""Every SQL statement of the cost queries. They read the daily rollups, never line items.

Each question reads the smallest table that answers it, all kept by triggers on
`daily_rollups` (migrations 0003, 0006 and 0007): `daily_currency_totals` for a trend without
a split, `daily_service_totals` / `daily_region_totals` for an unfiltered split by service or
region, `daily_account_totals` for anything per account or provider, and the rollups
themselves only for a split by service or region of some accounts or one provider.

Aggregation, ranking and shares happen in PostgreSQL, and a split comes back as one row per
(bucket, currency) holding its groups as arrays, largest first: a 90-day trend split 600 ways
is 90 rows, not 54,000. Amounts of a split stay NUMERIC's own text, exact, which is what the
wire carries. Statements go straight to asyncpg, on the connection of the caller's unit of
work (`raw_connection`): no SQLAlchemy per-statement overhead on a hot path. Fragments composed below come from fixed tables of
SQL text, never from a caller's input; values are always bound parameters.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import asyncpg

from services.ingest.domain.queries import Filters, Granularity, Period

# The bucket a rollup day falls in; the cast to timestamp keeps time zones out of it.
_BUCKETS = {
    Granularity.DAY: "day",
    Granularity.WEEK: "date_trunc('week', day::timestamp)::date",
    Granularity.MONTH: "date_trunc('month', day::timestamp)::date",
    None: "$2::date",
}
_KEYS = {
    "provider": "account_id",
    "provider_type": "provider_type",
    "service": "service",
    "region": "region",
    "account": "account_id",
}
_SPLIT_WORK_MEM = "32MB"
# Dimensions `daily_account_totals` can answer (with any filter).
_ACCOUNT_LEVEL = {"provider", "provider_type", "account"}
# Tables that answer a dimension without filters: they hold no account column.
_UNFILTERED = {
    None: "daily_currency_totals",
    "service": "daily_service_totals",
    "region": "daily_region_totals",
}


@dataclass(frozen=True, slots=True)
class AccountRow:
    id: int
    name: str
    provider: str
    deleted: bool


@dataclass(frozen=True, slots=True)
class OverviewRow:
    currency: str
    account_id: int
    provider: str
    month_to_date: Decimal
    last_month: Decimal
    last_month_same_days: Decimal


async def accounts(conn: asyncpg.Connection, org_id: str) -> dict[int, AccountRow]:
    """Every account the org ever had (a deleted one has no costs left, but invoicing may
    still ask about it). An archived account's costs are labelled as such."""
    rows = await conn.fetch(
        "SELECT id, name || CASE WHEN archived_at IS NULL THEN '' ELSE ' (archived)' END,"
        " provider, deleted_at IS NOT NULL FROM cloud_accounts WHERE org_id = $1",
        org_id,
    )
    return {row[0]: AccountRow(*row) for row in rows}


async def last_cost_day(conn: asyncpg.Connection, org_id: str, as_of: date) -> date | None:
    """The org's last day with cost data, on or before `as_of`."""
    day: date | None = await conn.fetchval(
        "SELECT max(day) FROM daily_currency_totals WHERE org_id = $1 AND day <= $2",
        org_id,
        as_of,
    )
    return day


async def overview_sums(
    conn: asyncpg.Connection, org_id: str, current: Period, last_month: Period, same_days: Period
) -> tuple[list[OverviewRow], list[tuple[str, str, Decimal]]]:
    """Per (currency, account): this month, last month, last month's same days; and per
    (currency, provider type) with cost this month: its amount. One statement, one pass."""
    rows = await conn.fetch(
        "SELECT currency, account_id, provider, provider_type, grouping(account_id),"
        " coalesce(sum(amount) FILTER (WHERE day >= $4), 0),"
        " coalesce(sum(amount) FILTER (WHERE day < $4), 0),"
        " coalesce(sum(amount) FILTER (WHERE day <= $5), 0),"
        " count(*) FILTER (WHERE day >= $4)"
        " FROM daily_account_totals"
        " WHERE org_id = $1 AND day BETWEEN $2 AND $3"
        " GROUP BY GROUPING SETS ((currency, account_id, provider), (currency, provider_type))",
        org_id,
        last_month.start,
        current.end,
        current.start,
        same_days.end,
    )
    sums = [OverviewRow(r[0], r[1], r[2], r[5], r[6], r[7]) for r in rows if not r[4]]
    types = [(r[0], r[3], r[5]) for r in rows if r[4] and r[8]]
    return sums, types


def _filters_sql(
    filters: Filters, first: int, provider_column: bool = True
) -> tuple[str, list[object]]:
    """WHERE clauses of the filters, their parameters numbered from `first` ($1 is the org)."""
    clauses: list[str] = []
    params: list[object] = []
    if filters.account_ids:
        clauses.append(f"account_id = ANY(${first + len(params)}::bigint[])")
        params.append(list(filters.account_ids))
    if filters.provider:
        number = first + len(params)
        clauses.append(
            f"provider = ${number}"
            if provider_column
            else "account_id IN (SELECT id FROM cloud_accounts"
            f" WHERE org_id = $1 AND provider = ${number})"
        )
        params.append(filters.provider)
    return "".join(f" AND {clause}" for clause in clauses), params


def _source(dimension: str | None, filters: Filters) -> str:
    if dimension in _ACCOUNT_LEVEL:
        return "daily_account_totals"
    if not filters.account_ids and not filters.provider:
        return _UNFILTERED[dimension]
    return "daily_account_totals" if dimension is None else "daily_rollups"


@dataclass(frozen=True, slots=True)
class RankedGroups:
    """One (bucket, currency): its total and its groups, largest first (ties by key)."""

    bucket: date
    currency: str
    total: Decimal
    keys: list[str]
    amounts: list[str]  # NUMERIC's text of each group's sum, exact
    percents: list[str]  # of the total, 2 places half-up; "" when the total is zero


async def ranked_sums(
    conn: asyncpg.Connection,
    org_id: str,
    period: Period,
    granularity: Granularity | None,
    dimension: str,
    filters: Filters,
) -> list[RankedGroups]:
    """Per (bucket, currency) in answer order, split by the dimension.

    Granularity None sums the whole period. The groups come from a subquery sorted largest
    first, which array_agg keeps (one sort, instead of one per aggregate).
    """
    where, params = _filters_sql(filters, 4)
    source = _source(dimension, filters)
    if granularity is Granularity.DAY and source in _UNFILTERED.values():
        # Already one row per (day, currency, group), handed over in that order by the key.
        groups = f"SELECT day AS bucket, currency, {_KEYS[dimension]} AS key, amount"
        grouping = ""
    else:
        groups = (
            f"SELECT {_BUCKETS[granularity]} AS bucket, currency, {_KEYS[dimension]} AS key,"
            " sum(amount) AS amount"
        )
        # (bucket, key, currency): the order of the per-account totals' primary key.
        grouping = " GROUP BY bucket, key, currency"
    # A split of 1,000 accounts over 90 days sorts and hashes ~90k groups: in memory,
    # instead of spilling to disk at the default 4 MB (for this transaction only).
    await conn.execute(f"SET LOCAL work_mem = '{_SPLIT_WORK_MEM}'")
    rows = await conn.fetch(
        "SELECT bucket, currency, max(total), array_agg(key::text), array_agg(amount::text),"
        " array_agg(coalesce(round(amount * 100 / nullif(total, 0), 2)::text, ''))"
        " FROM (SELECT bucket, currency, key, amount,"
        " sum(amount) OVER (PARTITION BY bucket, currency) AS total"
        f" FROM ({groups} FROM {source}"
        f" WHERE org_id = $1 AND day BETWEEN $2 AND $3{where}{grouping}) g"
        ' ORDER BY bucket, currency, amount DESC, key::text COLLATE "C") ranked'
        " GROUP BY bucket, currency ORDER BY bucket, currency",
        org_id,
        period.start,
        period.end,
        *params,
    )
    return [RankedGroups(*r) for r in rows]


async def bucket_totals(
    conn: asyncpg.Connection,
    org_id: str,
    period: Period,
    granularity: Granularity | None,
    filters: Filters,
) -> list[tuple[date, str, Decimal]]:
    """(bucket, currency, total) in answer order. Granularity None sums the whole period."""
    where, params = _filters_sql(filters, 4)
    source = _source(None, filters)
    if granularity is Granularity.DAY and source in _UNFILTERED.values():
        sums = f"SELECT day, currency, amount FROM {source} WHERE org_id = $1"
        grouping = ""
    else:
        sums = (
            f"SELECT {_BUCKETS[granularity]}, currency, sum(amount) FROM {source} WHERE org_id = $1"
        )
        grouping = " GROUP BY 1, 2"
    rows = await conn.fetch(
        f"{sums} AND day BETWEEN $2 AND $3{where}{grouping} ORDER BY 1, 2",
        org_id,
        period.start,
        period.end,
        *params,
    )
    return [(r[0], r[1], r[2]) for r in rows]


async def tag_sums(
    conn: asyncpg.Connection,
    org_id: str,
    period: Period,
    granularity: Granularity | None,
    tag_key: str,
    filters: Filters,
) -> list[tuple[date, str, str, Decimal]]:
    """(bucket, currency, tag value, amount) of cost carrying the tag key."""
    where, params = _filters_sql(filters, 5, provider_column=False)
    rows = await conn.fetch(
        f"SELECT {_BUCKETS[granularity]} AS bucket, currency, tag_value, sum(amount)"
        " FROM daily_tag_rollups"
        " WHERE org_id = $1 AND tag_key = $4"
        f" AND day BETWEEN $2 AND $3{where}"
        " GROUP BY 1, 2, 3",
        org_id,
        period.start,
        period.end,
        tag_key,
        *params,
    )
    return [(r[0], r[1], r[2], r[3]) for r in rows]


async def service_sums(
    conn: asyncpg.Connection, org_id: str, account_id: int, period: Period
) -> list[tuple[str, str, Decimal]]:
    """(service, currency, amount) of one account over a period."""
    rows = await conn.fetch(
        "SELECT service, currency, sum(amount) FROM daily_rollups"
        " WHERE org_id = $1 AND account_id = $2 AND day BETWEEN $3 AND $4"
        " GROUP BY 1, 2",
        org_id,
        account_id,
        period.start,
        period.end,
    )
    return [(r[0], r[1], r[2]) for r in rows]


async def first_cost_day(conn: asyncpg.Connection, org_id: str, account_id: int) -> date | None:
    """Read from the rollups' primary key (org, account, day, ...): one index probe."""
    day: date | None = await conn.fetchval(
        "SELECT min(day) FROM daily_rollups WHERE org_id = $1 AND account_id = $2",
        org_id,
        account_id,
    )
    return day
