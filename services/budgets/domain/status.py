"""A budget's standing in its period: spent, burn rates, projection and run-out day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import IntEnum

from services.budgets.domain.forecast import forecast
from services.budgets.domain.periods import days

PROJECTION_CONFIDENCE = 0.8


class AlertLevel(IntEnum):
    """Values match costgrid.budgets.v1.BudgetAlertLevel."""

    WARNING = 1
    CRITICAL = 2


@dataclass(frozen=True)
class Status:
    period_start: date
    period_end: date
    spent: Decimal
    remaining: Decimal
    percent_used: Decimal
    burn_rate_7d: Decimal
    burn_rate_period: Decimal
    projected_spend: Decimal
    projected_overage: Decimal
    exhaustion_date: date | None


def percent_of(spent: Decimal, amount: Decimal) -> Decimal:
    return (spent / amount * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def levels_reached(spent: Decimal, amount: Decimal, threshold_percent: Decimal) -> list[AlertLevel]:
    """WARNING from the threshold on, CRITICAL only beyond 100%; exact, not rounded."""
    levels = []
    if spent * 100 >= amount * threshold_percent:
        levels.append(AlertLevel.WARNING)
    if spent > amount:
        levels.append(AlertLevel.CRITICAL)
    return levels


def budget_status(
    amount: Decimal,
    quantum: Decimal,
    period: tuple[date, date],
    as_of: date,
    daily: dict[date, Decimal],
) -> Status:
    """`daily`: the scope's spend per day with data (absent days in between are zero);
    history for the projection runs from its first day to `as_of`."""
    start, end = period
    elapsed = days(start, min(as_of, end))
    spent = sum((daily.get(d, Decimal(0)) for d in elapsed), start=Decimal(0))
    last_week = days(as_of - timedelta(days=6), as_of)
    burn_7d = sum((daily.get(d, Decimal(0)) for d in last_week), start=Decimal(0)) / 7
    burn_period = spent / len(elapsed)
    ahead = _projection(daily, as_of, (end - as_of).days, quantum)
    projected = spent + sum(ahead, start=Decimal(0))

    def q(value: Decimal) -> Decimal:
        return value.quantize(quantum, rounding=ROUND_HALF_UP)

    return Status(
        start,
        end,
        spent,
        amount - spent,
        percent_of(spent, amount),
        q(burn_7d),
        q(burn_period),
        q(projected),
        q(max(Decimal(0), projected - amount)),
        _exhaustion(amount, [(d, daily.get(d, Decimal(0))) for d in elapsed], as_of, ahead),
    )


def _projection(
    daily: dict[date, Decimal], as_of: date, horizon: int, quantum: Decimal
) -> list[Decimal]:
    known = [d for d in daily if d <= as_of]
    history = [float(daily.get(d, Decimal(0))) for d in days(min(known), as_of)] if known else []
    result = forecast(history, horizon, PROJECTION_CONFIDENCE)
    return [Decimal(repr(v)).quantize(quantum, rounding=ROUND_HALF_UP) for v in result.mean]


def _exhaustion(
    amount: Decimal, actual: list[tuple[date, Decimal]], as_of: date, ahead: list[Decimal]
) -> date | None:
    running = Decimal(0)
    projected = [(as_of + timedelta(days=i + 1), v) for i, v in enumerate(ahead)]
    for day, value in actual + projected:
        running += value
        if running >= amount:
            return day
    return None
