"""Synthetic daily spend of known shapes, and the FOCUS sample's daily totals, for judging
forecasts. Every series comes from a seeded generator, so a run is repeatable.

Each shape has a weekly profile and noise of 2-8% of its level; what sets it apart is the
structure a forecast has to find (or must not be fooled by).
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np

FOCUS_CSV = Path(__file__).resolve().parents[2] / "data/samples/focus-1.0/focus_sample.csv"
LENGTH = 240
# Events (a level shift, a bend in the trend) happen before the earliest cut-off the
# evaluation uses, so they are in the history every forecast sees.
EARLIEST_CUT = 180


@dataclass(frozen=True)
class Series:
    first_day: date
    values: np.ndarray


def _base(rng: np.random.Generator) -> tuple[date, np.ndarray, float, np.ndarray, np.ndarray]:
    first_day = date(2023, 1, 1) + timedelta(days=int(rng.integers(0, 365)))
    t = np.arange(LENGTH)
    level = float(rng.uniform(50, 5000))
    weekly = rng.uniform(-0.3, 0.15, 7)
    noise = rng.normal(0, rng.uniform(0.02, 0.08), LENGTH)
    return first_day, t, level, weekly[(t + first_day.weekday()) % 7], noise


def linear_trend(rng: np.random.Generator) -> Series:
    """Straight-line growth, additive weekly profile, Gaussian noise: the exact model of the
    least-squares baseline, so the best any forecast can do here is to match it."""
    first_day, t, level, weekly, noise = _base(rng)
    slope = rng.uniform(-0.001, 0.004)
    return Series(first_day, level * (1 + slope * t + weekly + noise))


def bending_trend(rng: np.random.Generator) -> Series:
    """Growth whose rate changes once (a new workload, a finished migration)."""
    first_day, t, level, weekly, noise = _base(rng)
    bend = int(rng.integers(90, EARLIEST_CUT - 40))
    before, after = rng.uniform(-0.001, 0.003), rng.uniform(0.003, 0.008) * rng.choice([-1, 1])
    growth = np.where(t < bend, before * t, before * bend + after * (t - bend))
    return Series(first_day, level * np.clip(1 + growth + weekly + noise, 0.05, None))


def weekly(rng: np.random.Generator) -> Series:
    """A flat level with a weekly profile proportional to it."""
    first_day, _, level, weekly_, noise = _base(rng)
    return Series(first_day, level * (1 + weekly_) * (1 + noise))


def monthly_step(rng: np.random.Generator) -> Series:
    """Spend that steps up on the 1st of every month (capacity bought month by month)."""
    first_day, t, level, weekly_, noise = _base(rng)
    days = [first_day + timedelta(days=int(i)) for i in t]
    months = np.array([(d.year - first_day.year) * 12 + d.month - first_day.month for d in days])
    step = rng.uniform(0.05, 0.15)
    return Series(first_day, level * (1 + step) ** months * (1 + weekly_ + noise))


def monthly_charge(rng: np.random.Generator) -> Series:
    """A trend and weekly profile, and a fixed charge on the 1st of each month (support plans,
    reserved capacity, marketplace subscriptions) of 2 to 6 days' spend."""
    first_day, t, level, weekly_, noise = _base(rng)
    days = np.datetime64(first_day, "D") + t
    firsts = days == days.astype("datetime64[M]").astype("datetime64[D]")
    slope = rng.uniform(-0.0005, 0.002)
    return Series(first_day, level * (1 + slope * t + weekly_ + noise + firsts * rng.uniform(2, 6)))


def level_shift(rng: np.random.Generator) -> Series:
    """One lasting jump or drop of 20-50%, 4 to 40 days before the earliest cut-off."""
    first_day, t, level, weekly_, noise = _base(rng)
    shift_day = int(rng.integers(EARLIEST_CUT - 40, EARLIEST_CUT - 4))
    size = rng.uniform(0.2, 0.5) * rng.choice([-1, 1])
    slope = rng.uniform(-0.0005, 0.002)
    return Series(
        first_day,
        level * (1 + slope * t + np.where(t >= shift_day, size, 0)) * (1 + weekly_ + noise),
    )


def spikes(rng: np.random.Generator) -> Series:
    """A trend and weekly profile with one-day incidents of +50-300%, about one a fortnight."""
    first_day, t, level, weekly_, noise = _base(rng)
    slope = rng.uniform(-0.001, 0.003)
    y = level * (1 + slope * t + weekly_ + noise)
    hit = rng.random(LENGTH) < 1 / 14
    return Series(first_day, y + hit * level * rng.uniform(0.5, 3, LENGTH))


def noise(rng: np.random.Generator) -> Series:
    """No structure at all: a level and 10-30% noise."""
    first_day = date(2023, 1, 1) + timedelta(days=int(rng.integers(0, 365)))
    level = float(rng.uniform(50, 5000))
    return Series(
        first_day, level * np.clip(1 + rng.normal(0, rng.uniform(0.1, 0.3), LENGTH), 0.05, None)
    )


Shape = Callable[[np.random.Generator], Series]
SHAPES: dict[str, Shape] = {
    "linear trend": linear_trend,
    "bending trend": bending_trend,
    "weekly": weekly,
    "monthly step": monthly_step,
    "monthly charge": monthly_charge,
    "level shift": level_shift,
    "spikes": spikes,
    "noise": noise,
}


def focus_daily() -> list[Decimal]:
    """BilledCost per UTC charge day of September 2024, summed exactly."""
    sums: dict[date, Decimal] = defaultdict(Decimal)
    with FOCUS_CSV.open(newline="") as handle:
        for row in csv.DictReader(handle):
            if row["BilledCost"] not in ("", "NULL"):
                sums[date.fromisoformat(row["ChargePeriodStart"][:10])] += Decimal(
                    row["BilledCost"]
                )
    return [sums.get(date(2024, 9, d), Decimal(0)) for d in range(1, 31)]
