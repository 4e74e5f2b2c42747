"""GetTrend over gRPC: aligned, zero-filled buckets per currency, breakdowns, filters, errors."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import grpc
import pytest
from costgrid.common.v1 import provider_pb2 as prov
from costgrid.ingest.v1 import service_pb2 as pb
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from services.common.errors_client import error_info
from tests.support.ingest_cost_rollups import Costs, QueryClients, Row, new_org, running_queries

DAY, WEEK, MONTH = pb.GRANULARITY_DAY, pb.GRANULARITY_WEEK, pb.GRANULARITY_MONTH


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


def series(response: pb.GetTrendResponse) -> list[tuple[str, str, Decimal]]:
    return [(p.date, p.amount.currency_code, Decimal(p.amount.amount)) for p in response.points]


def breakdown(point: pb.TrendPoint) -> list[tuple[str, str, Decimal, str]]:
    return [(b.key, b.label, Decimal(b.amount.amount), b.percent) for b in point.breakdown]


async def test_daily_series_has_every_day_with_zeros_where_nothing_was_spent(org, ask):
    aws = await org.account("Prod AWS")
    await org.rollups(
        Row(aws, date(2026, 3, 7), "1.50"),
        Row(aws, date(2026, 3, 7), "2.25", service="S3"),
        Row(aws, date(2026, 3, 10), "4"),
        Row(aws, date(2026, 3, 5), "100"),  # the day before the window
    )

    response = await ask(org.org_id).GetTrend(
        pb.GetTrendRequest(days=5, granularity=DAY, as_of_date="2026-03-10")
    )

    assert (response.period.start_date, response.period.end_date) == ("2026-03-06", "2026-03-10")
    assert series(response) == [
        ("2026-03-06", "USD", Decimal(0)),
        ("2026-03-07", "USD", Decimal("3.75")),
        ("2026-03-08", "USD", Decimal(0)),
        ("2026-03-09", "USD", Decimal(0)),
        ("2026-03-10", "USD", Decimal(4)),
    ]
    assert all(not p.breakdown for p in response.points)


async def test_weekly_buckets_start_on_iso_mondays_and_keep_only_the_window(org, ask):
    aws = await org.account("Prod AWS")
    await org.rollups(
        Row(aws, date(2026, 2, 25), "1000"),  # Wednesday before the window starts
        Row(aws, date(2026, 2, 26), "1"),  # Thursday: first day of the window
        Row(aws, date(2026, 3, 1), "2"),  # Sunday, same ISO week
        Row(aws, date(2026, 3, 2), "4"),  # Monday
        Row(aws, date(2026, 3, 11), "8"),  # Wednesday, "today"
    )

    response = await ask(org.org_id).GetTrend(
        pb.GetTrendRequest(days=14, granularity=WEEK, as_of_date="2026-03-11")
    )

    assert series(response) == [
        ("2026-02-23", "USD", Decimal(3)),
        ("2026-03-02", "USD", Decimal(4)),
        ("2026-03-09", "USD", Decimal(8)),
    ]


async def test_monthly_buckets_cross_month_ends_and_keep_currencies_apart(org, ask):
    aws = await org.account("Prod AWS")
    azure = await org.account("UK Azure", "AZURE")
    await org.rollups(
        Row(aws, date(2026, 1, 31), "10.01"),
        Row(aws, date(2026, 2, 1), "20.02"),
        Row(azure, date(2026, 2, 28), "5.5", currency="GBP", provider="AZURE"),
        Row(aws, date(2026, 3, 1), "30.03"),
    )

    response = await ask(org.org_id).GetTrend(
        pb.GetTrendRequest(days=60, granularity=MONTH, as_of_date="2026-03-01")
    )

    assert response.period.start_date == "2026-01-01"
    assert series(response) == [
        ("2026-01-01", "GBP", Decimal(0)),
        ("2026-01-01", "USD", Decimal("10.01")),
        ("2026-02-01", "GBP", Decimal("5.5")),
        ("2026-02-01", "USD", Decimal("20.02")),
        ("2026-03-01", "GBP", Decimal(0)),
        ("2026-03-01", "USD", Decimal("30.03")),
    ]


async def test_breakdown_by_service_is_largest_first_with_shares(org, ask):
    aws = await org.account("Prod AWS")
    await org.rollups(
        Row(aws, date(2026, 3, 10), "30", service="S3"),
        Row(aws, date(2026, 3, 10), "90", service="EC2", region="eu-west-1"),
        Row(aws, date(2026, 3, 10), "60", service="EC2"),
    )

    response = await ask(org.org_id).GetTrend(
        pb.GetTrendRequest(days=1, granularity=DAY, group_by="service", as_of_date="2026-03-10")
    )

    (point,) = response.points
    assert point.amount.amount == "180"
    assert breakdown(point) == [
        ("EC2", "EC2", Decimal(150), "83.33"),
        ("S3", "S3", Decimal(30), "16.67"),
    ]


async def test_breakdown_by_provider_is_by_account_with_unique_names(org, ask):
    aws = await org.account("Prod AWS")
    aws2 = await org.account("Prod AWS")
    gcp = await org.account("Data GCP", "GCP")
    await org.rollups(
        Row(aws, date(2026, 3, 10), "2"),
        Row(aws2, date(2026, 3, 10), "1"),
        Row(gcp, date(2026, 3, 10), "6", provider="GCP"),
    )
    request = pb.GetTrendRequest(days=1, granularity=DAY, as_of_date="2026-03-10")

    request.group_by = "account"
    by_account = (await ask(org.org_id).GetTrend(request)).points[0]
    request.group_by = "provider"
    by_provider = (await ask(org.org_id).GetTrend(request)).points[0]

    expected = [
        (str(gcp), "Data GCP", Decimal(6)),
        (str(aws), f"Prod AWS (#{aws})", Decimal(2)),
        (str(aws2), f"Prod AWS (#{aws2})", Decimal(1)),
    ]
    assert [(b.key, b.label, Decimal(b.amount.amount)) for b in by_account.breakdown] == expected
    assert [(b.key, b.label, Decimal(b.amount.amount)) for b in by_provider.breakdown] == expected


async def test_breakdown_by_provider_type_splits_a_focus_source_by_its_clouds(org, ask):
    aws = await org.account("Prod AWS")
    focus = await org.account("FOCUS export", "FOCUS_FILE")
    await org.rollups(
        Row(aws, date(2026, 3, 10), "2"),
        Row(focus, date(2026, 3, 10), "1", provider="FOCUS_FILE", provider_type="aws"),
        Row(focus, date(2026, 3, 10), "4", provider="FOCUS_FILE", provider_type="azure"),
        Row(focus, date(2026, 3, 10), "0.5", provider="FOCUS_FILE", provider_type="oracle"),
    )

    response = await ask(org.org_id).GetTrend(
        pb.GetTrendRequest(
            days=1, granularity=DAY, group_by="provider_type", as_of_date="2026-03-10"
        )
    )

    assert breakdown(response.points[0]) == [
        ("azure", "azure", Decimal(4), "53.33"),
        ("aws", "aws", Decimal(3), "40.00"),
        ("oracle", "oracle", Decimal("0.5"), "6.67"),
    ]


async def test_tag_breakdown_shows_untagged_cost_so_parts_add_up(org, ask):
    aws = await org.account("Prod AWS")
    await org.rollups(Row(aws, date(2026, 3, 10), "100"))
    await org.tag(aws, date(2026, 3, 10), "team", "data", "70")
    await org.tag(aws, date(2026, 3, 10), "team", "web", "10")
    await org.tag(aws, date(2026, 3, 10), "env", "prod", "100")

    response = await ask(org.org_id).GetTrend(
        pb.GetTrendRequest(days=1, granularity=DAY, group_by="tag:team", as_of_date="2026-03-10")
    )

    assert breakdown(response.points[0]) == [
        ("data", "data", Decimal(70), "70.00"),
        ("", "(untagged)", Decimal(20), "20.00"),
        ("web", "web", Decimal(10), "10.00"),
    ]


async def test_provider_and_account_filters_narrow_the_series(org, ask):
    aws = await org.account("Prod AWS")
    aws2 = await org.account("Dev AWS")
    gcp = await org.account("Data GCP", "GCP")
    await org.rollups(
        Row(aws, date(2026, 3, 10), "1"),
        Row(aws2, date(2026, 3, 10), "2"),
        Row(gcp, date(2026, 3, 10), "4", provider="GCP"),
    )
    base = {"days": 1, "granularity": DAY, "as_of_date": "2026-03-10"}

    only_gcp = await ask(org.org_id).GetTrend(
        pb.GetTrendRequest(provider=prov.PROVIDER_GCP, **base)
    )
    two_accounts = await ask(org.org_id).GetTrend(
        pb.GetTrendRequest(account_ids=[aws, gcp], **base)
    )

    assert only_gcp.points[0].amount.amount == "4"
    assert two_accounts.points[0].amount.amount == "5"


async def test_another_orgs_account_is_not_found_exactly_like_a_missing_one(org, ask):
    aws = await org.account("Prod AWS")
    await org.rollups(Row(aws, date(2026, 3, 10), "1"))
    intruder = ask(new_org())
    request = pb.GetTrendRequest(days=1, granularity=DAY, as_of_date="2026-03-10")

    errors = []
    for account_id in (aws, aws + 10_000_000):
        request.account_ids[:] = [account_id]
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await intruder.GetTrend(request)
        errors.append((caught.value.code(), caught.value.details().replace(str(account_id), "#")))

    assert errors == [(grpc.StatusCode.NOT_FOUND, "cloud account # not found")] * 2


@pytest.mark.parametrize(
    ("request_fields", "field"),
    [
        ({"days": 367, "granularity": DAY}, "days"),
        ({"days": -1, "granularity": DAY}, "days"),
        ({"days": 30}, "granularity"),
        ({"granularity": DAY, "group_by": "colour"}, "group_by"),
        ({"granularity": DAY, "group_by": "tag:"}, "group_by"),
        ({"granularity": DAY, "provider": 42}, "provider"),
        ({"granularity": DAY, "as_of_date": "2026-02-30"}, "as_of_date"),
    ],
)
async def test_bad_trend_requests_are_rejected_naming_the_field(ask, request_fields, field):
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await ask(new_org()).GetTrend(pb.GetTrendRequest(**request_fields))

    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error_info(caught.value).metadata["field"] == field


AS_OF = date(2026, 3, 15)
rollup_rows = st.lists(
    st.tuples(
        st.integers(0, 75),  # days before AS_OF
        st.sampled_from(["USD", "EUR"]),
        st.decimals(min_value=Decimal("-50"), max_value=Decimal("5000"), places=4),
    ),
    max_size=25,
)


@hsettings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    rows=rollup_rows,
    days=st.integers(1, 70),
    granularity=st.sampled_from([DAY, WEEK, MONTH]),
    group_by=st.sampled_from(["", "service", "region"]),
)
async def test_trend_totals_equal_the_rollups_inside_the_window(
    service, ask, rows, days, granularity, group_by
):
    org = Costs(service.runtime.db, new_org())
    aws = await org.account("Prod AWS")
    await org.rollups(
        *(
            Row(
                aws,
                AS_OF - timedelta(days=back),
                str(amount),
                service=f"svc{i % 3}",
                region=f"r{i}",
                currency=currency,
            )
            for i, (back, currency, amount) in enumerate(rows)
        )
    )
    window_start = AS_OF - timedelta(days=days - 1)
    expected: dict[str, Decimal] = {}
    for back, currency, amount in rows:
        if AS_OF - timedelta(days=back) >= window_start:
            expected[currency] = expected.get(currency, Decimal(0)) + amount

    response = await ask(org.org_id).GetTrend(
        pb.GetTrendRequest(
            days=days, granularity=granularity, group_by=group_by, as_of_date=AS_OF.isoformat()
        )
    )

    totals: dict[str, Decimal] = {}
    for point in response.points:
        amount = Decimal(point.amount.amount)
        totals[point.amount.currency_code] = totals.get(point.amount.currency_code, 0) + amount
        if group_by:
            assert sum(Decimal(b.amount.amount) for b in point.breakdown) == amount
    assert totals == {c: a for c, a in expected.items()}
    assert len({p.date for p in response.points}) == len(response.points) // max(len(totals), 1)
