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
    counted_through: date,
    daily: dict[date, Decimal],
) -> Status:
    """`daily`: the scope's spend per day with data (absent days in between are zero);
    `counted_through`: the last day counted (services.common.cost_days). The 7-day burn rate is
    the mean of the 7 days ending then, the period's is spent / the period's days counted,
    and the projection runs from the next day, on history from the first day to then."""
    start, end = period
    counted = days(start, min(counted_through, end))
    spent = sum((daily.get(d, Decimal(0)) for d in counted), start=Decimal(0))
    last_week = days(counted_through - timedelta(days=6), counted_through)
    burn_7d = sum((daily.get(d, Decimal(0)) for d in last_week), start=Decimal(0)) / 7
    burn_period = spent / len(counted) if counted else Decimal(0)
    ahead = _projection(daily, counted_through, end, quantum)
    projected = spent + sum((v for d, v in ahead if d >= start), start=Decimal(0))

    def q(value: Decimal) -> Decimal:
        return value.quantize(quantum, rounding=ROUND_HALF_UP)

    actual = [(d, daily.get(d, Decimal(0))) for d in counted]
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
        _exhaustion(amount, actual + [(d, v) for d, v in ahead if d >= start]),
    )


def _projection(
    daily: dict[date, Decimal], counted_through: date, end: date, quantum: Decimal
) -> list[tuple[date, Decimal]]:
    """Each day after `counted_through` to `end`, with its projected spend."""
    known = [d for d in daily if d <= counted_through]
    history = (
        [float(daily.get(d, Decimal(0))) for d in days(min(known), counted_through)]
        if known
        else []
    )
    first = min(known) if known else None
    result = forecast(history, (end - counted_through).days, PROJECTION_CONFIDENCE, first)
    return [
        (counted_through + timedelta(days=i + 1), Decimal(repr(v)).quantize(quantum, ROUND_HALF_UP))
        for i, v in enumerate(result.mean)
    ]


def _exhaustion(amount: Decimal, spend: list[tuple[date, Decimal]]) -> date | None:
    running = Decimal(0)
    for day, value in spend:
        running += value
        if running >= amount:
            return day
    return None
