"""Cost question use cases: validate, read sums from the rollups, shape the answer.

Each runs in one read transaction, scoped to the caller's organization. Any role may read.
An account id the caller's organization does not have (including another org's) is
NOT_FOUND with the same message either way, so ids reveal nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import asyncpg

from services.common.caller import current_caller
from services.common.clock import Today, utc_today
from services.common.cost_days import last_day_counted
from services.common.db import Database, raw_connection
from services.common.errors import InvalidArgument, NotFound
from services.common.money import Money
from services.ingest.domain import queries as q
from services.ingest.domain import queries_figures as fig
from services.ingest.repository import cost_queries as repo

ACCOUNT_DIMENSIONS = ("account", "provider")


@dataclass(frozen=True, slots=True)
class AccountCost:
    account_id: int
    name: str
    provider: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class CurrencyOverview:
    currency: str
    month_to_date: Decimal
    last_month: Decimal
    rate: fig.RunRate
    by_provider: list[tuple[str, Decimal]]  # month to date per provider type, largest first
    by_account: list[AccountCost]


@dataclass(frozen=True, slots=True)
class Overview:
    periods: q.OverviewPeriods
    currencies: list[CurrencyOverview]
    providers_present: list[str]


@dataclass(frozen=True, slots=True)
class TrendPoint:
    day: date
    currency: str
    amount: Decimal
    breakdown: fig.ShareColumns = field(default_factory=fig.ShareColumns)


@dataclass(frozen=True, slots=True)
class Trend:
    period: q.Period
    points: list[TrendPoint]


@dataclass(frozen=True, slots=True)
class TrendQuery:
    days: int = 0
    granularity: q.Granularity | None = None
    group_by: str = ""
    filters: q.Filters = field(default_factory=q.Filters)
    as_of_date: str = ""


@dataclass(frozen=True, slots=True)
class AccountTotals:
    name: str
    provider: str
    totals: list[Money]
    by_service: list[tuple[str, Money]]
    # The account's first day with cost, whatever the period: where its history starts.
    first_day: date | None = None


class CostQueries:
    def __init__(self, db: Database, today: Today = utc_today) -> None:
        self._db = db
        self._today = today

    async def overview(self, as_of_date: str) -> Overview:
        as_of = q.parse_day(as_of_date, "as_of_date", self._today())
        org = current_caller().org_id
        async with self._db.transaction() as session:
            conn = await raw_connection(session)
            last = await repo.last_cost_day(conn, org, as_of)
            periods = q.overview_periods(as_of, last_day_counted(as_of, last))
            known = await repo.accounts(conn, org)
            rows, types = await repo.overview_sums(
                conn, org, periods.current, periods.last_month, periods.last_month_same_days
            )
        currencies = sorted({row.currency for row in rows})
        present = {a.provider for a in known.values() if not a.deleted}
        return Overview(
            periods,
            [
                _currency_overview(
                    c,
                    [r for r in rows if r.currency == c],
                    periods,
                    known,
                    {kind: amount for currency, kind, amount in types if currency == c},
                )
                for c in currencies
            ],
            [p for p in q.PROVIDERS if p in present],
        )

    async def trend(self, query: TrendQuery) -> Trend:
        days = q.trend_days(query.days)
        if query.granularity is None:
            raise InvalidArgument("granularity", "is required: DAY, WEEK or MONTH")
        dimension = q.parse_dimension(query.group_by, "group_by", optional=True)
        period = q.trend_period(q.parse_day(query.as_of_date, "as_of_date", self._today()), days)
        async with self._db.transaction() as session:
            conn = await raw_connection(session)
            labels = await _labels(conn, query.filters, dimension)
            groups = await _groups(
                conn, period, query.granularity, dimension, query.filters, labels
            )
        currencies = sorted({currency for _, currency in groups})
        nothing = (fig.ZERO, _NO_SHARES)
        points = []
        for bucket in q.bucket_starts(period, query.granularity):
            for currency in currencies:
                total, shares = groups.get((bucket, currency), nothing)
                points.append(TrendPoint(bucket, currency, total, shares))
        return Trend(period, points)

    async def breakdown(
        self, period: q.Period, dimension_text: str, top_n: int, filters: q.Filters
    ) -> list[fig.Split]:
        dimension = q.parse_dimension(dimension_text, "dimension", optional=False)
        n = q.top_n(top_n)
        async with self._db.transaction() as session:
            conn = await raw_connection(session)
            labels = await _labels(conn, filters, dimension)
            groups = await _groups(conn, period, None, dimension, filters, labels)
        return [
            fig.top_split(currency, total, shares.shares(n), n)
            for (_, currency), (total, shares) in sorted(groups.items(), key=lambda g: g[0][1])
        ]

    async def sum_costs(self, account_id: int, period: q.Period) -> AccountTotals:
        if account_id <= 0:
            raise InvalidArgument("account_id", "is required")
        org = current_caller().org_id
        async with self._db.transaction() as session:
            conn = await raw_connection(session)
            account = (await _check_accounts(conn, org, [account_id]))[account_id]
            rows = await repo.service_sums(conn, org, account_id, period)
            first_day = await repo.first_cost_day(conn, org, account_id)
        totals: dict[str, Decimal] = {}
        for _, currency, amount in rows:
            totals[currency] = totals.get(currency, fig.ZERO) + amount
        by_service = sorted(rows, key=lambda r: (-r[2], r[0], r[1]))
        return AccountTotals(
            account.name,
            account.provider,
            [Money(totals[c], c) for c in sorted(totals)],
            [(service, Money(amount, currency)) for service, currency, amount in by_service],
            first_day,
        )


def _currency_overview(
    currency: str,
    rows: list[repo.OverviewRow],
    periods: q.OverviewPeriods,
    known: dict[int, repo.AccountRow],
    by_type: dict[str, Decimal],
) -> CurrencyOverview:
    mtd = sum((r.month_to_date for r in rows), fig.ZERO)
    same_days = sum((r.last_month_same_days for r in rows), fig.ZERO)
    accounts = [
        AccountCost(r.account_id, _account_name(known, r.account_id), r.provider, r.month_to_date)
        for r in sorted(rows, key=lambda r: (-r.month_to_date, r.account_id))
    ]
    return CurrencyOverview(
        currency,
        mtd,
        sum((r.last_month for r in rows), fig.ZERO),
        fig.run_rate(currency, mtd, periods.current, same_days, periods.last_month_same_days),
        fig.ranked(by_type),
        accounts,
    )


def _account_name(known: dict[int, repo.AccountRow], account_id: int) -> str:
    account = known.get(account_id)
    return account.name if account else f"account {account_id}"


async def _check_accounts(
    conn: asyncpg.Connection, org_id: str, ids: Iterable[int]
) -> dict[int, repo.AccountRow]:
    known = await repo.accounts(conn, org_id)
    for account_id in ids:
        if account_id not in known:
            raise NotFound(f"cloud account {account_id} not found", account_id=account_id)
    return known


async def _labels(
    conn: asyncpg.Connection, filters: q.Filters, dimension: q.Dimension | None
) -> dict[str, str]:
    """Display names for the groups; also checks the account filter belongs to the org."""
    org = current_caller().org_id
    by_account = dimension is not None and dimension.name in ACCOUNT_DIMENSIONS
    known = (
        await _check_accounts(conn, org, filters.account_ids)
        if filters.account_ids or by_account
        else {}
    )
    if by_account:
        return fig.account_labels({i: a.name for i, a in known.items()})
    return {"": fig.UNTAGGED_LABEL} if dimension and dimension.is_tag else {}


Groups = dict[tuple[date, str], tuple[Decimal, fig.ShareColumns]]
_NO_SHARES = fig.ShareColumns()


async def _groups(
    conn: asyncpg.Connection,
    period: q.Period,
    granularity: q.Granularity | None,
    dimension: q.Dimension | None,
    filters: q.Filters,
    labels: dict[str, str],
) -> Groups:
    """Per (bucket, currency): the total and its shares by the dimension, largest first."""
    org = current_caller().org_id
    if dimension and not dimension.is_tag:
        ranked = await repo.ranked_sums(conn, org, period, granularity, dimension.name, filters)
        return {
            (g.bucket, g.currency): (
                g.total,
                fig.ShareColumns(
                    g.keys,
                    [labels.get(k, k) for k in g.keys] if labels else g.keys,
                    g.amounts,
                    g.percents,
                ),
            )
            for g in ranked
        }
    totals = await repo.bucket_totals(conn, org, period, granularity, filters)
    if dimension is None:
        return {(bucket, currency): (total, _NO_SHARES) for bucket, currency, total in totals}
    tags = fig.group_sums(
        await repo.tag_sums(conn, org, period, granularity, dimension.tag_key, filters)
    )
    return {
        (bucket, currency): (total, _tag_shares(tags.get((bucket, currency), {}), total, labels))
        for bucket, currency, total in totals
    }


def _tag_shares(
    tagged: dict[str, Decimal], total: Decimal, labels: dict[str, str]
) -> fig.ShareColumns:
    return fig.ShareColumns.of(fig.shares(fig.with_untagged(tagged, total), total, labels))
