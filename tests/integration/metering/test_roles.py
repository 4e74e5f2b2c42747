"""Roles come before input: a caller below the RPC's role learns nothing about the request.

Each request is bad (the caller with the role gets INVALID_ARGUMENT for it), yet a viewer
gets PERMISSION_DENIED, so refusing the role never depends on what was sent.
"""

import grpc
import pytest
from costgrid.metering.v1 import service_pb2 as pb

YEAR_2200 = 7_258_118_400  # outside the supported dates


async def _refused(call) -> grpc.StatusCode:
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await call
    return err.value.code()


async def _viewer_denied_where_role_gets_invalid(client, role: str, rpc: str, request) -> None:
    allowed, viewer = client(role), client("viewer")
    assert await _refused(getattr(allowed, rpc)(request)) == grpc.StatusCode.INVALID_ARGUMENT
    assert await _refused(getattr(viewer, rpc)(request)) == grpc.StatusCode.PERMISSION_DENIED


@pytest.mark.parametrize(
    "request_",
    [
        pb.RecordUsageRequest(columns=pb.UsageColumns(ids=["x"], tenant_ids=[])),
        pb.RecordUsageRequest(columns=pb.UsageColumns(ids=[str(i) for i in range(10_001)])),
    ],
    ids=["ragged-columns", "too-many-events"],
)
async def test_record_usage_refuses_a_viewer_before_reading_the_events(client, request_):
    await _viewer_denied_where_role_gets_invalid(client, "member", "RecordUsage", request_)


async def test_close_period_refuses_a_viewer_before_reading_the_period(client):
    request = pb.ClosePeriodRequest(tenant_id="t", period="2024-13")
    await _viewer_denied_where_role_gets_invalid(client, "admin", "ClosePeriod", request)


async def test_create_price_book_refuses_a_viewer_before_reading_the_book(client):
    book = pb.PriceBook(name="book", effective_from="2024-02-30", currency_code="GBP")
    request = pb.CreatePriceBookRequest(price_book=book)
    await _viewer_denied_where_role_gets_invalid(client, "admin", "CreatePriceBook", request)


async def test_create_plan_refuses_a_viewer_before_reading_the_plan(client):
    plan = pb.Plan(name="plan", price_book_name="default", metrics_series_allowance=-1)
    request = pb.CreatePlanRequest(plan=plan)
    await _viewer_denied_where_role_gets_invalid(client, "admin", "CreatePlan", request)


async def test_create_tenant_refuses_a_viewer_before_reading_the_start_time(client):
    request = pb.CreateTenantRequest(tenant=pb.Tenant(id="t", overage_policy=2), plan_id=1)
    request.start_time.seconds = YEAR_2200
    await _viewer_denied_where_role_gets_invalid(client, "admin", "CreateTenant", request)


async def test_change_subscription_refuses_a_viewer_before_reading_the_effective_time(client):
    request = pb.ChangeSubscriptionRequest(tenant_id="t", plan_id=1)
    request.effective_time.seconds = YEAR_2200
    await _viewer_denied_where_role_gets_invalid(client, "admin", "ChangeSubscription", request)


async def test_add_credit_refuses_a_viewer_before_reading_the_expire_time(client):
    request = pb.AddCreditRequest(tenant_id="t")
    request.amount.amount, request.amount.currency_code = "10", "GBP"
    request.expire_time.seconds = YEAR_2200
    await _viewer_denied_where_role_gets_invalid(client, "admin", "AddCredit", request)
