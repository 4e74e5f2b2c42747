"""Budgets and the alerts they fired."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import Row, text
from sqlalchemy.ext.asyncio import AsyncSession

from services.budgets.domain.budget import Budget, BudgetSpec, Scope
from services.budgets.domain.periods import PeriodKind

_COLUMNS = (
    "id, name, amount, currency, period, threshold_percent, account_ids, provider, services, "
    "alert_on_forecast, create_time, update_time, created_on"
)


def _budget(row: Row[Any]) -> Budget:
    spec = BudgetSpec(
        row.name,
        row.amount,
        row.currency.strip(),
        PeriodKind(row.period),
        row.threshold_percent,
        Scope(tuple(row.account_ids), row.provider, tuple(row.services)),
        row.alert_on_forecast,
    )
    return Budget(row.id, spec, row.create_time, row.update_time, row.created_on)


def _values(spec: BudgetSpec) -> dict[str, Any]:
    return {
        "name": spec.name,
        "amount": spec.amount,
        "currency": spec.currency,
        "period": int(spec.period),
        "threshold": spec.threshold_percent,
        "accounts": list(spec.scope.account_ids),
        "provider": spec.scope.provider,
        "services": list(spec.scope.services),
        "forecast": spec.alert_on_forecast,
    }


async def insert(
    session: AsyncSession, org_id: str, spec: BudgetSpec, request_id: str | None, today: date
) -> Budget | None:
    """None when a budget with this request id exists already."""
    row = (
        await session.execute(
            text(
                "INSERT INTO budgets (org_id, name, amount, currency, period, threshold_percent, "
                "account_ids, provider, services, alert_on_forecast, request_id, created_on) "
                "VALUES (:o, :name, :amount, :currency, :period, :threshold, :accounts, "
                ":provider, :services, :forecast, :r, :created_on) ON CONFLICT DO NOTHING "
                f"RETURNING {_COLUMNS}"
            ),
            {"o": org_id, "r": request_id, "created_on": today, **_values(spec)},
        )
    ).first()
    return _budget(row) if row else None


async def by_request(session: AsyncSession, org_id: str, request_id: str) -> Budget | None:
    row = (
        await session.execute(
            text(f"SELECT {_COLUMNS} FROM budgets WHERE org_id = :o AND request_id = :r"),
            {"o": org_id, "r": request_id},
        )
    ).first()
    return _budget(row) if row else None


async def get(
    session: AsyncSession, org_id: str, budget_id: int, for_update: bool = False
) -> Budget | None:
    lock = " FOR UPDATE" if for_update else ""
    row = (
        await session.execute(
            text(f"SELECT {_COLUMNS} FROM budgets WHERE org_id = :o AND id = :i{lock}"),
            {"o": org_id, "i": budget_id},
        )
    ).first()
    return _budget(row) if row else None


async def page(session: AsyncSession, org_id: str, after_id: int, limit: int) -> list[Budget]:
    result = await session.execute(
        text(
            f"SELECT {_COLUMNS} FROM budgets WHERE org_id = :o AND id > :after ORDER BY id LIMIT :n"
        ),
        {"o": org_id, "after": after_id, "n": limit},
    )
    return [_budget(r) for r in result]


async def update(session: AsyncSession, org_id: str, budget_id: int, spec: BudgetSpec) -> Budget:
    row = (
        await session.execute(
            text(
                "UPDATE budgets SET name = :name, amount = :amount, currency = :currency, "
                "period = :period, threshold_percent = :threshold, account_ids = :accounts, "
                "provider = :provider, services = :services, alert_on_forecast = :forecast, "
                f"update_time = now() WHERE org_id = :o AND id = :i RETURNING {_COLUMNS}"
            ),
            {"o": org_id, "i": budget_id, **_values(spec)},
        )
    ).one()
    return _budget(row)


async def delete(session: AsyncSession, org_id: str, budget_id: int) -> bool:
    result = await session.execute(
        text("DELETE FROM budgets WHERE org_id = :o AND id = :i RETURNING id"),
        {"o": org_id, "i": budget_id},
    )
    return result.first() is not None


async def covering(
    session: AsyncSession, org_id: str, account_id: int, provider: int
) -> list[Budget]:
    """Budgets this account's spend can count against, locked so alerts are decided once."""
    result = await session.execute(
        text(
            f"SELECT {_COLUMNS} FROM budgets WHERE org_id = :o "
            "AND (cardinality(account_ids) = 0 OR :a = ANY(account_ids)) "
            "AND provider IN (0, :p) ORDER BY id FOR UPDATE"
        ),
        {"o": org_id, "a": account_id, "p": provider},
    )
    return [_budget(r) for r in result]


class Alert(NamedTuple):
    id: int
    budget_id: int
    budget_name: str
    level: int
    basis: int
    spent: Decimal
    amount: Decimal
    currency: str
    percent: Decimal
    period_start: date
    period_end: date
    create_time: datetime


_ALERT_COLUMNS = (
    "id, budget_id, budget_name, level, basis, spent, amount, currency, percent, "
    "period_start, period_end, create_time"
)


def _alert(row: Row[Any]) -> Alert:
    # _make, not Alert(*...): mypy cannot count the fields behind star-unpacked slices.
    return Alert._make((*row[:7], row.currency.strip(), *row[8:]))


async def insert_alert(session: AsyncSession, org_id: str, alert: dict[str, Any]) -> Alert | None:
    """None when this level already fired for the budget in this period."""
    row = (
        await session.execute(
            text(
                "INSERT INTO budget_alerts (org_id, budget_id, budget_name, level, basis, spent, "
                "amount, currency, percent, period_start, period_end) VALUES (:o, :budget_id, "
                ":budget_name, :level, :basis, :spent, :amount, :currency, :percent, "
                ":period_start, :period_end) ON CONFLICT DO NOTHING "
                f"RETURNING {_ALERT_COLUMNS}"
            ),
            {"o": org_id, **alert},
        )
    ).first()
    return _alert(row) if row else None


async def highest_level(session: AsyncSession, budget_id: int, period: tuple[date, date]) -> int:
    level: int = (
        await session.execute(
            text(
                "SELECT coalesce(max(level), 0) FROM budget_alerts WHERE budget_id = :b "
                "AND period_start = :s AND period_end = :e"
            ),
            {"b": budget_id, "s": period[0], "e": period[1]},
        )
    ).scalar_one()
    return level


async def alerts_page(
    session: AsyncSession, org_id: str, budget_id: int, before_id: int | None, limit: int
) -> list[Alert]:
    result = await session.execute(
        text(
            f"SELECT {_ALERT_COLUMNS} FROM budget_alerts WHERE org_id = :o "
            "AND (CAST(:b AS bigint) = 0 OR budget_id = :b) AND (CAST(:before AS bigint) IS NULL OR id < :before) "
            "ORDER BY id DESC LIMIT :n"
        ),
        {"o": org_id, "b": budget_id, "before": before_id, "n": limit},
    )
    return [_alert(r) for r in result]
