"""Daily spend forecasts: a damped-trend, weekly-seasonal ETS model, or run-rate when short.

The statistics run on floats (statsmodels needs them); callers turn the results back into
Decimal money at the edge, rounded to the currency's minor unit. A forecast is a pure
function of the history, so results are memoised on it: a repeated question costs nothing
and any revised day changes the key.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from enum import IntEnum
from functools import lru_cache
from statistics import NormalDist

import numpy as np
import pandas as pd
from statsmodels.tsa.exponential_smoothing.ets import ETSModel

MIN_SEASONAL_DAYS = 14
MAX_HISTORY_DAYS = 180
SEASON = 7
# ETS intervals leave out parameter uncertainty, so they run narrow; these widen them to the
# coverage measured on held-out days in bench/budgets_quality.py.
DAILY_WIDENING = 1.2
TOTAL_WIDENING = 1.5
# Under this much history the fitted parameters are shaky: daily intervals widen up to 2x,
# totals (where a wrong trend accumulates) up to 4x.
SHORT_HISTORY_DAYS = 56
_SIMULATIONS = 200
# Days further than this many robust deviations from their weekday neighbours are spikes:
# the model sees the neighbours' median instead, so one incident does not bend the forecast.
_SPIKE_SIGMAS = 4.0


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


def forecast(history: list[float], horizon: int, confidence: float) -> Forecast:
    """`history`: dense daily totals ending the day before the first forecast day."""
    tail = tuple(history[-MAX_HISTORY_DAYS:])
    if horizon <= 0:
        return Forecast(Method.RUN_RATE, len(tail), (), (), (), 0.0, 0.0, 0.0)
    return _forecast(tail, horizon, round(confidence, 4))


@lru_cache(maxsize=1024)
def _forecast(history: tuple[float, ...], horizon: int, confidence: float) -> Forecast:
    y = np.asarray(history, dtype=float)
    if len(y) >= MIN_SEASONAL_DAYS and float(np.ptp(y)) > 0:
        result = _seasonal(y, horizon, confidence)
        if result is not None:
            return result
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


def _seasonal(y: np.ndarray, horizon: int, confidence: float) -> Forecast | None:
    y = despiked(y) if len(y) >= 4 * SEASON else y
    init = "heuristic" if len(y) >= 16 else "estimated"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            model = ETSModel(
                pd.Series(y),
                error="add",
                trend="add",
                damped_trend=True,
                seasonal="add",
                seasonal_periods=SEASON,
                initialization_method=init,
            )
            fit = model.fit(disp=False)
            frame = fit.get_prediction(start=len(y), end=len(y) + horizon - 1).summary_frame(
                alpha=1 - confidence
            )
            paths = np.asarray(
                fit.simulate(
                    horizon, repetitions=_SIMULATIONS, anchor="end", rng=np.random.default_rng(7)
                )
            ).reshape(horizon, -1)
        except (ValueError, np.linalg.LinAlgError):
            return None
    mean = np.clip(frame["mean"].to_numpy(), 0, None)
    short = 1 + max(0, SHORT_HISTORY_DAYS - len(y)) / SHORT_HISTORY_DAYS
    half = (
        (frame["pi_upper"].to_numpy() - frame["pi_lower"].to_numpy()) / 2 * DAILY_WIDENING * short
    )
    if not (np.all(np.isfinite(mean)) and np.all(np.isfinite(half))):
        return None
    totals = np.clip(paths, 0, None).sum(axis=0)
    q_low, median, q_high = np.quantile(totals, [0.5 - confidence / 2, 0.5, 0.5 + confidence / 2])
    total = float(mean.sum())
    return Forecast(
        Method.SEASONAL,
        len(y),
        tuple(float(v) for v in mean),
        tuple(float(v) for v in np.clip(mean - half, 0, None)),
        tuple(float(v) for v in mean + half),
        total,
        max(0.0, total - float(median - q_low) * TOTAL_WIDENING * short**2),
        total + float(q_high - median) * TOTAL_WIDENING * short**2,
    )


def despiked(y: np.ndarray) -> np.ndarray:
    """`y` with spikes and dips replaced by the median of the same weekday two weeks around."""
    n = len(y)
    neighbours = np.array(
        [np.median([y[j] for j in range(i - 14, i + 15, 7) if 0 <= j < n]) for i in range(n)]
    )
    residuals = y - neighbours
    scale = 1.4826 * float(np.median(np.abs(residuals - np.median(residuals))))
    if scale == 0:
        return y
    return np.where(np.abs(residuals) > _SPIKE_SIGMAS * scale, neighbours, y)
