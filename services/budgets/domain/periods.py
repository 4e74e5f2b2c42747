"""Calendar budget periods in UTC, and the days they span."""

from __future__ import annotations

import re
from datetime import date, timedelta
from enum import IntEnum


class PeriodKind(IntEnum):
    """Values match costgrid.budgets.v1.BudgetPeriod."""

    MONTHLY = 1
    QUARTERLY = 2
    YEARLY = 3


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_MONTHS = {PeriodKind.MONTHLY: 1, PeriodKind.QUARTERLY: 3, PeriodKind.YEARLY: 12}


def period_of(kind: PeriodKind, day: date) -> tuple[date, date]:
    """First and last day (inclusive) of the period that contains `day`."""
    months = _MONTHS[kind]
    first_month = (day.month - 1) // months * months + 1
    start = date(day.year, first_month, 1)
    return start, _add_months(start, months) - timedelta(days=1)


def previous_period(kind: PeriodKind, day: date) -> tuple[date, date]:
    start, _ = period_of(kind, day)
    return period_of(kind, start - timedelta(days=1))


def days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def parse_day(text: str) -> date:
    """A YYYY-MM-DD date; ValueError otherwise."""
    if not _ISO_DAY.fullmatch(text):
        raise ValueError(f"'{text}' is not a YYYY-MM-DD date")
    return date.fromisoformat(text)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)
