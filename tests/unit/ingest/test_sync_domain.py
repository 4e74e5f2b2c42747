"""Sync rules: days_back bounds, the re-read window, job status from tasks, event splitting."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.common.errors import InvalidArgument
from services.ingest.domain.cost_items import DateWindow
from services.ingest.domain.sync import (
    FAILED,
    PARTIALLY_FAILED,
    QUEUED,
    RUNNING,
    SUCCEEDED,
    days_back_of,
    job_status,
    sync_window,
)
from services.ingest.handlers.events import _windows
from services.ingest.repository.cost_storage import DailyTotal

TODAY = date(2025, 3, 10)


@given(st.integers(min_value=1, max_value=365))
def test_days_back_in_range_is_kept(days: int) -> None:
    assert days_back_of(days) == days


@given(st.one_of(st.integers(max_value=-1), st.integers(min_value=366)))
def test_days_back_out_of_range_is_invalid_naming_the_field(days: int) -> None:
    with pytest.raises(InvalidArgument) as caught:
        days_back_of(days)
    assert caught.value.field == "days_back"


def test_days_back_zero_is_the_default_of_seven() -> None:
    assert days_back_of(0) == 7


@given(st.integers(min_value=1, max_value=365))
def test_window_ends_today_and_rereads_at_least_three_days(days: int) -> None:
    window = sync_window(TODAY, days)
    assert window.end == TODAY
    assert len(window.days()) >= 3
    assert window.start == TODAY - timedelta(days=max(days, 2))


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([SUCCEEDED, SUCCEEDED], SUCCEEDED),
        ([SUCCEEDED, FAILED], PARTIALLY_FAILED),
        ([FAILED, FAILED], FAILED),
        ([SUCCEEDED, RUNNING], RUNNING),
        ([QUEUED], RUNNING),
        ([], RUNNING),
    ],
)
def test_job_status_follows_from_its_tasks(statuses: list[str], expected: str) -> None:
    assert job_status(statuses) == expected


def _totals(days: list[date], per_day: int) -> list[DailyTotal]:
    return [
        DailyTotal(day, f"svc{i}", "r", "USD", Decimal(i)) for day in days for i in range(per_day)
    ]


@given(
    st.integers(min_value=1, max_value=40),
    st.integers(min_value=0, max_value=7),
    st.integers(min_value=1, max_value=20),
    st.sets(st.integers(min_value=0, max_value=39)),
)
def test_costs_updated_parts_cover_the_window_exactly_in_whole_days(
    length: int, per_day: int, limit: int, empty: set[int]
) -> None:
    window = DateWindow(TODAY, TODAY + timedelta(days=length - 1))
    days = [d for i, d in enumerate(window.days()) if i not in empty]
    daily = _totals(days, per_day)

    parts = list(_windows(window, daily, limit))

    assert parts[0][0].start == window.start and parts[-1][0].end == window.end
    for (a, _), (b, _) in itertools.pairwise(parts):
        assert b.start == a.end + timedelta(days=1)
    assert [t for _, totals in parts for t in totals] == daily
    for part, totals in parts:
        assert all(part.start <= t.day <= part.end for t in totals)
        assert len(totals) <= max(limit, per_day)
