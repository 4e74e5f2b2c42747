"""Daily spend forecasts: the candidate model that forecast this history's own recent past
best, with intervals sized to the errors it made there; run-rate when history is short.

The candidates (services.budgets.domain.forecast_models) are the same weekday of last week,
and weekday profiles with or without a trend, level shifts, and monthly steps and charges
when the calendar is known. Each is fit at several cut-offs of the history and scored on
the days after them (services.budgets.domain.backtest); the lowest mean absolute error wins.
Since the same-weekday-last-week forecast is a candidate, the choice is never worse than it
on the series' own past.

The statistics run on floats; callers turn the results back into Decimal money at the edge,
rounded to the currency's minor unit. A forecast is a pure function of the history, so
results are memoised on it: a repeated question costs nothing and any revised day changes
the key.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from enum import IntEnum
from functools import lru_cache
from statistics import NormalDist

import numpy as np

from services.budgets.domain import backtest
from services.budgets.domain.forecast_models import (
    Calendar,
    Candidate,
    Fitted,
    Known,
    regression,
    seasonal_naive,
)
from services.budgets.domain.level_shifts import MIN_AFTER, Shift, level_shifts

MIN_SEASONAL_DAYS = 14
MAX_HISTORY_DAYS = 180
SEASON = 7
# Backtests look this far ahead at most: far enough to see a wrong trend, near enough to
# leave several cut-offs in a few months of history.
BACKTEST_DAYS = 14
BACKTEST_CUTS = 6
# Each cut-off keeps at least this much history to fit on.
BACKTEST_MIN_HISTORY = 14
# Without cut-offs to measure errors on, intervals widen the model's own by this much.
UNMEASURED_WIDENING = 1.5
CANDIDATES: dict[str, Candidate] = {
    "seasonal naive": seasonal_naive,
    "weekday level": regression(trend=False, window=8 * SEASON),
    "trend": regression(trend=True),
    "recent trend": regression(trend=True, window=8 * SEASON),
    "log weekday level": regression(trend=False, window=8 * SEASON, log=True),
    "log trend": regression(trend=True, log=True),
    "log recent trend": regression(trend=True, window=8 * SEASON, log=True),
}
CALENDAR_CANDIDATES: dict[str, Candidate] = {
    "monthly": regression(trend=True, monthly=True, shifts=False),
    "log monthly": regression(trend=True, monthly=True, shifts=False, log=True),
}
# Used when the history is too short to backtest.
DEFAULT_CANDIDATE = "weekday level"


class Method(IntEnum):
    """Values match costgrid.budgets.v1.ForecastMethod."""

    SEASONAL = 1
    RUN_RATE = 2


@dataclass(frozen=True)
class Forecast:
    method: Method
    history_days: int
    mean: tuple[float, ...]
    lower: tuple[float, ...]
    upper: tuple[float, ...]
    total: float
    total_low: float
    total_high: float


def forecast(
    history: list[float], horizon: int, confidence: float, first_day: date | None = None
) -> Forecast:
    """`history`: dense daily totals ending the day before the first forecast day;
    `first_day`: the date of `history[0]`, when known, for monthly patterns."""
    tail = tuple(history[-MAX_HISTORY_DAYS:])
    if horizon <= 0:
        return Forecast(Method.RUN_RATE, len(tail), (), (), (), 0.0, 0.0, 0.0)
    if first_day is not None:
        first_day += timedelta(days=len(history) - len(tail))
    return _forecast(tail, horizon, round(confidence, 4), first_day)


@lru_cache(maxsize=1024)
def _forecast(
    history: tuple[float, ...], horizon: int, confidence: float, first_day: date | None
) -> Forecast:
    y = np.asarray(history, dtype=float)
    if len(y) >= MIN_SEASONAL_DAYS and float(np.ptp(y)) > 0:
        return _seasonal(y, horizon, confidence, first_day)
    return run_rate(y, horizon, confidence)


def _z(confidence: float) -> float:
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def run_rate(y: np.ndarray, horizon: int, confidence: float) -> Forecast:
    """The recent daily average, with bounds that own up to how little is known.

    The daily spread is at least half the rate; the total adds the uncertainty of the rate
    itself, which persists over every day of the horizon.
    """
    if len(y) == 0:
        zeros = (0.0,) * horizon
        return Forecast(Method.RUN_RATE, 0, zeros, zeros, zeros, 0.0, 0.0, 0.0)
    rate = float(np.mean(y[-SEASON:]))
    spread = max(float(np.std(y, ddof=1)) if len(y) > 1 else 0.0, 0.5 * abs(rate))
    z = _z(confidence)
    day_low, day_high = max(0.0, rate - z * spread), rate + z * spread
    total = rate * horizon
    total_sd = math.sqrt(horizon * spread**2 + (horizon * spread / math.sqrt(len(y))) ** 2)
    return Forecast(
        Method.RUN_RATE,
        len(y),
        (rate,) * horizon,
        (day_low,) * horizon,
        (day_high,) * horizon,
        total,
        max(0.0, total - z * total_sd),
        total + z * total_sd,
    )


def _seasonal(y: np.ndarray, horizon: int, confidence: float, first_day: date | None) -> Forecast:
    shifts = level_shifts(y)
    calendar = Calendar(first_day) if first_day is not None else None
    known = Known(calendar, _days(shifts), float(np.mean(np.abs(y))))
    candidates = CANDIDATES | (CALENDAR_CANDIDATES if known.calendar is not None else {})
    ahead, cuts, settled = _cuts(len(y), horizon, shifts)
    if not cuts:
        fitted = candidates[DEFAULT_CANDIDATE](y, horizon, known)
        z = _z(confidence) * UNMEASURED_WIDENING
        return _bounded(fitted, len(y), z, z)
    runs = {
        name: backtest.backtest(y, _predictor(candidate, known), ahead, cuts)
        for name, candidate in candidates.items()
    }
    best = min(runs, key=lambda name: backtest.mean_absolute_error(runs[name]))
    fitted = candidates[best](y, horizon, known)
    errors = runs[best]
    if not settled:
        # Errors on a jump no forecast could know of would widen the intervals for good.
        level = _without(shifts[-1], y)
        unknown = Known(known.calendar, _days(shifts[:-1]), known.scale)
        errors = backtest.backtest(level, _predictor(candidates[best], unknown), ahead, cuts)
    daily = backtest.interval_multiplier(errors, confidence)
    total = backtest.total_multiplier(errors, confidence) if ahead >= SEASON else daily
    return _bounded(fitted, len(y), daily, total)


def _cuts(length: int, horizon: int, shifts: tuple[Shift, ...]) -> tuple[int, list[int], bool]:
    """How far ahead to backtest, from which cut-offs, and whether they all come after the
    last level shift: they do when two fit there a week or more ahead. Before it every
    candidate misses the same jump, which says little about them."""
    ahead = min(horizon, BACKTEST_DAYS)
    if shifts:
        for days_ahead in range(ahead, SEASON - 1, -SEASON):
            cuts = backtest.cuts(length, days_ahead, BACKTEST_CUTS, shifts[-1].day + MIN_AFTER)
            if len(cuts) >= 2:
                return days_ahead, cuts, True
    return ahead, backtest.cuts(length, ahead, BACKTEST_CUTS, BACKTEST_MIN_HISTORY), not shifts


def _without(shift: Shift, y: np.ndarray) -> np.ndarray:
    """`y` as if the days before `shift` had been at its new level already."""
    old = float(np.median(y[max(0, shift.day - 2 * SEASON) : shift.day]))
    # Spend scales: a workload that doubles doubles its weekday swing too.
    if old > 0 and old + shift.size > 0:
        before = y[: shift.day] * (1 + shift.size / old)
    else:
        before = y[: shift.day] + shift.size
    return np.concatenate([before, y[shift.day :]])


def _days(shifts: tuple[Shift, ...]) -> tuple[int, ...]:
    return tuple(shift.day for shift in shifts)


def _predictor(candidate: Candidate, known: Known) -> backtest.Predict:
    """The candidate as forecast from a cut-off: it knows the shifts found before the cut,
    though finding them took the days after; which model best continues a shift known to
    have happened is the question the backtest answers."""

    def predict(y: np.ndarray, horizon: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        fitted = candidate(y, horizon, known.before(len(y)))
        return fitted.mean, fitted.sd, fitted.total_sd

    return predict


def _bounded(fitted: Fitted, history_days: int, daily: float, total: float) -> Forecast:
    mean = np.clip(fitted.mean, 0, None)
    half = daily * fitted.sd
    projected = float(mean.sum())
    spread = total * float(fitted.total_sd[-1])
    return Forecast(
        Method.SEASONAL,
        history_days,
        tuple(float(v) for v in mean),
        tuple(float(v) for v in np.clip(mean - half, 0, None)),
        tuple(float(v) for v in mean + half),
        projected,
        max(0.0, projected - spread),
        projected + spread,
    )
