"""The overview counts days up to the last day with data: today's missing costs pull neither
the daily average nor the month-end forecast down."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from services.ingest.domain import queries as q
from services.ingest.domain import queries_figures as fig


def test_current_period_ends_at_the_last_day_counted():
    periods = q.overview_periods(date(2026, 3, 10), date(2026, 3, 8))

    assert periods.current == q.Period(date(2026, 3, 1), date(2026, 3, 8))
    assert periods.last_month_same_days == q.Period(date(2026, 2, 1), date(2026, 2, 8))


def test_a_month_with_no_day_counted_yet_has_an_empty_period():
    periods = q.overview_periods(date(2026, 3, 1), date(2026, 2, 27))

    assert (periods.current.start, periods.current.end) == (date(2026, 3, 1), date(2026, 2, 28))
    assert periods.current.days == 0
    assert periods.last_month == q.Period(date(2026, 2, 1), date(2026, 2, 28))


def test_daily_average_divides_by_the_days_counted_and_projects_the_month_from_it():
    periods = q.overview_periods(date(2026, 3, 10), date(2026, 3, 8))
    rate = fig.run_rate("USD", Decimal("9184"), periods.current, Decimal(0), periods.current)

    assert rate.daily_average.amount == Decimal("1148.00")
    assert rate.projected_month_end.amount == Decimal("35588.00")  # 1148 x 31


def test_no_day_counted_gives_a_zero_rate_not_a_division_error():
    periods = q.overview_periods(date(2026, 3, 1), date(2026, 2, 27))
    rate = fig.run_rate(
        "USD", Decimal(0), periods.current, Decimal(0), periods.last_month_same_days
    )

    assert (rate.daily_average.amount, rate.projected_month_end.amount) == (Decimal(0), Decimal(0))
    assert rate.mom_change_percent is None
