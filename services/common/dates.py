"""The calendar a caller may speak in: every date, month and moment a request carries is
checked here, so each service refuses the same dates with the same message naming the field.

The supported range is 2000-01-01 .. 2099-12-31 (UTC). It leaves years of room on both
sides of Python's and PostgreSQL's calendars, so the arithmetic services do on a caller's
date (a year of trend days back, the quarter or year around it, the month after it, a due
date 10 years of payment terms on) never overflows.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from google.protobuf.timestamp_pb2 import Timestamp

from services.common.errors import InvalidArgument

EARLIEST = date(2000, 1, 1)
LATEST = date(2099, 12, 31)
RANGE_TEXT = f"{EARLIEST.isoformat()} .. {LATEST.isoformat()}"
_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_MONTH = re.compile(r"(\d{4})-(\d{2})")


def check_date(value: date, field: str) -> date:
    if not EARLIEST <= value <= LATEST:
        raise InvalidArgument(field, f"{value.isoformat()} is outside {RANGE_TEXT}")
    return value


def parse_date(text: str, field: str) -> date:
    """A caller's "YYYY-MM-DD" within the supported range."""
    if not _DAY.fullmatch(text):
        raise InvalidArgument(field, f"'{text}' is not a date (YYYY-MM-DD)")
    try:
        value = date.fromisoformat(text)
    except ValueError as exc:
        raise InvalidArgument(field, f"'{text}' is not a calendar date") from exc
    return check_date(value, field)


def optional_date(text: str, field: str) -> date | None:
    """Empty means the caller left it out."""
    return parse_date(text, field) if text else None


def check_month(year: int, month: int, fields: tuple[str, str] = ("year", "month")) -> None:
    """A (year, month) within the supported range; `fields` name the two values."""
    if not EARLIEST.year <= year <= LATEST.year:
        raise InvalidArgument(fields[0], f"must be between {EARLIEST.year} and {LATEST.year}")
    if not 1 <= month <= 12:
        raise InvalidArgument(fields[1], "must be between 1 and 12")


def parse_month(text: str, field: str) -> tuple[int, int]:
    """A caller's "YYYY-MM" within the supported range."""
    match = _MONTH.fullmatch(text)
    if not match:
        raise InvalidArgument(field, f"'{text}' is not a month (YYYY-MM)")
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12 or not EARLIEST.year <= year <= LATEST.year:
        raise InvalidArgument(field, f"'{text}' is not a month within {RANGE_TEXT}")
    return year, month


def check_moment(value: datetime, field: str) -> datetime:
    """An instant (naive means UTC) whose UTC day is within the supported range."""
    moment = value if value.tzinfo else value.replace(tzinfo=UTC)
    try:
        day = moment.astimezone(UTC).date()
    except (OverflowError, ValueError) as exc:
        raise InvalidArgument(field, f"is outside {RANGE_TEXT}") from exc
    check_date(day, field)
    return moment


def timestamp_moment(stamp: Timestamp, field: str) -> datetime:
    """A request's Timestamp as an aware datetime within the supported range."""
    try:
        moment = stamp.ToDatetime(tzinfo=UTC)
    except (OverflowError, ValueError) as exc:
        raise InvalidArgument(field, f"is outside {RANGE_TEXT}") from exc
    return check_moment(moment, field)
