"""Allowances: ENFORCED tenants are told once and never billed overage; ALLOWED pay the excess."""

import random
from decimal import Decimal

from costgrid.metering.v1 import events_pb2
from costgrid.metering.v1 import service_pb2 as pb

from services.common.messaging import ALLOWANCE_REACHED
from services.metering.domain.percentile import nearest_rank
from tests.integration.metering.conftest import (
    current_period,
    make_plan,
    make_tenant,
    months_ago,
    published,
    record,
    sample,
)

GB = 10**9


async def _estimate(stub, tenant):
    return await stub.GetCurrentEstimate(pb.GetCurrentEstimateRequest(tenant_id=tenant))


async def _log_samples(stub, tenant, *sizes):
    start = current_period()[0]
    await record(
        stub, *[sample(tenant, "logs_bytes", str(size), start + i) for i, size in enumerate(sizes)]
    )


async def test_enforced_tenant_reaching_its_log_allowance_is_told_once_and_billed_no_overage(
    admin, org, settings
):
    plan = await make_plan(admin, logs=GB)
    tenant = await make_tenant(admin, plan, current_period()[0], policy=pb.OVERAGE_POLICY_ENFORCED)
    await _log_samples(admin, tenant, GB // 2)
    await _log_samples(admin, tenant, GB // 2, GB // 4)  # reaches, then passes the allowance
    await _log_samples(admin, tenant, GB)  # further over: no second notice

    events = await published(
        settings,
        ALLOWANCE_REACHED,
        events_pb2.AllowanceReached,
        lambda e: e.org_id == org and e.tenant_id == tenant,
    )
    assert [(e.usage.meter, e.period) for e in events] == [("logs_bytes", months_ago(0))]
    assert Decimal(events[0].usage.used) >= GB
    estimate = await _estimate(admin, tenant)
    assert not estimate.overage_allowed
    assert Decimal(estimate.logs_overage.amount) == 0
    logs = next(a for a in estimate.allowances if a.meter == "logs_bytes")
    assert Decimal(logs.percent) == Decimal(225)


async def test_allowed_tenant_pays_the_flat_overage_rates(admin):
    plan = await make_plan(admin, metrics=90, logs=GB)
    tenant = await make_tenant(admin, plan, current_period()[0], policy=pb.OVERAGE_POLICY_ALLOWED)
    start = current_period()[0]
    await record(
        admin, *[sample(tenant, "metrics_series", str(v), start + v) for v in range(1, 101)]
    )
    await _log_samples(admin, tenant, GB, GB // 5)

    estimate = await _estimate(admin, tenant)
    assert estimate.overage_allowed
    assert Decimal(estimate.metrics_overage.amount) == Decimal("0.015")  # P95 95 - 90 = 5 x 0.003
    assert Decimal(estimate.logs_overage.amount) == Decimal("0.06")  # 0.2 GB x 0.30
    assert Decimal(estimate.total.amount) == Decimal("0.075")


async def test_allowed_tenant_is_not_sent_allowance_notices(admin, org, settings):
    tenant = await make_tenant(admin, await make_plan(admin, logs=10), current_period()[0])
    await _log_samples(admin, tenant, 100)
    events = await published(
        settings,
        ALLOWANCE_REACHED,
        events_pb2.AllowanceReached,
        lambda e: e.tenant_id == tenant,
        wait=1.0,
    )
    assert events == []


async def test_p95_of_each_cluster_by_nearest_rank_is_summed_for_the_tenant(admin):
    start = current_period()[0]
    tenant = await make_tenant(admin, await make_plan(admin), start)
    rng = random.Random(8)
    samples = {c: [rng.randint(0, 400) for _ in range(rng.randint(1, 150))] for c in ("a", "b")}
    await record(
        admin,
        *[
            sample(tenant, "metrics_series", str(v), start + i, cluster=c)
            for c, values in samples.items()
            for i, v in enumerate(values)
        ],
    )
    view = await admin.GetUsage(pb.GetUsageRequest(tenant_id=tenant))
    expected = sum(nearest_rank([(Decimal(v), 1) for v in values]) for values in samples.values())
    assert {m.meter: Decimal(m.quantity) for m in view.totals}["metrics_series"] == expected
