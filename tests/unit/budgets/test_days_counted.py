"""Budget status counts days up to the last day with data: days without data yet are
neither spend nor days."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from services.budgets.domain.periods import PeriodKind, days, period_of
from services.budgets.domain.status import budget_status

CENT = Decimal("0.01")
JANUARY = period_of(PeriodKind.MONTHLY, date(2025, 1, 1))


def test_burn_rates_leave_out_the_days_without_data_yet():
    daily = {d: Decimal("10") for d in days(date(2024, 12, 20), date(2025, 1, 12))}
    status = budget_status(Decimal("1000"), CENT, JANUARY, date(2025, 1, 12), daily)

    assert (status.spent, status.burn_rate_7d, status.burn_rate_period) == (
        Decimal("120"),
        Decimal("10.00"),
        Decimal("10.00"),
    )
    # Run-rate from the 13th: 19 more days at 10.
    assert status.projected_spend == Decimal("310.00")


def test_on_the_second_with_only_the_first_counted_the_period_rate_is_the_first_days():
    daily = {date(2025, 1, 1): Decimal("50")}
    status = budget_status(Decimal("1000"), CENT, JANUARY, date(2025, 1, 1), daily)

    assert status.burn_rate_period == Decimal("50.00")
    assert status.projected_spend == Decimal("1550.00")
    assert status.exhaustion_date == date(2025, 1, 20)


def test_a_period_with_no_day_counted_yet_projects_only_its_own_days():
    daily = {d: Decimal("10") for d in days(date(2024, 12, 1), date(2024, 12, 31))}
    status = budget_status(Decimal("1000"), CENT, JANUARY, date(2024, 12, 31), daily)

    assert (status.spent, status.burn_rate_period, status.burn_rate_7d) == (
        Decimal(0),
        Decimal(0),
        Decimal("10.00"),
    )
    assert status.projected_spend == Decimal("310.00")
