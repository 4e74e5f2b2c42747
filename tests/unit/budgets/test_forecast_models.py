"""Level shifts, monthly charges and exactly repeating spend, as the forecast sees them."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from services.budgets.domain.forecast import forecast
from services.budgets.domain.level_shifts import level_shifts

WEEKLY = np.array([1.0, 1.05, 1.1, 1.05, 1.0, 0.7, 0.65])


def spend(n: int, seed: int = 3, noise: float = 0.04) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return 1000 * WEEKLY[np.arange(n) % 7] * (1 + rng.normal(0, noise, n))


@pytest.mark.parametrize("seed", range(5))
def test_a_lasting_30_percent_jump_is_found_on_its_day(seed):
    y = spend(180, seed)
    y[150:] *= 1.3
    [shift] = level_shifts(y)
    assert abs(shift.day - 150) <= 1
    assert 200 < shift.size < 400


@pytest.mark.parametrize("seed", range(5))
def test_noise_a_trend_and_spikes_are_not_shifts(seed):
    y = spend(180, seed) * (1 + 0.003 * np.arange(180))
    y[[40, 90, 91, 150]] *= 3
    assert level_shifts(y) == ()


def test_after_a_level_shift_the_forecast_continues_the_new_level():
    y = spend(180)
    y[166:] *= 0.6  # a workload switched off two weeks ago
    result = forecast(list(y), 28, 0.8)
    assert np.mean(result.mean) == pytest.approx(600 * np.mean(WEEKLY), rel=0.05)


def test_a_charge_on_the_1st_of_each_month_is_forecast_on_the_next_1st():
    first = date(2025, 1, 1)
    y = spend(181)
    firsts = [i for i in range(181) if (first + timedelta(days=i)).day == 1]
    y[firsts] += 5000
    result = forecast(list(y), 40, 0.8, first)  # history through June 30th
    july_1st, august_1st = result.mean[0], result.mean[31]
    assert july_1st > 4000 + max(result.mean[1:31])
    assert august_1st > 4000 + max(result.mean[32:])
    for day in (0, 31):
        expected = 5000 + 1000 * WEEKLY[(181 + day) % 7]
        assert result.lower[day] <= expected <= result.upper[day]


@pytest.mark.parametrize(
    "history",
    [[100.0 + i % 7 for i in range(120)], [0.0] * 40 + [100.0] + [0.0] * 20],
    ids=["repeats to the cent", "one day of spend"],
)
def test_a_history_fit_exactly_keeps_bounded_intervals(history):
    result = forecast(history, 30, 0.95)
    assert max(result.upper) < 20 * max(history)
    assert result.total_high < 30 * 20 * max(history)
