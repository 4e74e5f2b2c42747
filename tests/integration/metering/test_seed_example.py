"""The issue's worked example, to the penny: 4 vCPU, 16 GiB and 100 GiB for one hour = 0.2276 GBP."""

from decimal import Decimal

from costgrid.metering.v1 import service_pb2 as pb

from services.metering.domain.periods import period_bounds, period_of
from tests.integration.metering.conftest import alloc, make_plan, make_tenant, record

HOUR = 3600


def _one_hour(tenant: str, at: int) -> list[pb.UsageEvent]:
    return [
        alloc(tenant, "cpu", "4", at),
        alloc(tenant, "memory", "16", at),
        alloc(tenant, "storage", "100", at),
        alloc(tenant, "cpu", "0", at + HOUR),
        alloc(tenant, "memory", "0", at + HOUR),
        alloc(tenant, "storage", "0", at + HOUR),
    ]


async def test_default_book_example_costs_exactly_0_2276_in_the_estimate(admin):
    start, _ = period_bounds(period_of(__import__("time").time().__int__()))
    tenant = await make_tenant(admin, await make_plan(admin), start)
    results = await record(admin, *_one_hour(tenant, start + HOUR))
    assert {r.outcome for r in results} == {pb.USAGE_EVENT_OUTCOME_ACCEPTED}

    estimate = await admin.GetCurrentEstimate(pb.GetCurrentEstimateRequest(tenant_id=tenant))

    by_meter = {c.meter: c for c in estimate.compute}
    assert Decimal(by_meter["cpu"].amount.amount) == Decimal("0.12")
    assert Decimal(by_meter["memory"].amount.amount) == Decimal("0.096")
    assert Decimal(by_meter["storage"].amount.amount) == Decimal("0.0116")
    assert Decimal(estimate.total.amount) == Decimal("0.2276")
    assert estimate.total.currency_code == "GBP"
