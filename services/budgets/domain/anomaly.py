"""Is a day's spend out of line? A robust seasonal baseline learned from the trailing weeks.

The baseline is a Theil-Sen trend on weekday-adjusted values plus a median effect per
weekday, so past spikes (outliers) barely move it and weekends are not mistaken for drops
or Mondays for spikes. Spread is the deviation of the residuals once the MAD has set
outliers aside, widened for the error of the estimates themselves. Only increases are
anomalies: unexpected spend is what costs money.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from enum import IntEnum

import numpy as np

WINDOW_DAYS = 84
MIN_HISTORY_DAYS = 14
# Range half-width in robust standard deviations; chosen in bench/budgets_quality.py.
RANGE_SIGMAS = 2.4
_MAD_TO_SD = 1.4826
_FITTED = 9  # two trend terms and seven weekday effects


class Severity(IntEnum):
    """Values match costgrid.budgets.v1.AnomalySeverity."""

    LOW = 1
    MEDIUM = 2
    HIGH = 3


@dataclass(frozen=True)
class ExpectedRange:
    expected: float
    low: float
    high: float


@dataclass(frozen=True)
class Thresholds:
    """An anomaly is raised only when its impact reaches both."""

    min_impact_amount: Decimal
    min_impact_percent: Decimal


DEFAULT_THRESHOLDS = Thresholds(Decimal("10"), Decimal("10"))


def expected_range(history: list[float], first_weekday: int) -> ExpectedRange | None:
    """`history`: dense daily values of the days just before the day judged (oldest first);
    `first_weekday`: weekday (Mon=0) of history[0]. None when history is too short."""
    y = np.asarray(history[-WINDOW_DAYS:], dtype=float)
    n = len(y)
    if n < MIN_HISTORY_DAYS:
        return None
    first_weekday = (first_weekday + len(history) - n) % 7
    t = np.arange(n)
    weekday = (first_weekday + t) % 7
    # Trend first, so the weekday medians are not smeared by weeks of growth.
    effects = _weekday_effects(y - _theil_sen_slope(t, y) * t, weekday)
    adjusted = y - effects[weekday]
    slope = _theil_sen_slope(t, adjusted)
    intercept = float(np.median(adjusted - slope * t))
    residuals = adjusted - (intercept + slope * t)
    scale = _robust_scale(residuals) * math.sqrt(n / (n - _FITTED))
    target_weekday = (first_weekday + n) % 7
    expected = intercept + slope * n + float(effects[target_weekday])
    same_day = int(np.sum(weekday == target_weekday))
    floor = 0.01 * abs(expected)  # a perfectly flat series still needs some room
    spread = max(scale, floor) * math.sqrt(1 + 1.57 / same_day + 1 / n)
    expected = max(expected, 0.0)
    return ExpectedRange(
        expected, max(0.0, expected - RANGE_SIGMAS * spread), expected + RANGE_SIGMAS * spread
    )


def _robust_scale(residuals: np.ndarray) -> float:
    """Standard deviation of the residuals that are not outliers (MAD picks them out)."""
    centre = np.median(residuals)
    mad = _MAD_TO_SD * float(np.median(np.abs(residuals - centre)))
    inliers = residuals[np.abs(residuals - centre) <= 3.5 * mad]
    return float(np.std(inliers)) if len(inliers) > 2 else mad


def _weekday_effects(y: np.ndarray, weekday: np.ndarray) -> np.ndarray:
    level = np.median(y)
    return np.array(
        [np.median(y[weekday == w]) - level if np.any(weekday == w) else 0.0 for w in range(7)]
    )


def _theil_sen_slope(t: np.ndarray, y: np.ndarray) -> float:
    i, j = np.triu_indices(len(t), k=1)
    return float(np.median((y[j] - y[i]) / (t[j] - t[i])))


@dataclass(frozen=True)
class Judgement:
    """The money side of an anomaly, in exact decimals. `impact` is actual minus the
    expected amount (the baseline itself, not a bound of the range): the one figure shown on
    the anomaly, and the one its root causes share out."""

    expected_low: Decimal
    expected_high: Decimal
    actual: Decimal
    impact: Decimal
    impact_percent: Decimal
    severity: Severity


def judge(
    actual: Decimal, expected: ExpectedRange, thresholds: Thresholds, quantum: Decimal
) -> Judgement | None:
    """The anomaly for `actual`, or None if it is within range or below the minimum impact."""
    low = _money(expected.low, quantum)
    high = _money(expected.high, quantum)
    if actual <= high:
        return None
    baseline = _money(expected.expected, quantum)
    impact = actual - baseline
    percent = (impact / baseline * 100).quantize(Decimal("0.1")) if baseline > 0 else Decimal(100)
    if impact < thresholds.min_impact_amount or percent < thresholds.min_impact_percent:
        return None
    return Judgement(low, high, actual, impact, percent, severity(percent))


def severity(impact_percent: Decimal) -> Severity:
    if impact_percent >= 100:
        return Severity.HIGH
    if impact_percent >= 25:
        return Severity.MEDIUM
    return Severity.LOW


def _money(value: float, quantum: Decimal) -> Decimal:
    return Decimal(repr(value)).quantize(quantum)
