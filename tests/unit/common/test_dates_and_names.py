"""The kit's one calendar and one name rule."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from google.protobuf.timestamp_pb2 import Timestamp
from hypothesis import given
from hypothesis import strategies as st

from services.common.dates import (
    EARLIEST,
    LATEST,
    check_moment,
    check_month,
    parse_date,
    parse_month,
    timestamp_moment,
)
from services.common.errors import InvalidArgument
from services.common.names import check_name


@given(st.dates())
def test_a_date_is_accepted_exactly_within_the_range(day) -> None:  # type: ignore[no-untyped-def]
    text = day.isoformat()
    if EARLIEST <= day <= LATEST:
        assert parse_date(text, "as_of_date") == day
    else:
        with pytest.raises(InvalidArgument) as caught:
            parse_date(text, "as_of_date")
        assert caught.value.field == "as_of_date"


@pytest.mark.parametrize("text", ["2023-02-29", "2024-13-01", "20240101", "2024-1-01", ""])
def test_a_malformed_date_names_the_field(text: str) -> None:
    with pytest.raises(InvalidArgument, match="start_date"):
        parse_date(text, "start_date")


@pytest.mark.parametrize(("text", "ok"), [("2000-01", True), ("2099-12", True), ("9999-12", False),
                                          ("1999-12", False), ("2024-00", False)])  # fmt: skip
def test_months(text: str, ok: bool) -> None:
    if ok:
        assert parse_month(text, "period") == (int(text[:4]), int(text[5:]))
    else:
        with pytest.raises(InvalidArgument, match="period"):
            parse_month(text, "period")


def test_a_year_and_month_pair_names_the_wrong_one() -> None:
    with pytest.raises(InvalidArgument, match="period_year"):
        check_month(2100, 1, ("period_year", "period_month"))
    with pytest.raises(InvalidArgument, match="period_month"):
        check_month(2024, 13, ("period_year", "period_month"))


def test_moments_are_checked_on_their_utc_day() -> None:
    late = datetime(2099, 12, 31, 23, 0, tzinfo=timezone(timedelta(hours=-14)))
    with pytest.raises(InvalidArgument, match="expire_time"):
        check_moment(late, "expire_time")
    assert check_moment(datetime(2030, 1, 1), "t").tzinfo == UTC
    stamp = Timestamp()
    stamp.FromDatetime(datetime(1, 1, 1))
    with pytest.raises(InvalidArgument, match="start_time"):
        timestamp_moment(stamp, "start_time")


@pytest.mark.parametrize(
    "name", ["a\u0007b", "x\u202ey", "x\u2066y", "x\u200fy", "x\u061cy", "a\nb", "a\u2028b",
             " a", "a ", "", "   ", "x" * 201],
)  # fmt: skip
def test_unsafe_names_are_refused_naming_the_field(name: str) -> None:
    with pytest.raises(InvalidArgument) as caught:
        check_name(name, "budget.name")
    assert caught.value.field == "budget.name"


@pytest.mark.parametrize("name", ["Prod AWS", "運用チーム", "מבצעים", "ops 🚀 team", "x" * 200])
def test_readable_names_are_kept_as_sent(name: str) -> None:
    assert check_name(name, "budget.name") == name
