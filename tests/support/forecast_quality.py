"""How the forecast fares against two honest baselines, by rolling-origin evaluation.

python -m tests.support.forecast_quality

Baselines: seasonal naive (each day as on the same weekday of the last week) and a
least-squares fit of a linear trend and weekday dummies on the same history the forecast
sees. Each synthetic shape has SERIES seeded series; each is cut at days 180, 194 and 208 and
forecast 7 and 30 days on. Errors are MAPE (over days with positive spend) and WAPE (absolute
errors over spend, which a near-zero day cannot blow up); coverage is the share of days (and
of totals) inside the model's 80% interval.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from datetime import timedelta

import numpy as np

from services.budgets.domain.backtest import mape, wape
from services.budgets.domain.forecast import forecast
from services.budgets.domain.forecast_models import least_squares_trend_weekday, seasonal_naive
from tests.support.forecast_series import SHAPES, Series, focus_daily

SERIES = 12
CUTS = (180, 194, 208)
HORIZONS = (7, 30)
HISTORY_DAYS = 180
CONFIDENCE = 0.8


@dataclass
class Scores:
    actual: list[np.ndarray] = field(default_factory=list)
    model: list[np.ndarray] = field(default_factory=list)
    naive: list[np.ndarray] = field(default_factory=list)
    lsq: list[np.ndarray] = field(default_factory=list)
    inside: list[np.ndarray] = field(default_factory=list)
    total_inside: list[bool] = field(default_factory=list)

    def error(self, metric, forecasts: list[np.ndarray]) -> float:  # type: ignore[no-untyped-def]
        return metric(np.concatenate(forecasts), np.concatenate(self.actual))

    def mape(self, name: str) -> float:
        return self.error(mape, getattr(self, name))

    def wape(self, name: str) -> float:
        return self.error(wape, getattr(self, name))

    @property
    def coverage(self) -> float:
        return float(np.mean(np.concatenate(self.inside)) * 100)

    @property
    def total_coverage(self) -> float:
        return float(np.mean(self.total_inside) * 100)


def score(series: Series, cut: int, horizon: int, scores: Scores) -> None:
    start = max(0, cut - HISTORY_DAYS)
    history, actual = series.values[start:cut], series.values[cut : cut + horizon]
    result = forecast(list(history), horizon, CONFIDENCE, series.first_day + timedelta(days=start))
    lower, upper = np.array(result.lower), np.array(result.upper)
    scores.actual.append(actual)
    scores.model.append(np.array(result.mean))
    scores.naive.append(seasonal_naive(history, horizon).mean)
    scores.lsq.append(least_squares_trend_weekday(history, horizon).mean)
    scores.inside.append((lower <= actual) & (actual <= upper))
    scores.total_inside.append(result.total_low <= actual.sum() <= result.total_high)


def evaluate(shape: str, series: int = SERIES, seed: int = 2024) -> Scores:
    rng = np.random.default_rng(seed)
    scores = Scores()
    for _ in range(series):
        values = SHAPES[shape](rng)
        for cut in CUTS:
            for horizon in HORIZONS:
                score(values, cut, horizon, scores)
    return scores


def evaluate_focus() -> Scores:
    """The sample's 30 days, cut at days 16 and 23 and forecast 7 days on."""
    values = np.array([float(v) for v in focus_daily()])
    series = Series(__import__("datetime").date(2024, 9, 1), values)
    scores = Scores()
    for cut in (16, 23):
        score(series, cut, 7, scores)
    return scores


def row(name: str, s: Scores) -> str:
    model, naive, lsq = s.mape("model"), s.mape("naive"), s.mape("lsq")
    return (
        f"| {name} | {model:.2f}% | {naive:.2f}% | {lsq:.2f}% | {1 - model / min(naive, lsq):+.0%}"
        f" | {s.wape('model'):.2f}% | {s.wape('naive'):.2f}% | {s.wape('lsq'):.2f}%"
        f" | {s.coverage:.1f}% | {s.total_coverage:.1f}% |"
    )


def main(series: int = SERIES) -> None:
    print(
        "| series | model MAPE | seasonal naive | LSQ trend + weekday | better than best"
        " | model WAPE | naive WAPE | LSQ WAPE | days in 80% | totals in 80% |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for shape in SHAPES:
        print(row(shape, evaluate(shape, series)), flush=True)
    print(row("FOCUS sample", evaluate_focus()))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else SERIES)
