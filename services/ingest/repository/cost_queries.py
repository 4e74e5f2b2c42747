"""Every SQL statement of the cost queries. They read the daily rollups, never line items.

Questions that need no service or region read `daily_account_totals` (the rollups summed
per account, day, provider, provider type and currency, kept by triggers; see migrations
0003 and 0005): ~40x fewer rows for the same answer.

Aggregation happens in PostgreSQL (GROUP BY, date_trunc, FILTER), so Python only sees
one row per (bucket, currency, group). Fragments composed below come from fixed tables
of SQL text, never from a caller's input; values are always bound parameters.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from services.ingest.domain.queries import Filters, Granularity, Period

# The bucket a rollup day falls in; the cast to timestamp keeps time zones out of it.
_BUCKETS = {
    Granularity.DAY: "day",
    Granularity.WEEK: "date_trunc('week', day::timestamp)::date",
    Granularity.MONTH: "date_trunc('month', day::timestamp)::date",
    None: "CAST(:start AS date)",
}
_KEYS = {
    "provider": "account_id::text",
    "provider_type": "provider_type",
    "service": "service",
    "region": "region",
    "account": "account_id::text",
    None: "''",
}
# Dimensions `daily_account_totals` can answer; the others need the full rollups.
_ACCOUNT_LEVEL = {None, "provider", "provider_type", "account"}
_PROVIDER_ACCOUNTS = (
    "account_id IN (SELECT id FROM cloud_accounts WHERE org_id = :org AND provider = :provider)"
)


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


async def accounts(session: AsyncSession, org_id: str) -> dict[int, AccountRow]:
    """Every account the org ever had (a deleted one has no costs left, but invoicing may
    still ask about it). An archived account's costs are labelled as such."""
    result = await session.execute(
        text(
            "SELECT id, name || CASE WHEN archived_at IS NULL THEN '' ELSE ' (archived)' END,"
            " provider, deleted_at IS NOT NULL FROM cloud_accounts WHERE org_id = :org"
        ),
        {"org": org_id},
    )
    return {row[0]: AccountRow(*row) for row in result}


async def last_cost_day(session: AsyncSession, org_id: str, as_of: date) -> date | None:
    """The org's last day with cost data, on or before `as_of`."""
    result = await session.execute(
        text("SELECT max(day) FROM daily_account_totals WHERE org_id = :org AND day <= :as_of"),
        {"org": org_id, "as_of": as_of},
    )
    day: date | None = result.scalar_one()
    return day


async def overview_sums(
    session: AsyncSession, org_id: str, current: Period, last_month: Period, same_days: Period
) -> list[OverviewRow]:
    result = await session.execute(
        text(
            "SELECT currency, account_id, provider,"
            " coalesce(sum(amount) FILTER (WHERE day >= :cur_start), 0),"
            " coalesce(sum(amount) FILTER (WHERE day < :cur_start), 0),"
            " coalesce(sum(amount) FILTER (WHERE day <= :same_end), 0)"
            " FROM daily_account_totals"
            " WHERE org_id = :org AND day BETWEEN :start AND :end"
            " GROUP BY currency, account_id, provider"
        ),
        {
            "org": org_id,
            "start": last_month.start,
            "end": current.end,
            "cur_start": current.start,
            "same_end": same_days.end,
        },
    )
    return [OverviewRow(*row) for row in result]


async def provider_type_sums(
    session: AsyncSession, org_id: str, period: Period
) -> list[tuple[str, str, Decimal]]:
    """(currency, provider type, amount) over the period."""
    result = await session.execute(
        text(
            "SELECT currency, provider_type, sum(amount) FROM daily_account_totals"
            " WHERE org_id = :org AND day BETWEEN :start AND :end GROUP BY 1, 2"
        ),
        {"org": org_id, "start": period.start, "end": period.end},
    )
    return result.all()  # type: ignore[return-value]


def _filters_sql(filters: Filters, provider_column: bool) -> tuple[str, dict[str, object]]:
    clauses: list[str] = []
    params: dict[str, object] = {}
    if filters.account_ids:
        clauses.append("account_id = ANY(CAST(:ids AS bigint[]))")
        params["ids"] = list(filters.account_ids)
    if filters.provider:
        clauses.append("provider = :provider" if provider_column else _PROVIDER_ACCOUNTS)
        params["provider"] = filters.provider
    return "".join(f" AND {clause}" for clause in clauses), params


async def ranked_sums(
    session: AsyncSession,
    org_id: str,
    period: Period,
    granularity: Granularity | None,
    dimension: str | None,
    filters: Filters,
) -> list[tuple[date, str, str, Decimal, Decimal, Decimal | None]]:
    """(bucket, currency, group key, amount, bucket total, percent of it), in answer order.

    Granularity None sums the whole period. Ranking and shares are computed here so that
    a wide answer (90 days by service) costs Python nothing but reading the rows.
    """
    where, params = _filters_sql(filters, provider_column=True)
    table = "daily_account_totals" if dimension in _ACCOUNT_LEVEL else "daily_rollups"
    result = await session.execute(
        text(
            "SELECT bucket, currency, key, amount, sum(amount) OVER w,"
            " round(amount * 100 / nullif(sum(amount) OVER w, 0), 2)"
            f" FROM (SELECT {_BUCKETS[granularity]} AS bucket, currency,"
            f" {_KEYS[dimension]} AS key, sum(amount) AS amount FROM {table}"
            f" WHERE org_id = :org AND day BETWEEN :start AND :end{where}"
            " GROUP BY 1, 2, 3) g"
            " WINDOW w AS (PARTITION BY bucket, currency)"
            ' ORDER BY bucket, currency, amount DESC, key COLLATE "C"'
        ),
        {"org": org_id, "start": period.start, "end": period.end, **params},
    )
    return result.all()  # type: ignore[return-value]


async def tag_sums(
    session: AsyncSession,
    org_id: str,
    period: Period,
    granularity: Granularity | None,
    tag_key: str,
    filters: Filters,
) -> list[tuple[date, str, str, Decimal]]:
    """(bucket, currency, tag value, amount) of cost carrying the tag key."""
    where, params = _filters_sql(filters, provider_column=False)
    result = await session.execute(
        text(
            f"SELECT {_BUCKETS[granularity]} AS bucket, currency, tag_value, sum(amount)"
            " FROM daily_tag_rollups"
            " WHERE org_id = :org AND tag_key = :tag_key"
            f" AND day BETWEEN :start AND :end{where}"
            " GROUP BY 1, 2, 3"
        ),
        {"org": org_id, "tag_key": tag_key, "start": period.start, "end": period.end, **params},
    )
    return result.all()  # type: ignore[return-value]


async def service_sums(
    session: AsyncSession, org_id: str, account_id: int, period: Period
) -> list[tuple[str, str, Decimal]]:
    """(service, currency, amount) of one account over a period."""
    result = await session.execute(
        text(
            "SELECT service, currency, sum(amount) FROM daily_rollups"
            " WHERE org_id = :org AND account_id = :account AND day BETWEEN :start AND :end"
            " GROUP BY 1, 2"
        ),
        {"org": org_id, "account": account_id, "start": period.start, "end": period.end},
    )
    return result.all()  # type: ignore[return-value]


async def first_cost_day(session: AsyncSession, org_id: str, account_id: int) -> date | None:
    """Read from the rollups' primary key (org, account, day, ...): one index probe."""
    result = await session.execute(
        text("SELECT min(day) FROM daily_rollups WHERE org_id = :org AND account_id = :account"),
        {"org": org_id, "account": account_id},
    )
    return result.scalar_one()  # type: ignore[no-any-return]
