"""Days on which daily spend moved to a new level and stayed there.

A shift shows as a jump between the medians of the fortnights either side of a day; a steady
trend moves every such difference by the same amount, so it is the excess over the typical
difference that counts. Medians let one-day spikes pass, and two-week windows hold every
weekday twice, so the weekly profile cancels out.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

SEASON = 7
WINDOW = 2 * SEASON
# The fewest days after a shift that may confirm it.
MIN_AFTER = 7
# How far past its noise the excess jump must reach: rare enough on pure noise over a
# year of history, small enough to see a 20% step at 8% noise.
THRESHOLD = 5.0
NOISE_FLOOR = 0.01


class Shift(NamedTuple):
    day: int
    # The new level minus the old, beyond what the trend accounts for.
    size: float


def level_shifts(y: np.ndarray) -> tuple[Shift, ...]:
    """The first day at each new level, oldest first."""
    n = len(y)
    if n < WINDOW + MIN_AFTER:
        return ()
    z = y - _weekday_profile(y)
    sigma = 1.4826 * float(np.median(np.abs(np.diff(z) - np.median(np.diff(z))))) / np.sqrt(2)
    # Spend that repeats to the cent has no noise to measure jumps against; a 1% wobble is
    # below anything worth calling a shift.
    sigma = max(sigma, NOISE_FLOOR * float(np.mean(np.abs(y))))
    if sigma <= 0:
        return ()
    before = np.median(sliding_window_view(z, WINDOW), axis=1)  # before[i]: z[i:i+W]
    s = np.arange(WINDOW, n - MIN_AFTER + 1)
    after = np.array([np.median(z[i : i + WINDOW]) for i in s[s > n - WINDOW]])
    after = np.concatenate([before[s[s <= n - WINDOW]], after])
    jump = after - before[s - WINDOW]
    widths = np.minimum(WINDOW, n - s)
    noise = 1.2533 * sigma * np.sqrt(1 / WINDOW + 1 / widths)
    excess = jump - np.median(jump)
    clean = _despiked(z, sigma)
    shifts = []
    for run in _runs(np.abs(excess / noise) > THRESHOLD):
        day = _sharpest(clean, s[run])
        shifts.append(Shift(day, float(excess[run][s[run] == day][0])))
    return tuple(shifts)


def _despiked(z: np.ndarray, sigma: float) -> np.ndarray:
    local = np.median(sliding_window_view(np.pad(z, 3, mode="edge"), SEASON), axis=1)
    return np.where(np.abs(z - local) > THRESHOLD * sigma, local, z)


def _sharpest(z: np.ndarray, days: np.ndarray) -> int:
    """The day in `days` with the biggest step between the weeks either side of it.

    Fortnight medians stay level for a week around a shift; week means pinpoint it."""
    steps = [abs(np.mean(z[d : d + SEASON]) - np.mean(z[d - SEASON : d])) for d in days]
    return int(days[int(np.argmax(steps))])


def _weekday_profile(y: np.ndarray) -> np.ndarray:
    t = np.arange(len(y))
    local = np.median(sliding_window_view(np.pad(y, 3, mode="edge"), SEASON), axis=1)
    profile = np.array([np.median((y - local)[t % SEASON == r]) for r in range(SEASON)])
    return profile[t % SEASON]


def _runs(above: np.ndarray) -> list[slice]:
    """Each stretch of consecutive True values."""
    runs = []
    start = None
    for i, value in enumerate(np.append(above, False)):
        if value and start is None:
            start = i
        elif not value and start is not None:
            runs.append(slice(start, i))
            start = None
    return runs
