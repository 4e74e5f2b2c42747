"""Forecast and anomaly quality of the budgets service, measured (issue 4, item 7).

python -m bench.budgets_quality

Forecasts: MAPE on held-out days beside a naive baseline (mean of the last 7 days), and the
share of held-out days inside the 80% interval, on synthetic series with known trend,
weekly seasonality, noise and spikes, and on the FOCUS 1.0 sample (aggregated to days here
with Decimal sums). Anomalies: precision and recall on injected spikes of k x the noise
level. Also the forecast's latency on 180 days of history, uncached.
"""

from __future__ import annotations

import csv
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy as np

from services.budgets.domain.anomaly import WINDOW_DAYS, Thresholds, expected_range, judge
from services.budgets.domain.forecast import forecast

FOCUS = Path(__file__).resolve().parents[1] / "data" / "samples" / "focus-1.0" / "focus_sample.csv"
NO_MINIMUM = Thresholds(Decimal(0), Decimal(0))


@dataclass
class Scores:
    model_ape: list[float]
    naive_ape: list[float]
    inside: list[bool]
    total_inside: list[bool]

    def row(self, name: str) -> str:
        model, naive = np.mean(self.model_ape) * 100, np.mean(self.naive_ape) * 100
        return (
            f"| {name:<34} | {model:6.2f}% | {naive:6.2f}% | {1 - model / naive:6.1%} | "
            f"{np.mean(self.inside):6.1%} | {np.mean(self.total_inside):6.1%} |"
        )


def synthetic(rng: np.random.Generator, n: int, seasonal: bool, spikes: bool) -> np.ndarray:
    level = rng.uniform(50, 5000)
    t = np.arange(n)
    trend = level * rng.uniform(-0.001, 0.004) * t
    profile = rng.uniform(-0.3, 0.15, 7) if seasonal else np.zeros(7)
    offset = rng.integers(7)
    noise = rng.normal(0, level * rng.uniform(0.02, 0.06), n)
    y = level + trend + level * profile[(t + offset) % 7] + noise
    if spikes:
        for day in rng.choice(n - 30, size=3, replace=False):
            y[day] += level * rng.uniform(0.5, 2)
    return np.clip(y, 0, None)


def score(history: np.ndarray, actual: np.ndarray, scores: Scores) -> None:
    result = forecast(list(history), len(actual), 0.8)
    naive = float(np.mean(history[-7:]))
    for i, value in enumerate(actual):
        scores.model_ape.append(abs(result.mean[i] - value) / value)
        scores.naive_ape.append(abs(naive - value) / value)
        scores.inside.append(result.lower[i] <= value <= result.upper[i])
    scores.total_inside.append(result.total_low <= actual.sum() <= result.total_high)


def forecast_table() -> list[str]:
    rows = []
    cases = [
        ("synthetic seasonal, 120d -> 30d", True, False, 120, 30),
        ("synthetic seasonal + spikes, 120d -> 30d", True, True, 120, 30),
        ("synthetic seasonal, 180d -> 90d", True, False, 180, 90),
        ("synthetic seasonal, 28d -> 30d", True, False, 28, 30),
        ("synthetic trend only, 120d -> 30d", False, False, 120, 30),
    ]
    for name, seasonal, spikes, n, h in cases:
        rng = np.random.default_rng(42)
        scores = Scores([], [], [], [])
        for _ in range(60):
            y = synthetic(rng, n + h, seasonal, spikes)
            score(y[:n], y[n:], scores)
        rows.append(scores.row(name))
    for name, holdout in (("FOCUS sample, 23d -> 7d", 7), ("FOCUS sample, 16d -> 14d", 14)):
        daily = focus_daily()
        values = np.array([float(v) for v in daily])
        scores = Scores([], [], [], [])
        score(values[:-holdout], values[-holdout:], scores)
        rows.append(scores.row(name))
    return rows


def focus_daily() -> list[Decimal]:
    """BilledCost per UTC charge day of September 2024, summed exactly."""
    sums: dict[date, Decimal] = defaultdict(Decimal)
    with FOCUS.open(newline="") as handle:
        for row in csv.DictReader(handle):
            if row["BilledCost"] not in ("", "NULL"):
                day = date.fromisoformat(row["ChargePeriodStart"][:10])
                sums[day] += Decimal(row["BilledCost"])
    return [sums.get(date(2024, 9, d), Decimal(0)) for d in range(1, 31)]


def anomaly_table() -> list[str]:
    rows = []
    for name, low, high in (
        ("spikes 3x noise", 3, 3),
        ("spikes 4x noise", 4, 4),
        ("spikes 5x noise", 5, 5),
        ("spikes 3-6x noise (uniform)", 3, 6),
    ):
        rng = np.random.default_rng(7)
        tp = fp = fn = 0
        for _ in range(40):
            n = 56 + 140
            y = synthetic(rng, n, seasonal=True, spikes=False)
            sigma = float(np.std(y - _smooth(y)))
            spike_days = {int(d) for d in rng.choice(np.arange(20, n), size=12, replace=False)}
            for d in spike_days:
                y[d] += sigma * rng.uniform(low, high)
            for d in range(WINDOW_DAYS, n):
                found = _flags(y[d - WINDOW_DAYS : d], y[d], d - WINDOW_DAYS)
                truth = d in spike_days
                tp += found and truth
                fp += found and not truth
                fn += truth and not found
        precision, recall = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
        rows.append(
            f"| {name:<28} | {precision:9.3f} | {recall:6.3f} | {tp:4d} | {fp:4d} | {fn:4d} |"
        )
    return rows


def _smooth(y: np.ndarray) -> np.ndarray:
    """Trend + weekday profile from the known construction, to measure the noise level."""
    t = np.arange(len(y))
    detrended = y - np.polyval(np.polyfit(t, y, 1), t)
    profile = np.array([np.median(detrended[t % 7 == w]) for w in range(7)])
    return np.polyval(np.polyfit(t, y, 1), t) + profile[t % 7]


def _flags(history: np.ndarray, actual: float, first_weekday: int) -> bool:
    rng = expected_range(list(history), first_weekday % 7)
    value = Decimal(repr(float(actual))).quantize(Decimal("0.01"))
    return rng is not None and judge(value, rng, NO_MINIMUM, Decimal("0.01")) is not None


def latency() -> str:
    rng = np.random.default_rng(3)
    times = []
    for _ in range(20):
        history = list(synthetic(rng, 180, True, True))
        started = time.perf_counter()
        forecast(history, 90, 0.8)
        times.append(time.perf_counter() - started)
    return (
        f"forecast latency, 180 days of history -> 90 days, uncached: "
        f"median {np.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms"
    )


def main() -> None:
    print("Forecasts (80% intervals; naive = mean of the last 7 days)")
    print("| series | model MAPE | naive MAPE | better by | days in 80% | totals in 80% |")
    print("|---|---|---|---|---|---|")
    for row in forecast_table():
        print(row)
    print()
    print(
        f"Anomalies (40 series x {196 - WINDOW_DAYS} judged days, 12 spikes each; "
        f"range from the {WINDOW_DAYS} days before)"
    )
    print("| spikes | precision | recall | TP | FP | FN |")
    print("|---|---|---|---|---|---|")
    for row in anomaly_table():
        print(row)
    print()
    print(latency())


if __name__ == "__main__":
    main()
