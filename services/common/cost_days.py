"""Which billing days count in averages and projections, the same in every service.

Providers deliver a day's costs 24-48 hours late, so the latest days usually have no data
yet. Counting them as zero would pull every average down (a 7-day burn rate ~12% low, the
2nd of a month's rate halved), so figures count days only up to the last one with data.
"""

from __future__ import annotations

from datetime import date


def last_day_counted(as_of: date, last_with_data: date | None) -> date:
    """The last day with cost data in scope, never after `as_of`; `as_of` when there is
    none (then every figure is zero anyway)."""
    return min(as_of, last_with_data) if last_with_data else as_of
