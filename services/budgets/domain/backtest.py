"""Rolling-origin backtests: forecast a history from several of its own cut-offs and compare
with what followed. The forecast chooses its model and sizes its intervals this way, and the
quality tests judge the forecast itself the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

# Cut-offs a week apart: each sees a different weekday mix of errors and a different amount
# of the most recent data, which is where level shifts and bends show.
SPACING = 7


@dataclass(frozen=True)
class Run:
    """One cut-off's forecast beside what happened."""

    cut: int
    mean: np.ndarray
    sd: np.ndarray
    total_sd: np.ndarray
    actual: np.ndarray

    @property
    def error(self) -> np.ndarray:
        error: np.ndarray = self.mean - self.actual
        return error


def cuts(length: int, horizon: int, count: int, min_history: int) -> list[int]:
    """Up to `count` cut-offs, latest first, each with `horizon` days after it."""
    latest = length - horizon
    return [c for c in range(latest, latest - count * SPACING, -SPACING) if c >= min_history]


Predict = Callable[[np.ndarray, int], tuple[np.ndarray, np.ndarray, np.ndarray]]


def backtest(y: np.ndarray, predict: Predict, horizon: int, at: list[int]) -> list[Run]:
    runs = []
    for cut in at:
        mean, sd, total_sd = predict(y[:cut], horizon)
        runs.append(Run(cut, mean, sd, total_sd, y[cut : cut + horizon]))
    return runs


def mean_absolute_error(runs: list[Run]) -> float:
    return float(np.mean([np.abs(r.error) for r in runs]))


def mape(forecast: np.ndarray, actual: np.ndarray) -> float:
    """Mean absolute percentage error over days with positive spend, in percent."""
    keep = actual > 0
    return float(np.mean(np.abs(forecast[keep] - actual[keep]) / actual[keep]) * 100)


def wape(forecast: np.ndarray, actual: np.ndarray) -> float:
    """Absolute errors over absolute spend, in percent: MAPE weighted by each day's spend, so
    a near-zero day cannot blow it up."""
    return float(np.sum(np.abs(forecast - actual)) / max(np.sum(np.abs(actual)), 1e-12) * 100)


def interval_multiplier(runs: list[Run], confidence: float) -> float:
    """How many of the model's own standard deviations held `confidence` of the errors."""
    ratios = np.concatenate([np.abs(r.error) / np.maximum(r.sd, 1e-12) for r in runs])
    return _conformal_quantile(ratios, confidence)


def total_multiplier(runs: list[Run], confidence: float) -> float:
    """The same for running totals over the horizon, a week at a time."""
    ratios = [
        abs(float(np.sum(r.error[:k]))) / max(float(r.total_sd[k - 1]), 1e-12)
        for r in runs
        for k in range(SPACING, len(r.error) + 1, SPACING)
    ]
    return _conformal_quantile(np.array(ratios), confidence)


def _conformal_quantile(ratios: np.ndarray, confidence: float) -> float:
    """The quantile that covers a new error with probability `confidence` if it is like the
    ones seen: a rank of ceil((n + 1) * confidence) of n, so few errors give a wider margin."""
    rank = min(len(ratios), int(np.ceil((len(ratios) + 1) * confidence)))
    return float(np.sort(ratios)[rank - 1])
