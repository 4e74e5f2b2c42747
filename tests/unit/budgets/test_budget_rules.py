"""Budget periods, alert levels, status figures and validation: pure domain, no I/O."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.budgets.domain.budget import check_scope, check_threshold, covers
from services.budgets.domain.periods import PeriodKind, parse_day, period_of, previous_period
from services.budgets.domain.status import AlertLevel, budget_status, levels_reached
from services.common.errors import InvalidArgument

CENT = Decimal("0.01")


@pytest.mark.parametrize(
    ("kind", "day", "expected"),
    [
        (PeriodKind.MONTHLY, date(2024, 2, 29), (date(2024, 2, 1), date(2024, 2, 29))),
        (PeriodKind.MONTHLY, date(2025, 12, 31), (date(2025, 12, 1), date(2025, 12, 31))),
        (PeriodKind.QUARTERLY, date(2025, 5, 17), (date(2025, 4, 1), date(2025, 6, 30))),
        (PeriodKind.QUARTERLY, date(2025, 12, 1), (date(2025, 10, 1), date(2025, 12, 31))),
        (PeriodKind.YEARLY, date(2025, 7, 4), (date(2025, 1, 1), date(2025, 12, 31))),
    ],
)
def test_period_is_the_calendar_period_containing_the_day(kind, day, expected):
    assert period_of(kind, day) == expected


@given(st.sampled_from(list(PeriodKind)), st.dates(date(2000, 1, 1), date(2100, 1, 1)))
def test_periods_tile_the_calendar_without_gaps(kind, day):
    start, end = period_of(kind, day)
    assert start <= day <= end
    assert previous_period(kind, day)[1] == start - timedelta(days=1)


@given(
    st.decimals(Decimal("0.01"), Decimal("100000"), places=2),
    st.decimals(Decimal("0"), Decimal("300000"), places=4),
    st.decimals(Decimal("1"), Decimal("1000"), places=1),
)
def test_warning_from_the_threshold_on_and_critical_only_beyond_the_amount(
    amount, spent, threshold
):
    levels = levels_reached(spent, amount, threshold)
    assert (AlertLevel.WARNING in levels) == (spent / amount * 100 >= threshold)
    assert (AlertLevel.CRITICAL in levels) == (spent > amount)


def test_exactly_at_the_amount_is_not_critical():
    assert levels_reached(Decimal("100"), Decimal("100"), Decimal("80")) == [AlertLevel.WARNING]


def test_status_when_over_budget_has_negative_remaining_and_past_run_out_day():
    daily = {date(2025, 1, d): Decimal("30") for d in range(1, 11)}
    status = budget_status(
        Decimal("200"),
        CENT,
        period_of(PeriodKind.MONTHLY, date(2025, 1, 10)),
        date(2025, 1, 10),
        daily,
    )
    assert (status.spent, status.remaining, status.percent_used) == (
        Decimal("300"),
        Decimal("-100"),
        Decimal("150.0"),
    )
    assert status.exhaustion_date == date(2025, 1, 7)  # 7 x 30 = 210 >= 200
    assert status.projected_spend == Decimal("930.00")
    assert status.projected_overage == Decimal("730.00")


@pytest.mark.parametrize("value", [Decimal("0.99"), Decimal("1000.01"), Decimal("-5")])
def test_threshold_outside_1_to_1000_is_rejected(value):
    with pytest.raises(InvalidArgument) as caught:
        check_threshold(value, "budget.alert_threshold_percent")
    assert caught.value.field == "budget.alert_threshold_percent"


def test_scope_is_normalised_and_narrows_by_account_and_provider():
    scope = check_scope([5, 3, 5], 1, [" EC2 ", "EC2"], "budget.scope")
    assert (scope.account_ids, scope.services) == ((3, 5), ("EC2",))
    assert covers(scope, 3, 1) and not covers(scope, 4, 1) and not covers(scope, 3, 2)
    assert covers(check_scope([], 0, [], "s"), 99, 4)


@pytest.mark.parametrize("text", ["2025-6-1", "20250601", "2025-02-30", ""])
def test_only_real_yyyy_mm_dd_days_parse(text):
    with pytest.raises(ValueError):
        parse_day(text)
