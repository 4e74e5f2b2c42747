"""Days counted: up to the last day with cost data, never after the as-of date."""

from __future__ import annotations

from datetime import date

from services.common.cost_days import last_day_counted


def test_days_after_the_last_one_with_data_are_not_counted():
    assert last_day_counted(date(2026, 3, 10), date(2026, 3, 8)) == date(2026, 3, 8)


def test_data_after_the_as_of_date_does_not_stretch_the_days_counted():
    assert last_day_counted(date(2026, 3, 10), date(2026, 3, 12)) == date(2026, 3, 10)


def test_with_no_data_at_all_every_day_to_the_as_of_date_counts():
    assert last_day_counted(date(2026, 3, 10), None) == date(2026, 3, 10)
