"""GetOverview over gRPC against rollups in the real ingest schema: exact per-currency figures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import grpc
import pytest
from costgrid.common.v1 import provider_pb2 as prov
from costgrid.ingest.v1 import service_pb2 as pb

from services.common.errors_client import error_info
from tests.support.ingest_cost_rollups import Costs, QueryClients, Row, new_org, running_queries
from tests.support.ingest_service import running_ingest


@pytest.fixture(scope="module")
async def service(settings):
    async with running_queries(settings) as running:
        yield running


@pytest.fixture
def org(service):
    return Costs(service.runtime.db, new_org())


@pytest.fixture
async def ask(service, settings):
    clients = QueryClients(service, settings)
    yield clients
    await clients.close()


def by_currency(response: pb.GetOverviewResponse) -> dict[str, pb.CurrencyOverview]:
    return {c.currency_code: c for c in response.currencies}


async def test_overview_gives_exact_figures_per_currency_compared_like_for_like(org, ask):
    aws = await org.account("Prod AWS", "AWS")
    gcp = await org.account("Data GCP", "GCP")
    azure = await org.account("UK Azure", "AZURE")
    await org.account("Old droplets", "DIGITALOCEAN", deleted=True)
    await org.rollups(
        Row(aws, date(2026, 3, 1), "100.10"),
        Row(aws, date(2026, 3, 10), "50.05", service="S3"),
        Row(aws, date(2026, 3, 11), "500"),  # after "today": not counted
        Row(aws, date(2026, 2, 5), "80.00"),
        Row(aws, date(2026, 2, 20), "300"),  # last month, but beyond its first 10 days
        Row(aws, date(2026, 1, 31), "999"),  # two months ago
        Row(gcp, date(2026, 3, 3), "25.125", service="BigQuery", provider="GCP"),
        Row(gcp, date(2026, 2, 28), "10", service="BigQuery", provider="GCP"),
        Row(azure, date(2026, 3, 2), "40.00", currency="GBP", provider="AZURE"),
        Row(azure, date(2026, 2, 1), "20.00", currency="GBP", provider="AZURE"),
    )

    response = await ask(org.org_id).GetOverview(pb.GetOverviewRequest(as_of_date="2026-03-10"))

    assert (response.current_period.start_date, response.current_period.end_date) == (
        "2026-03-01",
        "2026-03-10",
    )
    assert response.last_month_period.start_date == "2026-02-01"
    assert response.last_month_period.end_date == "2026-02-28"
    usd, gbp = by_currency(response)["USD"], by_currency(response)["GBP"]
    assert Decimal(usd.month_to_date.amount) == Decimal("175.275")
    assert Decimal(usd.last_month.amount) == Decimal("390")
    # Daily rate 17.5275 against 8.00 over 1-10 February.
    assert usd.mom_change_percent == "119.09"
    assert usd.daily_average.amount == "17.53"
    assert usd.projected_month_end.amount == "543.35"  # 17.5275 * 31
    assert [(p.provider, Decimal(p.amount.amount)) for p in usd.by_provider] == [
        (prov.PROVIDER_AWS, Decimal("150.15")),
        (prov.PROVIDER_GCP, Decimal("25.125")),
    ]
    assert [(a.account_id, a.account_name, a.provider) for a in usd.by_account] == [
        (aws, "Prod AWS", prov.PROVIDER_AWS),
        (gcp, "Data GCP", prov.PROVIDER_GCP),
    ]
    assert (gbp.month_to_date.amount, gbp.last_month.amount) == ("40.00", "20.00")
    assert gbp.month_to_date.currency_code == "GBP"
    assert gbp.mom_change_percent == "100.00"
    assert list(response.providers_present) == [
        prov.PROVIDER_AWS,
        prov.PROVIDER_GCP,
        prov.PROVIDER_AZURE,
    ]


async def test_by_provider_splits_a_focus_source_by_the_clouds_it_holds(org, ask):
    aws = await org.account("Prod AWS")
    focus = await org.account("FOCUS export", "FOCUS_FILE")
    await org.rollups(
        Row(aws, date(2026, 3, 2), "2"),
        Row(focus, date(2026, 3, 2), "1", provider="FOCUS_FILE", provider_type="aws"),
        Row(focus, date(2026, 3, 2), "4", provider="FOCUS_FILE", provider_type="azure"),
        Row(focus, date(2026, 3, 2), "0.5", provider="FOCUS_FILE", provider_type="oracle"),
    )

    response = await ask(org.org_id).GetOverview(pb.GetOverviewRequest(as_of_date="2026-03-10"))

    usd = by_currency(response)["USD"]
    assert [(p.provider_type, p.provider, p.amount.amount) for p in usd.by_provider] == [
        ("azure", prov.PROVIDER_AZURE, "4"),
        ("aws", prov.PROVIDER_AWS, "3"),
        ("oracle", prov.PROVIDER_UNSPECIFIED, "0.5"),
    ]
    assert [(a.account_id, a.amount.amount) for a in usd.by_account] == [
        (focus, "5.5"),
        (aws, "2"),
    ]


async def test_month_over_month_on_the_31st_compares_daily_rates_with_all_of_february(org, ask):
    aws = await org.account("Prod AWS")
    await org.rollups(
        Row(aws, date(2026, 3, 1), "300"),
        Row(aws, date(2026, 3, 31), "10"),
        Row(aws, date(2026, 2, 14), "280"),
    )

    response = await ask(org.org_id).GetOverview(pb.GetOverviewRequest(as_of_date="2026-03-31"))

    usd = by_currency(response)["USD"]
    assert usd.mom_change_percent == "0.00"  # 10 a day in both months
    assert usd.daily_average.amount == "10.00"
    assert usd.projected_month_end.amount == "310.00"


async def test_days_without_data_yet_pull_neither_the_average_nor_the_forecast_down(org, ask):
    aws = await org.account("Prod AWS")
    await org.rollups(*(Row(aws, date(2026, 3, d), "1148") for d in range(1, 9)))

    response = await ask(org.org_id).GetOverview(pb.GetOverviewRequest(as_of_date="2026-03-10"))

    assert response.current_period.end_date == "2026-03-08"
    usd = by_currency(response)["USD"]
    assert usd.daily_average.amount == "1148.00"  # not 9184 / 10
    assert usd.projected_month_end.amount == "35588.00"


async def test_first_month_with_costs_has_no_month_over_month_change(org, ask):
    aws = await org.account("New AWS")
    await org.rollups(Row(aws, date(2026, 5, 2), "12.5"))

    response = await ask(org.org_id).GetOverview(pb.GetOverviewRequest(as_of_date="2026-05-02"))

    usd = by_currency(response)["USD"]
    assert usd.mom_change_percent == ""
    assert usd.last_month.amount == "0"
    assert usd.projected_month_end.amount == "193.75"  # 6.25 a day over 31 days


async def test_an_account_idle_this_month_still_shows_with_zero(org, ask):
    idle = await org.account("Idle AWS")
    await org.rollups(Row(idle, date(2026, 4, 30), "7"))

    response = await ask(org.org_id).GetOverview(pb.GetOverviewRequest(as_of_date="2026-05-03"))

    usd = by_currency(response)["USD"]
    assert [(a.account_name, a.amount.amount) for a in usd.by_account] == [("Idle AWS", "0")]
    assert usd.month_to_date.amount == "0"


async def test_another_organization_sees_none_of_the_costs(org, ask):
    aws = await org.account("Prod AWS")
    await org.rollups(Row(aws, date(2026, 3, 1), "100"))

    response = await ask(new_org()).GetOverview(pb.GetOverviewRequest(as_of_date="2026-03-10"))

    assert list(response.currencies) == []
    assert list(response.providers_present) == []


async def test_a_malformed_as_of_date_is_rejected_naming_the_field(ask):
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await ask(new_org()).GetOverview(pb.GetOverviewRequest(as_of_date="10/03/2026"))

    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error_info(caught.value).metadata["field"] == "as_of_date"


async def test_the_full_ingest_service_answers_cost_queries(settings):
    async with running_ingest(settings) as ingest:
        costs = Costs(ingest.runtime.db, new_org())
        aws = await costs.account("Prod AWS")
        await costs.rollups(Row(aws, date(2026, 3, 2), "9.99"))
        clients = QueryClients(ingest, settings)
        try:
            response = await clients(costs.org_id).GetOverview(
                pb.GetOverviewRequest(as_of_date="2026-03-02")
            )
        finally:
            await clients.close()

    assert [(c.currency_code, c.month_to_date.amount) for c in response.currencies] == [
        ("USD", "9.99")
    ]
