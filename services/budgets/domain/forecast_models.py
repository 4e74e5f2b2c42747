"""The candidate models a forecast chooses among, each fit on a history of daily totals.

Every candidate gives its mean forecast and its own standard deviation for each day ahead
and for the running total; the forecast later scales those to the errors measured on the
series' own past (services.budgets.domain.backtest), so a candidate only has to get their
shape right. The regression candidates fit a weekday profile, optionally a trend, the level
shifts found in the history and, when the calendar is known, monthly steps and charges on
the 1st, by Huber-weighted least squares so that one-day spikes barely pull them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import numpy as np

SEASON = 7
_HUBER = 1.5
_ITERATIONS = 6
# No day is forecast closer than this share of the level: a history a model fits exactly
# (a constant, a pattern that repeats to the cent) would otherwise claim no uncertainty, and
# its backtest errors, however small, would scale the intervals without bound.
SD_FLOOR = 0.01


@dataclass(frozen=True)
class Fitted:
    mean: np.ndarray
    sd: np.ndarray
    # sd of the sum of the first k+1 days ahead, at k.
    total_sd: np.ndarray


@dataclass(frozen=True)
class Calendar:
    """Month boundaries of the days a history covers and the days after it."""

    first_day: date

    def months(self, start: int, stop: int) -> np.ndarray:
        """Months since the first day's month, for days start..stop-1."""
        months = _days(self.first_day, start, stop).astype("datetime64[M]")
        return (months - np.datetime64(self.first_day, "M")).astype(float)

    def firsts(self, start: int, stop: int) -> np.ndarray:
        """1.0 for the 1st of a month among days start..stop-1, else 0.0."""
        days = _days(self.first_day, start, stop)
        firsts: np.ndarray = days == days.astype("datetime64[M]").astype("datetime64[D]")
        return firsts.astype(float)


def _days(first_day: date, start: int, stop: int) -> np.ndarray:
    return np.datetime64(first_day, "D") + np.arange(start, stop)


@dataclass(frozen=True)
class Known:
    """What is known about a history beyond its values: its calendar, when given, and the
    days its level shifted (services.budgets.domain.level_shifts)."""

    calendar: Calendar | None = None
    shifts: tuple[int, ...] = ()
    # Typical daily spend over the whole history: the base of SD_FLOOR, the same for a fit
    # at any cut-off, even one that saw only zeros.
    scale: float = 0.0

    def before(self, cut: int) -> Known:
        """As known to a forecast made at day `cut`."""
        return Known(self.calendar, tuple(s for s in self.shifts if s < cut), self.scale)

    def floor(self, y: np.ndarray) -> float:
        return SD_FLOOR * (self.scale or float(np.mean(np.abs(y))))


Candidate = Callable[[np.ndarray, int, Known], Fitted]


def seasonal_naive(y: np.ndarray, horizon: int, known: Known = Known()) -> Fitted:
    """Each day as on the same weekday of the last week seen."""
    mean = np.resize(y[-SEASON:], horizon) if len(y) >= SEASON else np.full(horizon, y.mean())
    diffs = y[SEASON:] - y[:-SEASON]
    sd = float(np.sqrt(np.mean(diffs**2))) if len(diffs) else float(np.std(y))
    sd = max(sd, known.floor(y))
    steps = np.arange(1, horizon + 1)
    return Fitted(mean, np.full(horizon, sd), _total_sd(sd * np.sqrt(steps), np.full(horizon, sd)))


def regression(
    trend: bool,
    window: int | None = None,
    monthly: bool = False,
    shifts: bool = True,
    log: bool = False,
    robust: bool = True,
) -> Candidate:
    """Least squares on the last `window` days (all when None); `log` fits the logarithm,
    so that the weekly profile and each shift scale the level rather than add to it."""

    def fit(y: np.ndarray, horizon: int, known: Known = Known()) -> Fitted:
        start = 0 if window is None else max(0, len(y) - window)
        found = [s - start for s in known.shifts if s - start >= SEASON] if shifts else []
        cal = known.calendar if monthly else None
        x = _design(start, len(y), len(y), trend, found, cal)
        x_ahead = _design(start, len(y), len(y) + horizon, trend, found, cal)[len(y) - start :]
        if not log:
            return _least_squares(x, y[start:], x_ahead, robust, known.floor(y))
        if np.min(y[start:]) <= 0:
            return _unusable(horizon)
        fitted = _least_squares(x, np.log(y[start:]), x_ahead, robust, SD_FLOOR)
        mean = np.exp(fitted.mean)
        return Fitted(
            mean, mean * fitted.sd, np.cumsum(mean) * fitted.total_sd / np.arange(1, horizon + 1)
        )

    return fit


def _unusable(horizon: int) -> Fitted:
    """A candidate that cannot fit this history: infinitely wrong, so never chosen."""
    return Fitted(np.full(horizon, np.inf), np.full(horizon, np.inf), np.full(horizon, np.inf))


def _design(
    start: int, n: int, stop: int, trend: bool, shifts: list[int], calendar: Calendar | None
) -> np.ndarray:
    """Columns for days start..stop-1 of a fit on days start..n-1."""
    t = np.arange(start, stop)
    columns = [np.ones(len(t))] + [(t % SEASON == r).astype(float) for r in range(1, SEASON)]
    if trend:
        columns.append((t - start) / max(n - start, 1))
    columns += [(t - start >= s).astype(float) for s in shifts]
    if calendar is not None:
        months, firsts = calendar.months(start, stop), calendar.firsts(start, stop)
        if months[n - start - 1] - months[0] >= 2:
            columns.append(months)
        if firsts[: n - start].sum() >= 2:
            columns.append(firsts)
    return np.column_stack(columns)


def _least_squares(
    x: np.ndarray, y: np.ndarray, x_ahead: np.ndarray, robust: bool, floor: float
) -> Fitted:
    weights = np.ones(len(y))
    beta, residuals = _solve(x, y, weights)
    for _ in range(_ITERATIONS if robust else 0):
        scale = max(1.4826 * float(np.median(np.abs(residuals))), floor)
        weights = np.minimum(1.0, _HUBER * scale / np.maximum(np.abs(residuals), 1e-12))
        beta, residuals = _solve(x, y, weights)
    cov = np.linalg.pinv((x * weights[:, None]).T @ x)
    sigma = float(np.sqrt(np.sum(weights * residuals**2) / max(len(y) - x.shape[1], 1)))
    sigma = max(sigma, floor)
    leverage = np.einsum("ij,jk,ik->i", x_ahead, cov, x_ahead)
    running = np.cumsum(x_ahead, axis=0)
    steps = np.arange(1, len(x_ahead) + 1)
    total_var = steps + np.einsum("ij,jk,ik->i", running, cov, running)
    sd = sigma * np.sqrt(1 + leverage)
    return Fitted(x_ahead @ beta, sd, _total_sd(sigma * np.sqrt(total_var), sd))


def _total_sd(independent: np.ndarray, sd: np.ndarray) -> np.ndarray:
    """The sd of running totals, between independent days and days that all err alike: real
    errors share part of their cause (a level a little off, a shift still to come), so they
    add up faster than independent ones, though not in lockstep."""
    total: np.ndarray = np.sqrt(independent * np.cumsum(sd))
    return total


def _solve(x: np.ndarray, y: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    gram = (x * weights[:, None]).T @ x
    # A whisker of ridge keeps the solve defined when columns coincide (a shift on a month's
    # first day, say) at no visible cost to the fit.
    gram += np.eye(len(gram)) * 1e-9 * np.trace(gram)
    beta = np.linalg.solve(gram, x.T @ (weights * y))
    return beta, y - x @ beta


least_squares_trend_weekday = regression(trend=True, shifts=False, robust=False)
