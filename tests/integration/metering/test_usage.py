"""Usage in: each event once, bad ones rejected one by one, late ones rated where they belong."""

import uuid
from decimal import Decimal

import grpc
import pytest
from costgrid.metering.v1 import events_pb2
from costgrid.metering.v1 import service_pb2 as pb

from services.common.messaging import USAGE, Namespace, connect
from services.metering.domain.periods import period_bounds
from tests.integration.metering.conftest import (
    alloc,
    current_period,
    eventually,
    make_plan,
    make_tenant,
    months_ago,
    now,
    record,
    sample,
)

HOUR = 3600
ACCEPTED, DUPLICATE, REJECTED = (
    pb.USAGE_EVENT_OUTCOME_ACCEPTED,
    pb.USAGE_EVENT_OUTCOME_DUPLICATE,
    pb.USAGE_EVENT_OUTCOME_REJECTED,
)


async def _cpu_hours(stub, tenant) -> Decimal:
    estimate = await stub.GetCurrentEstimate(pb.GetCurrentEstimateRequest(tenant_id=tenant))
    return Decimal(next(c.quantity for c in estimate.compute if c.meter == "cpu"))


async def _tenant(stub) -> tuple[str, int]:
    start = current_period()[0]
    return await make_tenant(stub, await make_plan(stub), start), start


async def test_a_repeated_event_id_is_applied_once(admin):
    tenant, start = await _tenant(admin)
    on, off = (
        alloc(tenant, "cpu", "2", start, event_id="on"),
        alloc(tenant, "cpu", "0", start + HOUR, event_id="off"),
    )
    first = await record(admin, on, off, on)
    again = await record(admin, on, off)
    assert [r.outcome for r in first] == [ACCEPTED, ACCEPTED, DUPLICATE]
    assert [r.outcome for r in again] == [DUPLICATE, DUPLICATE]
    assert await _cpu_hours(admin, tenant) == 2


async def test_a_late_allocation_counts_only_until_the_next_change(admin):
    tenant, start = await _tenant(admin)
    await record(
        admin, alloc(tenant, "cpu", "1", start), alloc(tenant, "cpu", "0", start + 4 * HOUR)
    )
    await record(admin, alloc(tenant, "cpu", "5", start + HOUR))  # arrives after the later change
    assert await _cpu_hours(admin, tenant) == 1 + 5 * 3


async def test_each_bad_event_is_rejected_with_its_reason_and_good_ones_are_kept(admin, org):
    tenant, start = await _tenant(admin)
    good = alloc(tenant, "cpu", "1", start)
    stop = alloc(tenant, "cpu", "0", start + HOUR)
    missing_time = pb.UsageEvent(id="no-time", tenant_id=tenant, meter="memory", quantity="1")
    results = await record(
        admin,
        good,
        alloc(tenant, "cpu", "-1", start),
        alloc("nobody", "cpu", "1", start),
        alloc(tenant, "gpu", "1", start),
        alloc(tenant, "cpu", "1", now() + 2 * 86_400),
        alloc(tenant, "cpu", "abc", start),
        alloc(tenant, "memory", "1", start - 86_400),
        missing_time,
        pb.UsageEvent(id="in-gb", tenant_id=tenant, meter="storage", quantity="1", unit="GB"),
        stop,
    )
    assert [(r.outcome, r.reject_reason) for r in results] == [
        (ACCEPTED, ""),
        (REJECTED, "NEGATIVE_QUANTITY"),
        (REJECTED, "UNKNOWN_TENANT"),
        (REJECTED, "UNKNOWN_METER"),
        (REJECTED, "TOO_FAR_IN_FUTURE"),
        (REJECTED, "INVALID_QUANTITY"),
        (REJECTED, "BEFORE_SUBSCRIPTION"),
        (REJECTED, "MISSING_TIME"),
        (REJECTED, "WRONG_UNIT"),
        (ACCEPTED, ""),
    ]
    assert all(r.message for r in results if r.outcome == REJECTED)
    assert await _cpu_hours(admin, tenant) == 1


async def test_usage_published_on_the_subject_is_rated_once_despite_redelivery(
    admin, org, settings
):
    tenant, start = await _tenant(admin)
    events = [alloc(tenant, "cpu", "3", start + HOUR), alloc(tenant, "cpu", "0", start + 3 * HOUR)]
    late = [alloc(tenant, "cpu", "1", start)]
    messaging = await connect(
        settings.nats_url, "metering-test-producer", Namespace(settings.namespace)
    )
    try:
        subject = messaging.namespace.subject(USAGE)
        for batch in (events, events, late, events):  # the same events again: duplicates
            await messaging.js.publish(
                subject, events_pb2.UsageBatch(org_id=org, events=batch).SerializeToString()
            )
    finally:
        await messaging.close()
    # 1 vCPU for the first hour (late), 3 vCPU for the next two hours.
    assert await eventually(lambda: _expect(admin, tenant, Decimal(7))) is True


async def test_columnar_batches_are_rated_like_event_batches_and_share_their_ids(
    admin, org, settings
):
    tenant, start = await _tenant(admin)
    events = [alloc(tenant, "cpu", "2", start + HOUR), alloc(tenant, "cpu", "0", start + 4 * HOUR)]
    columns = pb.UsageColumns(
        ids=[e.id for e in events] + ["extra"],
        tenant_ids=[tenant] * 3,
        cluster_ids=["c1"] * 3,
        meters=["cpu"] * 3,
        quantities=["2", "0", "5"],
        time_seconds=[start + HOUR, start + 4 * HOUR, start + 5 * HOUR],
    )
    ragged = pb.UsageColumns(ids=["x"], tenant_ids=[tenant])  # unreadable: dropped
    final = alloc(tenant, "cpu", "0", start + 6 * HOUR)
    messaging = await connect(
        settings.nats_url, "metering-test-producer", Namespace(settings.namespace)
    )
    try:
        subject = messaging.namespace.subject(USAGE)
        for batch in (
            events_pb2.UsageBatch(org_id=org, events=events),
            events_pb2.UsageBatch(org_id=org, columns=columns),  # two ids already applied
            events_pb2.UsageBatch(org_id=org, columns=ragged),
            events_pb2.UsageBatch(org_id=org, events=[final]),
        ):
            await messaging.js.publish(subject, batch.SerializeToString())
    finally:
        await messaging.close()
    # 2 vCPU for three hours, nothing for one, then 5 vCPU for one: 11 vCPU-hours.
    assert await eventually(lambda: _expect(admin, tenant, Decimal(11))) is True


async def _expect(stub, tenant, hours) -> bool:
    return await _cpu_hours(stub, tenant) == hours


async def test_one_organizations_tenant_is_invisible_to_another(admin, client):
    tenant, start = await _tenant(admin)
    other = client("admin", org_id=f"org-{uuid.uuid4().hex[:8]}")
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await other.GetTenant(pb.GetTenantRequest(tenant_id=tenant))
    assert err.value.code() == grpc.StatusCode.NOT_FOUND
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await other.GetCurrentEstimate(pb.GetCurrentEstimateRequest(tenant_id=tenant))
    assert err.value.code() == grpc.StatusCode.NOT_FOUND
    results = await record(other, alloc(tenant, "cpu", "8", start))
    assert results[0].reject_reason == "UNKNOWN_TENANT"
    assert (await other.ListTenants(pb.ListTenantsRequest())).tenants == []
    assert await _cpu_hours(admin, tenant) == 0


async def test_a_viewer_reads_estimates_but_cannot_record_usage_or_create_plans(admin, client):
    tenant, start = await _tenant(admin)
    viewer = client("viewer")
    await viewer.GetCurrentEstimate(pb.GetCurrentEstimateRequest(tenant_id=tenant))
    for call in (
        viewer.RecordUsage(pb.RecordUsageRequest(events=[alloc(tenant, "cpu", "1", start)])),
        viewer.CreatePlan(pb.CreatePlanRequest(plan=pb.Plan(name="x", price_book_name="default"))),
    ):
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await call
        assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED


async def test_usage_view_reports_resource_hours_per_day(admin):
    tenant, start = await _tenant(admin)
    await record(
        admin,
        alloc(tenant, "memory", "4", start + 23 * HOUR),
        alloc(tenant, "memory", "0", start + 26 * HOUR),
        sample(tenant, "logs_bytes", "500", start + HOUR),
        sample(tenant, "metrics_series", "42", start + HOUR),
    )
    view = await admin.GetUsage(pb.GetUsageRequest(tenant_id=tenant))
    daily = {d.date: {m.meter: Decimal(m.quantity) for m in d.meters} for d in view.daily}
    first, second = sorted(daily)[:2]
    assert daily[first]["memory"] == 4 and daily[second]["memory"] == 8
    assert daily[first]["logs_bytes"] == 500 and daily[first]["metrics_series"] == 42
    totals = {m.meter: Decimal(m.quantity) for m in view.totals}
    assert totals["memory"] == 12 and totals["metrics_series"] == 42


async def test_events_in_a_period_that_is_still_open_after_it_ended_are_accepted(admin):
    start = current_period()[0]
    tenant = await make_tenant(admin, await make_plan(admin), period_bounds(months_ago(1))[0])
    results = await record(admin, alloc(tenant, "cpu", "1", start - HOUR))
    assert results[0].outcome == ACCEPTED


async def test_event_ids_with_any_characters_are_kept_apart_and_deduplicated(admin):
    tenant, start = await _tenant(admin)
    ids = ["a,b", 'q"uote', "back\\slash", "{brace}", "NULL", "sp ace", "ünï"]
    events = [alloc(tenant, "storage", "1", start + i, event_id=i_d) for i, i_d in enumerate(ids)]
    assert {r.outcome for r in await record(admin, *events)} == {ACCEPTED}
    assert {r.outcome for r in await record(admin, *events)} == {DUPLICATE}


async def test_record_usage_takes_columns_after_events_and_refuses_ragged_ones(admin):
    tenant, start = await _tenant(admin)
    columns = pb.UsageColumns(
        ids=["col-1", "col-2", "ev-1"],
        tenant_ids=[tenant, "nobody", tenant],
        cluster_ids=["c1"] * 3,
        meters=["cpu"] * 3,
        quantities=["3", "1", "9"],
        time_seconds=[start + HOUR, start + HOUR, start + 2 * HOUR],
    )
    request = pb.RecordUsageRequest(
        events=[alloc(tenant, "cpu", "1", start, event_id="ev-1")], columns=columns
    )
    results = (await admin.RecordUsage(request)).results
    assert [(r.event_id, r.outcome, r.reject_reason) for r in results] == [
        ("ev-1", ACCEPTED, ""),
        ("col-1", ACCEPTED, ""),
        ("col-2", REJECTED, "UNKNOWN_TENANT"),
        ("ev-1", DUPLICATE, ""),
    ]
    ragged = pb.RecordUsageRequest(columns=pb.UsageColumns(ids=["x"], tenant_ids=[]))
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await admin.RecordUsage(ragged)
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
