"""Sync jobs: the window a sync re-reads and how a job's status follows from its tasks."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from services.common.errors import InvalidArgument
from services.ingest.domain.cost_items import DateWindow

DEFAULT_DAYS_BACK = 7
MAX_DAYS_BACK = 365
# Providers finalize a day 24-48 hours late, so every sync re-reads at least this many days.
MIN_REREAD_DAYS = 3

QUEUED, RUNNING, SUCCEEDED, FAILED = "QUEUED", "RUNNING", "SUCCEEDED", "FAILED"
PARTIALLY_FAILED = "PARTIALLY_FAILED"
TERMINAL = frozenset({SUCCEEDED, FAILED})
MANUAL, SCHEDULED = "MANUAL", "SCHEDULED"


def days_back_of(requested: int) -> int:
    """0 means the default; anything outside 1..365 is the caller's mistake."""
    if requested == 0:
        return DEFAULT_DAYS_BACK
    if not 1 <= requested <= MAX_DAYS_BACK:
        raise InvalidArgument(
            "days_back", f"must be between 1 and {MAX_DAYS_BACK}, got {requested}"
        )
    return requested


def sync_window(today: date, days_back: int) -> DateWindow:
    """`days_back` whole days before today plus today so far (providers report it partially),
    never fewer than the last MIN_REREAD_DAYS days."""
    return DateWindow(today - timedelta(days=max(days_back, MIN_REREAD_DAYS - 1)), today)


def job_status(task_statuses: Iterable[str]) -> str:
    statuses = list(task_statuses)
    if not statuses or any(s not in TERMINAL for s in statuses):
        return RUNNING
    if all(s == SUCCEEDED for s in statuses):
        return SUCCEEDED
    if all(s == FAILED for s in statuses):
        return FAILED
    return PARTIALLY_FAILED


def retry_delay(attempt: int, base: float, cap: float = 300.0) -> float:
    """Backoff before retrying a task whose provider failed transiently."""
    return min(base * 2.0 ** max(attempt - 1, 0), cap)
