"""Billing periods are calendar months in UTC, named "YYYY-MM"; time is whole epoch seconds.

Second precision is the rating grain: event times are floored to the second, so every
quantity-seconds product is an exact Decimal.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime
from functools import lru_cache

from services.common.dates import parse_month

DAY = 86_400


def epoch(moment: datetime) -> int:
    return int(moment.timestamp()) if moment.tzinfo else int(moment.replace(tzinfo=UTC).timestamp())


def to_datetime(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def day_start(seconds: int) -> int:
    return seconds - seconds % DAY


def date_of(seconds: int) -> str:
    return to_datetime(seconds).date().isoformat()


def date_start(day: date) -> int:
    return epoch(datetime(day.year, day.month, day.day, tzinfo=UTC))


@lru_cache(maxsize=4096)
def period_of_day(day_index: int) -> str:
    """Cached per day: ingest asks for the period of every sample."""
    moment = to_datetime(day_index * DAY)
    return f"{moment.year:04d}-{moment.month:02d}"


def period_of(seconds: int) -> str:
    return period_of_day(seconds // DAY)


@lru_cache(maxsize=1024)
def period_bounds(period: str) -> tuple[int, int]:
    year, month = parse_month(period, "period")
    start = epoch(datetime(year, month, 1, tzinfo=UTC))
    end = epoch(datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC))
    return start, end


def next_period(period: str) -> str:
    return period_of(period_bounds(period)[1])


def segment_start(t: int, cuts: Sequence[int]) -> int:
    """Segments are UTC days, further split at the tenant's plan-window starts (`cuts`)."""
    start = t - t % DAY
    i = bisect_right(cuts, t)
    if i and cuts[i - 1] > start:
        return cuts[i - 1]
    return start


def split(start: int, end: int, cuts: Sequence[int]) -> Iterator[tuple[int, int]]:
    """(segment start, seconds) for each segment [start, end) overlaps."""
    t = start
    while t < end:
        nxt = t - t % DAY + DAY
        i = bisect_right(cuts, t)
        if i < len(cuts) and cuts[i] < nxt:
            nxt = cuts[i]
        stop = nxt if nxt < end else end
        yield segment_start(t, cuts), stop - t
        t = stop
