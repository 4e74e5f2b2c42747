"""Billing months, their statuses by age, and due dates. Dates are UTC."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from services.common.dates import check_month
from services.common.errors import InvalidArgument
from services.invoicing.domain.model import Status

# GenerateHistoricalInvoices: this month and the last one are PENDING-aged up to this many
# months back; anything older is assumed settled.
PENDING_MONTHS = 2


def validate_month(year: int, month: int) -> None:
    check_month(year, month)


def month_range(year: int, month: int) -> tuple[date, date]:
    """First and last day of the month, both inclusive."""
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def months_ago(year: int, month: int, today: date) -> int:
    """0 for the current month, 1 for last month, negative for the future."""
    return (today.year - year) * 12 + (today.month - month)


def shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def recent_months(today: date, count: int) -> list[tuple[int, int]]:
    """The current month and `count` before it, oldest first."""
    return [shift_month(today.year, today.month, -n) for n in range(count, -1, -1)]


def months_since(first: date, today: date, limit: int) -> list[tuple[int, int]]:
    """Every month from `first`'s to the current one, oldest first, but at most the current
    month and `limit` before it."""
    back = min(max(months_ago(first.year, first.month, today), 0), limit)
    return recent_months(today, back)


def generation_status(year: int, month: int, today: date) -> Status:
    """The current month is still accumulating cost; an ended one is billed."""
    age = months_ago(year, month, today)
    if age < 0:
        raise InvalidArgument("month", f"{year}-{month:02d} has not started yet")
    return Status.DRAFT if age == 0 else Status.PENDING


def historical_status(year: int, month: int, today: date) -> Status:
    age = months_ago(year, month, today)
    if age <= 0:
        return Status.DRAFT
    return Status.PENDING if age <= PENDING_MONTHS else Status.PAID


def month_has_ended(year: int, month: int, today: date) -> bool:
    return months_ago(year, month, today) > 0


def due_date(issue: date, payment_terms_days: int) -> date:
    return issue + timedelta(days=payment_terms_days)


def day_after(year: int, month: int) -> date:
    return month_range(year, month)[1] + timedelta(days=1)
