"""Synthetic daily spend of known shapes, and the two baselines a forecast has to beat.

Shapes (each with noise; `weekly` also carries a trend, as cloud spend does):
  trend        level + slope, no weekly pattern;
  weekly       level + slope + a weekday profile;
  monthly step weekly, and the level steps up on the 1st of each calendar month;
  spikes       weekly, with one-day spikes of 0.5-2x the level in history and held-out days;
  level shift  weekly, and the level moves by 20-50% (up or down) on one of the last 60 days
               of history.

Baselines: seasonal naive (each day = the same weekday of the last week) and a least-squares
fit of level + trend + weekday on the whole history, projected.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

SHAPES = ("trend", "weekly", "monthly step", "spikes", "level shift")


def series(rng: np.random.Generator, shape: str, history: int, horizon: int = 0) -> np.ndarray:
    n = history + horizon
    level = rng.uniform(50, 5000)
    t = np.arange(n)
    y = level + level * rng.uniform(-0.001, 0.004) * t
    if shape != "trend":
        profile = rng.uniform(-0.3, 0.15, 7)
        y += level * profile[(t + rng.integers(7)) % 7]
    if shape == "monthly step":
        first = date(2024, 1, 1) + timedelta(days=int(rng.integers(365)))
        months = np.array([(first + timedelta(days=int(d))).month for d in t])
        steps = np.cumsum(np.r_[0, np.diff(months) != 0])
        y *= (1 + rng.uniform(0.05, 0.2)) ** steps
    if shape == "spikes":
        for day in np.flatnonzero(rng.random(n) < 3 / 120):
            y[day] += level * rng.uniform(0.5, 2)
    if shape == "level shift":
        at = history - int(rng.integers(1, 61))
        y[at:] *= 1 + rng.choice([-1, 1]) * rng.uniform(0.2, 0.5)
    y += rng.normal(0, level * rng.uniform(0.02, 0.06), n)
    return np.clip(y, level * 0.05, None)


def seasonal_naive(history: np.ndarray, horizon: int) -> np.ndarray:
    last_week = history[-7:]
    return np.array([last_week[i % 7] for i in range(horizon)])


def trend_weekday(history: np.ndarray, horizon: int) -> np.ndarray:
    """Ordinary least squares on [1, t, weekday indicators]: the textbook regression."""
    n = len(history)
    t = np.arange(n + horizon)
    design = np.column_stack([np.ones_like(t), t, *((t % 7 == w) for w in range(1, 7))])
    coefficients, *_ = np.linalg.lstsq(design[:n].astype(float), history, rcond=None)
    return np.clip(design[n:] @ coefficients, 0, None)
