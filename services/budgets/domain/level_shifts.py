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

WINDOW = 14
# The fewest days after a shift that may confirm it.
MIN_AFTER = 7
# How far past its noise the excess jump must reach: rare enough on pure noise over a
# year of history, small enough to see a 20% step at 8% noise.
THRESHOLD = 5.0


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
    return tuple(Shift(int(s[i]), float(excess[i])) for i in _peaks(np.abs(excess / noise)))


def _weekday_profile(y: np.ndarray) -> np.ndarray:
    t = np.arange(len(y))
    local = np.median(sliding_window_view(np.pad(y, 3, mode="edge"), 7), axis=1)
    profile = np.array([np.median((y - local)[t % 7 == r]) for r in range(7)])
    return profile[t % 7]


def _peaks(score: np.ndarray) -> list[int]:
    """The highest point of each run above the threshold."""
    peaks: list[int] = []
    start = None
    for i, above in enumerate(np.append(score > THRESHOLD, False)):
        if above and start is None:
            start = i
        elif not above and start is not None:
            peaks.append(start + int(np.argmax(score[start:i])))
            start = None
    return peaks
