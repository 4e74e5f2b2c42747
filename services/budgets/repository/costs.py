"""The daily spend read model: accounts and per-day totals by service, region and currency."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession


class CostRow(NamedTuple):
    day: date
    service: str
    region: str
    currency: str
    amount: Decimal


class Account(NamedTuple):
    name: str
    provider: int


async def upsert_account(
    session: AsyncSession, org_id: str, account_id: int, name: str, provider: int
) -> None:
    await session.execute(
        text(
            "INSERT INTO accounts (org_id, account_id, name, provider) VALUES (:o, :a, :n, :p) "
            "ON CONFLICT (org_id, account_id) DO UPDATE SET name = :n, provider = :p"
        ),
        {"o": org_id, "a": account_id, "n": name, "p": provider},
    )


async def mark_deleted(
    session: AsyncSession, org_id: str, account_id: int, name: str, provider: int
) -> tuple[date, date] | None:
    """Drops every day of the account and remembers it was deleted; returns the span of days
    it had (None: none)."""
    await session.execute(
        text(
            "INSERT INTO accounts (org_id, account_id, name, provider, deleted_at) "
            "VALUES (:o, :a, :n, :p, now()) ON CONFLICT (org_id, account_id) "
            "DO UPDATE SET deleted_at = coalesce(accounts.deleted_at, now())"
        ),
        {"o": org_id, "a": account_id, "n": name, "p": provider},
    )
    span = (
        (
            await session.execute(
                text("DELETE FROM daily_costs WHERE org_id = :o AND account_id = :a RETURNING day"),
                {"o": org_id, "a": account_id},
            )
        )
        .scalars()
        .all()
    )
    return (min(span), max(span)) if span else None


async def is_deleted(session: AsyncSession, org_id: str, account_id: int) -> bool:
    return bool(
        (
            await session.execute(
                text(
                    "SELECT deleted_at IS NOT NULL FROM accounts "
                    "WHERE org_id = :o AND account_id = :a"
                ),
                {"o": org_id, "a": account_id},
            )
        ).scalar_one_or_none()
    )


async def replace_days(
    session: AsyncSession,
    org_id: str,
    account_id: int,
    window: tuple[date, date],
    rows: list[CostRow],
) -> None:
    """The window's days now hold exactly `rows` (one per day, service, region, currency)."""
    await session.execute(
        text(
            "DELETE FROM daily_costs WHERE org_id = :o AND account_id = :a "
            "AND day BETWEEN :s AND :e"
        ),
        {"o": org_id, "a": account_id, "s": window[0], "e": window[1]},
    )
    if rows:
        await session.execute(
            text(
                "INSERT INTO daily_costs (org_id, account_id, day, service, region, currency, "
                "amount) VALUES (:o, :a, :d, :s, :r, :c, :m)"
            ),
            [
                {"o": org_id, "a": account_id, "d": r.day, "s": r.service, "r": r.region}
                | {"c": r.currency, "m": r.amount}
                for r in rows
            ],
        )


_FILTER = (
    "d.org_id = :o AND d.day BETWEEN :s AND :e "
    "AND (cardinality(CAST(:accounts AS bigint[])) = 0 "
    "OR d.account_id = ANY(CAST(:accounts AS bigint[]))) "
    "AND (:provider = 0 OR a.provider = :provider) "
    "AND (cardinality(CAST(:services AS text[])) = 0 "
    "OR d.service = ANY(CAST(:services AS text[])))"
)


async def daily_totals(
    session: AsyncSession,
    org_id: str,
    span: tuple[date, date],
    account_ids: list[int],
    provider: int,
    services: list[str] | None = None,
) -> dict[str, dict[date, Decimal]]:
    """Spend per currency and day, only days that have rows."""
    result = await session.execute(
        text(
            "SELECT d.currency, d.day, sum(d.amount) AS amount FROM daily_costs d "
            "JOIN accounts a ON a.org_id = d.org_id AND a.account_id = d.account_id "
            f"WHERE {_FILTER} GROUP BY d.currency, d.day"
        ),
        {"o": org_id, "s": span[0], "e": span[1], "accounts": account_ids}
        | {"provider": provider, "services": services or []},
    )
    totals: dict[str, dict[date, Decimal]] = defaultdict(dict)
    for row in result:
        totals[row.currency.strip()][row.day] = row.amount
    return dict(totals)


async def last_day(
    session: AsyncSession,
    org_id: str,
    span: tuple[date, date],
    account_ids: list[int],
    provider: int,
) -> date | None:
    """The last day in `span` with any spend of these accounts (whatever the service)."""
    result = await session.execute(
        text(
            "SELECT max(d.day) FROM daily_costs d "
            "JOIN accounts a ON a.org_id = d.org_id AND a.account_id = d.account_id "
            f"WHERE {_FILTER}"
        ),
        {"o": org_id, "s": span[0], "e": span[1], "accounts": account_ids}
        | {"provider": provider, "services": []},
    )
    day: date | None = result.scalar_one()
    return day


async def account_rows(
    session: AsyncSession, org_id: str, account_id: int, span: tuple[date, date]
) -> list[CostRow]:
    result = await session.execute(
        text(
            "SELECT day, service, region, currency, amount FROM daily_costs "
            "WHERE org_id = :o AND account_id = :a AND day BETWEEN :s AND :e"
        ),
        {"o": org_id, "a": account_id, "s": span[0], "e": span[1]},
    )
    return [CostRow(r.day, r.service, r.region, r.currency.strip(), r.amount) for r in result]


async def first_day(session: AsyncSession, org_id: str, account_id: int) -> date | None:
    day: date | None = (
        await session.execute(
            text("SELECT min(day) FROM daily_costs WHERE org_id = :o AND account_id = :a"),
            {"o": org_id, "a": account_id},
        )
    ).scalar_one()
    return day


async def accounts(session: AsyncSession, org_id: str, ids: list[int]) -> dict[int, Account]:
    result = await session.execute(
        text(
            "SELECT account_id, name, provider FROM accounts "
            "WHERE org_id = :o AND account_id = ANY(CAST(:ids AS bigint[]))"
        ),
        {"o": org_id, "ids": ids},
    )
    return {r.account_id: Account(r.name, r.provider) for r in result}
