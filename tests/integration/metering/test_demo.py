"""Demo metering for `make run`: tenants with usage and charges, seeded once."""

from decimal import Decimal

from costgrid.metering.v1 import service_pb2 as pb

from demo import metering as demo
from tests.integration.metering.conftest import months_ago


async def test_demo_tenants_have_usage_and_charges_and_are_seeded_once(metering, client, settings):
    await demo.seed(settings)
    stub = client("admin", org_id=demo.DEMO_ORG)
    listed = await stub.ListTenants(pb.ListTenantsRequest())
    assert sorted(t.id for t in listed.tenants) == sorted(t[0] for t in demo.TENANTS)

    async def estimates() -> dict[str, pb.GetCurrentEstimateResponse]:
        return {
            t.id: await stub.GetCurrentEstimate(pb.GetCurrentEstimateRequest(tenant_id=t.id))
            for t in listed.tenants
        }

    first = await estimates()
    for estimate in first.values():
        cpu = next(c for c in estimate.compute if c.meter == "cpu")
        assert Decimal(cpu.quantity) > 0 and Decimal(estimate.total.amount) > 0
    # Acme's series run past the allowance and it may go over; Globex may not.
    assert Decimal(first["acme-prod"].metrics_overage.amount) > 0
    assert Decimal(first["globex"].metrics_overage.amount) == 0

    # A second `make run` adds nothing to last month (still open here: the closing loop of
    # this module's service ran before the seed).
    async def last_month() -> list[pb.GetUsageResponse]:
        period = months_ago(1)
        return [
            await stub.GetUsage(pb.GetUsageRequest(tenant_id=t.id, period=period))
            for t in listed.tenants
        ]

    before = await last_month()
    assert all(usage.totals for usage in before)
    await demo.seed(settings)
    assert await last_month() == before
