"""GetBreakdown (top N plus other) and SumCosts (what invoicing bills) over gRPC."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import grpc
import pytest
from costgrid.common.v1 import date_range_pb2
from costgrid.common.v1 import provider_pb2 as prov
from costgrid.ingest.v1 import service_pb2 as pb

from services.common.errors_client import error_info
from tests.support.ingest_cost_rollups import (
    Costs,
    QueryClients,
    Row,
    amounts,
    new_org,
    running_queries,
)

MARCH = date_range_pb2.DateRange(start_date="2026-03-01", end_date="2026-03-31")


@pytest.fixture(scope="module")
async def service(settings):
    async with running_queries(settings) as running:
        yield running


@pytest.fixture(scope="module")
async def ask(service, settings):
    clients = QueryClients(service, settings)
    yield clients
    await clients.close()


@pytest.fixture
def org(service):
    return Costs(service.runtime.db, new_org())


def items(split: pb.CurrencyBreakdown) -> list[tuple[str, Decimal]]:
    return [(i.key, Decimal(i.amount.amount)) for i in split.items]


async def test_top_n_services_per_currency_with_the_rest_in_other(org, ask):
    aws = await org.account("Prod AWS")
    await org.rollups(
        Row(aws, date(2026, 3, 1), "50.5", service="EC2"),
        Row(aws, date(2026, 3, 31), "49.5", service="EC2"),
        Row(aws, date(2026, 3, 2), "70", service="S3"),
        Row(aws, date(2026, 3, 3), "20.25", service="RDS"),
        Row(aws, date(2026, 3, 4), "9.75", service="Lambda"),
        Row(aws, date(2026, 4, 1), "1000", service="Lambda"),  # outside the period
        Row(aws, date(2026, 3, 5), "8", service="EC2", currency="EUR"),
    )

    response = await ask(org.org_id).GetBreakdown(
        pb.GetBreakdownRequest(period=MARCH, dimension="service", top_n=2)
    )

    eur, usd = response.currencies
    assert (usd.currency_code, Decimal(usd.total.amount)) == ("USD", Decimal(200))
    assert items(usd) == [("EC2", Decimal(100)), ("S3", Decimal(70))]
    assert [i.percent for i in usd.items] == ["50.00", "35.00"]
    assert Decimal(usd.other.amount) == Decimal(30)
    assert (items(eur), Decimal(eur.other.amount)) == ([("EC2", Decimal(8))], Decimal(0))


async def test_breakdown_by_tag_and_filtered_by_provider(org, ask):
    aws = await org.account("Prod AWS")
    gcp = await org.account("Data GCP", "GCP")
    await org.rollups(
        Row(aws, date(2026, 3, 1), "10"), Row(gcp, date(2026, 3, 1), "90", provider="GCP")
    )
    await org.tag(aws, date(2026, 3, 1), "env", "prod", "4")
    await org.tag(gcp, date(2026, 3, 1), "env", "prod", "90")

    response = await ask(org.org_id).GetBreakdown(
        pb.GetBreakdownRequest(period=MARCH, dimension="tag:env", provider=prov.PROVIDER_AWS)
    )

    (usd,) = response.currencies
    assert Decimal(usd.total.amount) == Decimal(10)
    assert [(i.key, i.label, Decimal(i.amount.amount)) for i in usd.items] == [
        ("", "(untagged)", Decimal(6)),
        ("prod", "prod", Decimal(4)),
    ]


@pytest.mark.parametrize(
    ("request_fields", "field"),
    [
        ({"dimension": "service"}, "period"),
        (
            {
                "dimension": "service",
                "period": {"start_date": "2026-03-02", "end_date": "2026-03-01"},
            },
            "period",
        ),
        (
            {"dimension": "service", "period": {"start_date": "x", "end_date": "2026-03-01"}},
            "period.start_date",
        ),
        ({"period": MARCH}, "dimension"),
        ({"period": MARCH, "dimension": "service", "top_n": -1}, "top_n"),
        ({"period": MARCH, "dimension": "service", "account_ids": [0]}, "account_ids"),
    ],
)
async def test_bad_breakdown_requests_are_rejected_naming_the_field(ask, request_fields, field):
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await ask(new_org()).GetBreakdown(pb.GetBreakdownRequest(**request_fields))

    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error_info(caught.value).metadata["field"] == field


async def test_sum_costs_totals_one_account_per_currency_and_service(org, ask):
    aws = await org.account("Prod AWS")
    other = await org.account("Dev AWS")
    await org.rollups(
        Row(aws, date(2026, 3, 1), "10.005", service="EC2"),
        Row(aws, date(2026, 3, 31), "0.995", service="EC2"),
        Row(aws, date(2026, 3, 15), "25", service="S3"),
        Row(aws, date(2026, 3, 15), "3.10", service="S3", currency="EUR"),
        Row(aws, date(2026, 2, 28), "500", service="EC2"),  # before the period
        Row(other, date(2026, 3, 15), "700", service="EC2"),  # another account
    )

    response = await ask(org.org_id).SumCosts(pb.SumCostsRequest(account_id=aws, period=MARCH))

    assert (response.account_name, response.provider) == ("Prod AWS", prov.PROVIDER_AWS)
    assert amounts(response.totals) == {"EUR": Decimal("3.10"), "USD": Decimal("36.000")}
    assert [
        (s.service, s.amount.currency_code, Decimal(s.amount.amount)) for s in response.by_service
    ] == [
        ("S3", "USD", Decimal(25)),
        ("EC2", "USD", Decimal(11)),
        ("S3", "EUR", Decimal("3.10")),
    ]


async def test_sum_costs_of_another_orgs_account_is_not_found(org, ask):
    aws = await org.account("Prod AWS")
    await org.rollups(Row(aws, date(2026, 3, 1), "10"))

    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await ask(new_org(), "admin").SumCosts(pb.SumCostsRequest(account_id=aws, period=MARCH))

    assert caught.value.code() == grpc.StatusCode.NOT_FOUND
    assert "Prod AWS" not in caught.value.details()


async def test_sum_costs_requires_an_account_and_a_period(ask):
    stub = ask(new_org())
    for request, field in (
        (pb.SumCostsRequest(period=MARCH), "account_id"),
        (pb.SumCostsRequest(account_id=1), "period"),
    ):
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await stub.SumCosts(request)
        assert error_info(caught.value).metadata["field"] == field
