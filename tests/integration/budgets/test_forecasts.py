"""GetForecast: a seasonal model's daily series and interval, the run-rate fallback, filters."""

from __future__ import annotations

import time
from datetime import date
from decimal import Decimal

import grpc
import pytest
from costgrid.budgets.v1 import service_pb2 as pb

from services.common.errors_client import error_info
from tests.support.budgets_events import days

HISTORY = days(date(2024, 12, 24), 180)  # through 2025-06-21


def seasonal(day: date, index: int) -> str:
    weekend = day.weekday() >= 5
    wobble = (day.toordinal() * 7919) % 7 - 3
    return str(200 + index // 2 - (80 if weekend else 0) + wobble)


async def test_seasonal_forecast_follows_the_weekly_pattern_within_its_bounds(tenant):
    costs = [(d, "Compute", "", seasonal(d, i)) for i, d in enumerate(HISTORY)]
    await tenant.send(41, (HISTORY[0], HISTORY[-1]), costs)
    request = pb.GetForecastRequest(days=60, as_of_date="2025-06-21")
    started = time.perf_counter()
    answer = await tenant.stubs("viewer").forecasts.GetForecast(request)
    elapsed = time.perf_counter() - started
    assert elapsed < 2.0
    assert answer.forecast_days == 60
    assert (answer.period.start_date, answer.period.end_date) == ("2025-06-22", "2025-08-20")
    [usd] = answer.forecasts
    assert (usd.currency_code, usd.method, usd.history_days) == (
        "USD",
        pb.FORECAST_METHOD_SEASONAL,
        180,
    )
    assert len(usd.daily) == 60 and usd.daily[0].date == "2025-06-22"
    points = [
        (float(p.lower.amount), float(p.amount.amount), float(p.upper.amount)) for p in usd.daily
    ]
    assert all(lo <= mid <= hi for lo, mid, hi in points)
    weekday = [
        p[1] for p, d in zip(points, days(date(2025, 6, 22), 60), strict=True) if d.weekday() < 5
    ]
    weekend = [
        p[1] for p, d in zip(points, days(date(2025, 6, 22), 60), strict=True) if d.weekday() >= 5
    ]
    assert min(weekday) > max(weekend)
    total = float(usd.projected_total.amount)
    assert abs(total - sum(p[1] for p in points)) < 0.6
    assert float(usd.interval_low.amount) < total < float(usd.interval_high.amount)
    # The trend goes on: about 0.5 a day more, weekends 80 lower.
    assert 250 * 60 < total < 320 * 60


async def test_short_history_falls_back_to_run_rate_with_wide_bounds(tenant):
    short = days(date(2025, 6, 12), 10)
    await tenant.send(42, (short[0], short[-1]), [(d, "Compute", "", "50") for d in short])
    answer = await tenant.stubs().forecasts.GetForecast(
        pb.GetForecastRequest(as_of_date="2025-06-21", confidence_level="90")
    )
    [usd] = answer.forecasts
    assert (usd.method, usd.history_days, len(usd.daily)) == (pb.FORECAST_METHOD_RUN_RATE, 10, 30)
    assert usd.projected_total.amount == "1500.00"
    day = usd.daily[0]
    assert day.amount.amount == "50.00"
    assert float(day.lower.amount) <= 15 and float(day.upper.amount) >= 85
    assert (
        float(usd.interval_low.amount) < 1500 * 0.7 < 1500 * 1.3 < float(usd.interval_high.amount)
    )


async def test_forecast_starts_the_day_after_the_last_day_with_data(tenant):
    short = days(date(2025, 6, 10), 9)  # through the 18th
    await tenant.send(45, (short[0], date(2025, 6, 21)), [(d, "VM", "", "5") for d in short])
    answer = await tenant.stubs().forecasts.GetForecast(
        pb.GetForecastRequest(as_of_date="2025-06-21")
    )
    assert (answer.period.start_date, answer.period.end_date) == ("2025-06-19", "2025-07-18")
    [usd] = answer.forecasts
    assert (usd.history_days, usd.daily[0].date, usd.projected_total.amount) == (
        9,
        "2025-06-19",
        "150.00",
    )


async def test_filters_pick_accounts_and_providers_and_currencies_stay_apart(tenant):
    span = days(date(2025, 6, 1), 7)
    await tenant.send(43, (span[0], span[-1]), [(d, "VM", "", "10") for d in span], provider=1)
    await tenant.send(
        44, (span[0], span[-1]), [(d, "VM", "", "7", "EUR") for d in span], provider=3
    )
    stubs = tenant.stubs()

    async def totals(**filters) -> dict[str, str]:  # type: ignore[no-untyped-def]
        request = pb.GetForecastRequest(as_of_date="2025-06-07", **filters)
        answer = await stubs.forecasts.GetForecast(request)
        return {f.currency_code: f.projected_total.amount for f in answer.forecasts}

    assert await totals() == {"EUR": "210.00", "USD": "300.00"}
    assert await totals(account_ids=[43]) == {"USD": "300.00"}
    assert await totals(provider=3) == {"EUR": "210.00"}
    assert await totals(account_ids=[43], provider=3) == {}


@pytest.mark.parametrize(
    ("request_fields", "field"),
    [
        ({"days": 45}, "days"),
        ({"confidence_level": "120"}, "confidence_level"),
        ({"confidence_level": "eighty"}, "confidence_level"),
        ({"as_of_date": "21/06/2025"}, "as_of_date"),
        ({"account_ids": [-1]}, "account_ids"),
        ({"provider": 42}, "provider"),
    ],
)
async def test_bad_forecast_request_is_invalid_argument_naming_the_field(
    tenant, request_fields, field
):
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await tenant.stubs().forecasts.GetForecast(pb.GetForecastRequest(**request_fields))
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error_info(caught.value).metadata["field"] == field


async def test_a_charge_on_the_1st_of_each_month_is_forecast_on_the_next_1st(tenant):
    history = days(date(2025, 1, 1), 171)  # through 2025-06-20
    costs = [(d, "Compute", "", seasonal(d, 0)) for d in history] + [
        (d, "Support", "", "5000") for d in history if d.day == 1
    ]
    await tenant.send(46, (history[0], history[-1]), costs)
    answer = await tenant.stubs().forecasts.GetForecast(
        pb.GetForecastRequest(days=30, as_of_date="2025-06-20")
    )
    [usd] = answer.forecasts
    amounts = {p.date: Decimal(p.amount.amount) for p in usd.daily}
    july_1st = amounts.pop("2025-07-01")
    assert Decimal(4800) < july_1st < Decimal(5400)
    assert max(amounts.values()) < Decimal(300)
