"""Cost questions' parameters: what a caller may ask, checked once, as plain values.

Everything here is pure: dates in, dates out. Periods are UTC billing days, both ends
inclusive, as everywhere in Costgrid.
"""

from __future__ import annotations

import calendar
import enum
from dataclasses import dataclass
from datetime import date, timedelta

from services.common.dates import optional_date, parse_date
from services.common.errors import InvalidArgument

DEFAULT_TREND_DAYS = 30
# A leap year's worth, so "the last year" always fits.
MAX_TREND_DAYS = 366
DEFAULT_TOP_N = 10
MAX_TOP_N = 1000
# "provider" is a connected account, as "account" (the API's name for it); "provider_type" is
# the cloud that billed the cost (domain/provider_types).
PLAIN_DIMENSIONS = ("provider", "provider_type", "service", "region", "account")
PROVIDERS = ("AWS", "GCP", "AZURE", "DIGITALOCEAN", "FOCUS_FILE")


class Granularity(enum.Enum):
    DAY = "day"
    WEEK = "week"  # ISO weeks, starting Monday
    MONTH = "month"  # calendar months


@dataclass(frozen=True, slots=True)
class Period:
    """Billing days from `start` to `end`, both inclusive."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True, slots=True)
class Dimension:
    """What amounts are split by: a column of the rollups, or one tag key."""

    name: str  # provider | provider_type | service | region | account | tag
    tag_key: str = ""

    @property
    def is_tag(self) -> bool:
        return self.name == "tag"


@dataclass(frozen=True, slots=True)
class Filters:
    account_ids: tuple[int, ...] = ()
    provider: str | None = None  # one of PROVIDERS; None means all


@dataclass(frozen=True, slots=True)
class OverviewPeriods:
    # First of the month to the last day counted; empty (ends the day before it starts)
    # while the month has no day counted yet.
    current: Period
    last_month: Period  # the whole previous month
    # The same days of last month as `current` covers of this one (like-for-like).
    last_month_same_days: Period


def parse_day(text: str, field: str, today: date) -> date:
    """A caller's "YYYY-MM-DD"; empty means `today`."""
    return optional_date(text, field) or today


def parse_period(start: str, end: str, field: str = "period") -> Period:
    if not start or not end:
        raise InvalidArgument(field, "start_date and end_date are required")
    first = parse_date(start, f"{field}.start_date")
    last = parse_date(end, f"{field}.end_date")
    if last < first:
        raise InvalidArgument(field, f"end_date {last} is before start_date {first}")
    return Period(first, last)


def parse_dimension(text: str, field: str, optional: bool) -> Dimension | None:
    """One of PLAIN_DIMENSIONS or "tag:<key>"; "" only where optional."""
    value = text.strip()
    if not value and optional:
        return None
    if value in PLAIN_DIMENSIONS:
        return Dimension(value)
    if value.startswith("tag:") and value[4:].strip():
        return Dimension("tag", value[4:].strip())
    allowed = ", ".join(f"'{d}'" for d in PLAIN_DIMENSIONS)
    raise InvalidArgument(field, f"'{text}' is not one of {allowed} or 'tag:<key>'")


def trend_days(days: int) -> int:
    if days == 0:
        return DEFAULT_TREND_DAYS
    if not 1 <= days <= MAX_TREND_DAYS:
        raise InvalidArgument("days", f"must be between 1 and {MAX_TREND_DAYS}, got {days}")
    return days


def top_n(value: int) -> int:
    if value == 0:
        return DEFAULT_TOP_N
    if not 1 <= value <= MAX_TOP_N:
        raise InvalidArgument("top_n", f"must be between 1 and {MAX_TOP_N}, got {value}")
    return value


def trend_period(as_of: date, days: int) -> Period:
    """The last `days` days ending with `as_of`: buckets at the edges may be partial."""
    return Period(as_of - timedelta(days=days - 1), as_of)


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def overview_periods(as_of: date, counted_through: date | None = None) -> OverviewPeriods:
    """`counted_through`: the last day counted (services.common.cost_days); None counts
    every day to `as_of`."""
    start = month_start(as_of)
    last = min(as_of, counted_through or as_of)
    current = Period(start, max(last, start - timedelta(days=1)))
    last_end = start - timedelta(days=1)
    last_month = Period(month_start(last_end), last_end)
    # Days 1..d of last month, where d is the days counted this month, capped at its length.
    same_end = last_month.start + timedelta(days=min(current.days, last_month.days) - 1)
    return OverviewPeriods(current, last_month, Period(last_month.start, same_end))


def bucket_start(day: date, granularity: Granularity) -> date:
    if granularity is Granularity.WEEK:
        return day - timedelta(days=day.weekday())
    if granularity is Granularity.MONTH:
        return month_start(day)
    return day


def bucket_starts(period: Period, granularity: Granularity) -> list[date]:
    """Every bucket touching the period, in order: the series has no gaps."""
    starts: list[date] = []
    current = bucket_start(period.start, granularity)
    while current <= period.end:
        starts.append(current)
        if granularity is Granularity.MONTH:
            current = month_end(current) + timedelta(days=1)
        else:
            current += timedelta(days=7 if granularity is Granularity.WEEK else 1)
    return starts
