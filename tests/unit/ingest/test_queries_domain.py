"""Cost query rules without I/O: periods, bucket alignment, run rates, top N splits."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.common.errors import InvalidArgument
from services.ingest.domain import queries as q
from services.ingest.domain import queries_figures as fig

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))
money = st.decimals(min_value=Decimal("-1000"), max_value=Decimal("100000"), places=6)


def test_overview_periods_compare_the_same_days_of_last_month():
    periods = q.overview_periods(date(2026, 3, 10))

    assert periods.current == q.Period(date(2026, 3, 1), date(2026, 3, 10))
    assert periods.last_month == q.Period(date(2026, 2, 1), date(2026, 2, 28))
    assert periods.last_month_same_days == q.Period(date(2026, 2, 1), date(2026, 2, 10))


def test_same_days_are_capped_at_last_months_length():
    periods = q.overview_periods(date(2024, 3, 31))

    assert periods.last_month_same_days == q.Period(date(2024, 2, 1), date(2024, 2, 29))


def test_overview_periods_in_january_look_back_at_december():
    periods = q.overview_periods(date(2026, 1, 5))

    assert periods.last_month == q.Period(date(2025, 12, 1), date(2025, 12, 31))


def test_run_rate_projects_the_daily_average_over_the_whole_month():
    current = q.Period(date(2026, 4, 1), date(2026, 4, 3))
    rate = fig.run_rate("USD", Decimal("10"), current, Decimal("2"), current)

    assert rate.daily_average.amount == Decimal("3.33")
    assert rate.projected_month_end.amount == Decimal("100.00")
    assert rate.mom_change_percent == Decimal("400.00")


def test_run_rate_rounds_to_the_currencys_minor_unit():
    current = q.Period(date(2026, 4, 1), date(2026, 4, 3))
    rate = fig.run_rate("JPY", Decimal("1000"), current, Decimal("0"), current)

    assert rate.daily_average.amount == Decimal("333")
    assert rate.mom_change_percent is None


def test_falling_costs_give_a_negative_change_even_from_credits():
    current = q.Period(date(2026, 4, 1), date(2026, 4, 1))

    assert fig.run_rate("USD", Decimal(5), current, Decimal(10), current).mom_change_percent == (
        Decimal("-50.00")
    )
    assert fig.run_rate("USD", Decimal(5), current, Decimal(-10), current).mom_change_percent == (
        Decimal("150.00")
    )


@pytest.mark.parametrize(
    ("granularity", "first", "expected"),
    [
        (q.Granularity.DAY, date(2026, 3, 11), date(2026, 3, 11)),
        (q.Granularity.WEEK, date(2026, 3, 11), date(2026, 3, 9)),
        (q.Granularity.WEEK, date(2026, 3, 9), date(2026, 3, 9)),
        (q.Granularity.WEEK, date(2026, 3, 15), date(2026, 3, 9)),
        (q.Granularity.WEEK, date(2026, 1, 1), date(2025, 12, 29)),
        (q.Granularity.MONTH, date(2026, 2, 28), date(2026, 2, 1)),
    ],
)
def test_buckets_start_on_iso_mondays_and_first_of_month(granularity, first, expected):
    assert q.bucket_start(first, granularity) == expected


@given(start=days, length=st.integers(1, 400), granularity=st.sampled_from(list(q.Granularity)))
def test_every_day_of_a_period_falls_in_exactly_one_listed_bucket(start, length, granularity):
    period = q.Period(start, start + timedelta(days=length - 1))
    starts = q.bucket_starts(period, granularity)

    assert starts == sorted(set(starts))
    for offset in range(length):
        day = start + timedelta(days=offset)
        assert q.bucket_start(day, granularity) in starts
    assert starts[0] <= period.start and starts[-1] <= period.end


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("service", q.Dimension("service")),
        (" account ", q.Dimension("account")),
        ("tag:cost-center", q.Dimension("tag", "cost-center")),
        ("tag:team:a", q.Dimension("tag", "team:a")),
    ],
)
def test_dimensions_accepted(text, expected):
    assert q.parse_dimension(text, "group_by", optional=False) == expected


@pytest.mark.parametrize("text", ["", "Service", "tag:", "tag: ", "cost_center", "tags:env"])
def test_unknown_dimensions_name_the_field(text):
    with pytest.raises(InvalidArgument) as caught:
        q.parse_dimension(text, "dimension", optional=False)

    assert caught.value.field == "dimension"


def test_no_group_by_means_no_breakdown():
    assert q.parse_dimension("", "group_by", optional=True) is None


@pytest.mark.parametrize(("asked", "used"), [(0, 30), (1, 1), (90, 90), (366, 366)])
def test_trend_days_default_and_bounds(asked, used):
    assert q.trend_days(asked) == used


@pytest.mark.parametrize("asked", [-1, 367, 10_000])
def test_trend_days_out_of_range_are_rejected(asked):
    with pytest.raises(InvalidArgument) as caught:
        q.trend_days(asked)

    assert caught.value.field == "days"


def test_a_period_must_not_end_before_it_starts():
    with pytest.raises(InvalidArgument) as caught:
        q.parse_period("2026-03-02", "2026-03-01")

    assert caught.value.field == "period"


def test_top_split_keeps_the_largest_and_sums_the_rest_into_other():
    amounts = {"a": Decimal(10), "b": Decimal(60), "c": Decimal(30)}
    split = fig.top_split("USD", Decimal(100), fig.shares(amounts, Decimal(100)), 2)

    assert [(i.key, i.amount, i.percent) for i in split.items] == [
        ("b", Decimal(60), Decimal("60.00")),
        ("c", Decimal(30), Decimal("30.00")),
    ]
    assert split.other == Decimal(10)


@given(parts=st.dictionaries(st.text(max_size=4), money, max_size=12), n=st.integers(1, 15))
def test_top_items_and_other_always_add_up_to_the_total(parts, n):
    total = sum(parts.values(), Decimal(0))
    split = fig.top_split("USD", total, fig.shares(parts, total), n)

    assert sum((i.amount for i in split.items), Decimal(0)) + split.other == total
    assert len(split.items) == min(n, len(parts))
    assert [i.amount for i in split.items] == sorted((i.amount for i in split.items), reverse=True)


def test_untagged_cost_is_the_rest_of_the_total():
    assert fig.with_untagged({"web": Decimal(3)}, Decimal(10)) == {
        "web": Decimal(3),
        "": Decimal(7),
    }
    assert fig.with_untagged({"web": Decimal(10)}, Decimal(10)) == {"web": Decimal(10)}


def test_percent_of_a_zero_total_is_undefined():
    assert fig.percent(Decimal(5), Decimal(0)) is None
