"""A budget alerts only for periods it existed in."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from services.budgets.domain.budget import Budget, BudgetSpec, Scope, exists_in
from services.budgets.domain.periods import PeriodKind, period_of

JANUARY = period_of(PeriodKind.MONTHLY, date(2025, 1, 1))


def _budget(created_on: date) -> Budget:
    spec = BudgetSpec(
        "b", Decimal(1), "USD", PeriodKind.MONTHLY, Decimal(80), Scope(), alert_on_forecast=False
    )
    made = datetime(2025, 1, 1, tzinfo=UTC)
    return Budget(1, spec, made, made, created_on)


def test_a_budget_exists_in_the_period_it_was_created_in_and_later_ones_only():
    budget = _budget(date(2025, 1, 31))

    assert exists_in(budget, JANUARY)
    assert exists_in(budget, period_of(PeriodKind.MONTHLY, date(2025, 2, 1)))
    assert not exists_in(budget, (JANUARY[0] - timedelta(days=31), JANUARY[0] - timedelta(days=1)))
