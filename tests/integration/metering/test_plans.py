"""Price books, plans and plan changes: versions, validation and proration across plan windows."""

import uuid
from datetime import UTC, datetime
from decimal import Decimal

import grpc
import pytest
from costgrid.metering.v1 import service_pb2 as pb

from services.common.errors_client import error_info
from services.metering.domain.periods import DAY, period_bounds
from tests.integration.metering.conftest import (
    alloc,
    make_plan,
    make_tenant,
    months_ago,
    record,
    sample,
)

RATES = {
    "cpu": "0.05",
    "memory": "0.006",
    "storage": "0.000116",
    "metrics_series": "0.003",
    "logs_bytes": "0.30",
}


def _book(
    name: str, effective_from: str, currency: str = "GBP", **rates
) -> pb.CreatePriceBookRequest:
    merged = {**RATES, **rates}
    return pb.CreatePriceBookRequest(
        request_id=uuid.uuid4().hex,
        price_book=pb.PriceBook(
            name=name,
            effective_from=effective_from,
            currency_code=currency,
            rates=[pb.MeterRate(meter=m, rate=r) for m, r in merged.items()],
        ),
    )


def _date(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).date().isoformat()


async def test_every_organization_sees_the_default_gbp_book(admin):
    books = (await admin.ListPriceBooks(pb.ListPriceBooksRequest(name="default"))).price_books
    assert [(b.name, b.version, b.currency_code) for b in books] == [("default", 1, "GBP")]
    assert {r.meter: r.rate for r in books[0].rates} == {
        "cpu": "0.030",
        "memory": "0.006",
        "storage": "0.000116",
        "metrics_series": "0.003",
        "logs_bytes": "0.30",
    }


async def test_a_new_book_version_takes_over_from_its_effective_date(admin):
    period = months_ago(1)
    start, _ = period_bounds(period)
    name = f"book-{uuid.uuid4().hex[:6]}"
    first = (await admin.CreatePriceBook(_book(name, "2000-01-01"))).price_book
    second = (
        await admin.CreatePriceBook(_book(name, _date(start + 10 * DAY), cpu="0.10"))
    ).price_book
    assert (first.version, second.version) == (1, 2)
    plan = await make_plan(admin, book=name)
    tenant = await make_tenant(admin, plan, start)
    await record(
        admin, alloc(tenant, "cpu", "1", start), alloc(tenant, "cpu", "0", start + 20 * DAY)
    )

    statement = (
        await admin.ClosePeriod(pb.ClosePeriodRequest(tenant_id=tenant, period=period))
    ).statement

    assert [(line.quantity, line.rate, line.amount.amount) for line in statement.lines] == [
        ("240", "0.05", "12"),
        ("240", "0.1", "24"),
    ]


async def test_a_retried_create_returns_the_first_book(admin):
    request = _book(f"book-{uuid.uuid4().hex[:6]}", "2024-01-01")
    first = await admin.CreatePriceBook(request)
    again = await admin.CreatePriceBook(request)
    assert first == again


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda r: r.price_book.rates.pop(), "price_book.rates"),
        (lambda r: r.price_book.rates.add(meter="gpu", rate="1"), "price_book.rates[5].meter"),
        (lambda r: setattr(r.price_book.rates[0], "rate", "-1"), "price_book.rates[0].rate"),
        (lambda r: setattr(r.price_book, "effective_from", "March"), "price_book.effective_from"),
        (lambda r: setattr(r.price_book, "currency_code", "pounds"), "price_book.currency_code"),
    ],
)
async def test_a_bad_price_book_is_refused_naming_the_field(admin, mutate, field):
    request = _book("broken", "2024-01-01")
    mutate(request)
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await admin.CreatePriceBook(request)
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error_info(err.value).metadata["field"] == field


async def test_versions_of_a_book_keep_its_currency(admin):
    name = f"book-{uuid.uuid4().hex[:6]}"
    await admin.CreatePriceBook(_book(name, "2024-01-01"))
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await admin.CreatePriceBook(_book(name, "2025-01-01", currency="EUR"))
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT


async def test_a_mid_period_plan_change_prorates_fee_allowance_and_compute(admin):
    period = months_ago(2)
    start, end = period_bounds(period)
    half = start + (end - start) // 2
    small = await make_plan(admin, metrics=1000, base_fee="100")
    large = await make_plan(admin, metrics=3000, base_fee="200")
    tenant = await make_tenant(admin, small, start)
    await record(
        admin,
        alloc(tenant, "cpu", "2", start),
        *[sample(tenant, "metrics_series", "2500", start + i) for i in range(20)],
    )
    change = pb.ChangeSubscriptionRequest(tenant_id=tenant, plan_id=large)
    change.effective_time.seconds = half
    windows = (await admin.ChangeSubscription(change)).tenant.subscriptions
    assert [(w.plan_id, w.start_time.seconds, w.end_time.seconds) for w in windows] == [
        (small, start, half),
        (large, half, 0),
    ]

    statement = (
        await admin.ClosePeriod(pb.ClosePeriodRequest(tenant_id=tenant, period=period))
    ).statement

    amounts = [(line.category, Decimal(line.amount.amount)) for line in statement.lines]
    half_cpu = Decimal(2 * (half - start)) / 3600 * Decimal("0.030")
    assert amounts == [
        (pb.STATEMENT_CATEGORY_BASE_FEE, Decimal(50)),
        (pb.STATEMENT_CATEGORY_BASE_FEE, Decimal(100)),
        (pb.STATEMENT_CATEGORY_CPU, half_cpu),
        (pb.STATEMENT_CATEGORY_CPU, half_cpu),
        (pb.STATEMENT_CATEGORY_METRICS_OVERAGE, Decimal("1.5")),  # 2500 - 2000 prorated
    ]


async def test_a_plan_change_into_a_closed_period_is_refused(admin):
    period = months_ago(2)
    start, _ = period_bounds(period)
    tenant = await make_tenant(admin, await make_plan(admin), start)
    await admin.ClosePeriod(pb.ClosePeriodRequest(tenant_id=tenant, period=period))
    change = pb.ChangeSubscriptionRequest(tenant_id=tenant, plan_id=await make_plan(admin))
    change.effective_time.seconds = start + DAY
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await admin.ChangeSubscription(change)
    assert error_info(err.value).reason == "PERIOD_CLOSED"


async def test_a_plan_on_an_unknown_book_is_refused(admin):
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await make_plan(admin, book="no-such-book")
    assert error_info(err.value).metadata["field"] == "plan.price_book_name"
