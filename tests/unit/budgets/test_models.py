"""Forecast fallback and shapes, the anomaly baseline, event parsing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy as np
import pytest

from services.budgets.domain.anomaly import expected_range
from services.budgets.domain.forecast import Method, forecast
from services.budgets.handlers.costs import rows_of
from tests.support.budgets_events import costs_updated


def weekly(n: int, noise: float = 2.0, seed: int = 1) -> list[float]:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return list(100 + 0.3 * t + np.where(t % 7 >= 5, -30, 0) + rng.normal(0, noise, n))


def test_under_14_days_is_run_rate_with_bounds_at_least_half_the_rate_wide():
    result = forecast([40.0] * 13, 10, 0.8)
    assert result.method == Method.RUN_RATE and result.history_days == 13
    assert result.mean == (40.0,) * 10
    assert result.lower[0] <= 40 - 0.5 * 40 * 1.28 + 1e-6
    assert result.upper[0] >= 40 + 0.5 * 40 * 1.28 - 1e-6
    assert result.total_low < 400 < result.total_high


def test_no_history_forecasts_zero():
    result = forecast([], 30, 0.8)
    assert result.total == 0 and len(result.mean) == 30


def test_seasonal_forecast_keeps_weekends_low_and_bounds_around_the_mean():
    history = weekly(120)
    result = forecast(history, 14, 0.8)
    assert result.method == Method.SEASONAL
    # Day 120 is index 120 % 7 = 1: a weekday; days 124-125 are the weekend.
    assert result.mean[0] - result.mean[4] > 20
    assert all(
        lo <= m <= hi for lo, m, hi in zip(result.lower, result.mean, result.upper, strict=True)
    )
    assert result.total_low < result.total < result.total_high


def test_wider_confidence_gives_wider_intervals():
    history = weekly(60)
    narrow, wide = forecast(history, 30, 0.5), forecast(history, 30, 0.95)
    assert wide.upper[5] - wide.lower[5] > narrow.upper[5] - narrow.lower[5]


def test_baseline_ignores_past_spikes_and_weekends():
    history = weekly(56, noise=1.0)
    history[20] *= 5  # an old spike must not widen the range
    weekday = expected_range(history, first_weekday=0)  # day 56 is a Monday
    assert weekday is not None
    assert weekday.low < 100 + 0.3 * 56 < weekday.high
    assert weekday.high - weekday.low < 20
    saturday = expected_range(history + [110.0] * 5, first_weekday=0)  # day 61: Saturday
    assert saturday is not None and saturday.high < 100


def test_too_little_history_judges_nothing():
    assert expected_range([10.0] * 13, 0) is None


def test_event_rows_are_summed_per_day_service_region_and_currency():
    day = date(2025, 1, 2)
    event = costs_updated(
        "o",
        1,
        (day, day),
        [(day, "VM", "", "1.10"), (day, "VM", "", "2.205"), (day, "VM", "", "3", "EUR")],
    )
    window, rows = rows_of(event)
    assert window == (day, day)
    assert sorted((r.currency, r.amount) for r in rows) == [
        ("EUR", Decimal(3)),
        ("USD", Decimal("3.305")),
    ]


def test_event_with_a_day_outside_its_window_is_malformed():
    event = costs_updated(
        "o", 1, (date(2025, 1, 2), date(2025, 1, 3)), [(date(2025, 1, 9), "VM", "", "1")]
    )
    with pytest.raises(ValueError):
        rows_of(event)
