"""The services' clocks: UTC, timezone-aware. Handlers take a clock as a dependency rather than
reading the time themselves, so tests can move it across days and billing periods."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

Clock = Callable[[], datetime]
Today = Callable[[], date]


def utc_now() -> datetime:
    return datetime.now(UTC)


def utc_today() -> date:
    return utc_now().date()
