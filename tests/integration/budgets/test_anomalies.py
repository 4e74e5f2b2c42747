"""Anomalies from costs.updated: an injected spike with its root causes, late data revising
it in place, dismissal that sticks, the per-org minimum impact, and list filters."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import grpc
import pytest
from costgrid.budgets.v1 import events_pb2
from costgrid.budgets.v1 import service_pb2 as pb
from google.protobuf.field_mask_pb2 import FieldMask
from nats.js.api import ConsumerConfig, DeliverPolicy

from services.common.messaging import ANOMALY_DETECTED
from tests.support.budgets_events import days

HISTORY = days(date(2025, 5, 1), 42)
SPIKE = HISTORY[-1] + timedelta(days=1)  # 2025-06-12
WINDOW = (HISTORY[0], SPIKE)
ACCOUNT, SERVICE = pb.ANOMALY_SCOPE_ACCOUNT, pb.ANOMALY_SCOPE_SERVICE


def normal_day(day: date) -> list[tuple[date, str, str, str]]:
    """EC2 ~100 on weekdays, 60 at weekends, with a little wobble; S3 a steady 20."""
    wobble = (day.toordinal() * 7919) % 9 - 4
    ec2 = (60 if day.weekday() >= 5 else 100) + wobble
    return [(day, "Amazon EC2", "us-east-1", str(ec2)), (day, "Amazon S3", "us-east-1", "20")]


def spike_day(extra: str) -> list[tuple[date, str, str, str]]:
    return [*normal_day(SPIKE), (SPIKE, "Amazon EC2", "us-west-2", extra)]


async def history_with_spike(tenant, account: int, extra: str = "300") -> None:
    costs = [c for d in HISTORY for c in normal_day(d)] + spike_day(extra)
    await tenant.send(account, WINDOW, costs, account_name="Prod")


async def listed(tenant, **filters) -> list[pb.Anomaly]:  # type: ignore[no-untyped-def]
    request = pb.ListAnomaliesRequest(**filters)
    return list((await tenant.stubs().anomalies.ListAnomalies(request)).anomalies)


async def test_spike_is_detected_for_the_account_and_the_service_with_ranked_causes(tenant):
    await history_with_spike(tenant, 31)
    found = await listed(tenant)
    assert [(a.scope, a.service, a.day) for a in found] == [
        (SERVICE, "Amazon EC2", "2025-06-12"),
        (ACCOUNT, "", "2025-06-12"),
    ] or [(a.scope, a.service, a.day) for a in found] == [
        (ACCOUNT, "", "2025-06-12"),
        (SERVICE, "Amazon EC2", "2025-06-12"),
    ]
    account = next(a for a in found if a.scope == ACCOUNT)
    assert account.account_name == "Prod"
    assert account.actual.amount == str(100 + (SPIKE.toordinal() * 7919) % 9 - 4 + 20 + 300)
    low, high = float(account.expected_low.amount), float(account.expected_high.amount)
    assert 100 < low < 120 < high < 140
    assert float(account.impact.amount) > 250
    assert account.severity == pb.ANOMALY_SEVERITY_HIGH
    assert account.status == pb.ANOMALY_STATUS_ACTIVE
    causes = [(c.dimension, c.key) for c in account.root_causes]
    assert causes[0] == (pb.ROOT_CAUSE_DIMENSION_ACCOUNT, "31")
    assert (pb.ROOT_CAUSE_DIMENSION_REGION, "us-west-2") in causes[1:3]
    assert (pb.ROOT_CAUSE_DIMENSION_SERVICE, "Amazon EC2") in causes[1:3]
    assert all(c.key != "Amazon S3" for c in account.root_causes)
    assert await published_anomaly_ids(tenant) == {a.id for a in found}


async def published_anomaly_ids(tenant) -> set[int]:
    ns = tenant.messaging.namespace
    sub = await tenant.messaging.js.pull_subscribe(
        ns.subject(ANOMALY_DETECTED),
        durable=f"t-{uuid.uuid4().hex[:8]}",
        stream=ns.stream("COSTGRID_EVENTS"),
        config=ConsumerConfig(deliver_policy=DeliverPolicy.ALL),
    )
    ids = set()
    try:
        while True:
            for msg in await sub.fetch(200, timeout=1):
                event = events_pb2.AnomalyDetected.FromString(msg.data)
                if event.org_id == tenant.org_id:
                    ids.add(event.anomaly.id)
    except TimeoutError:
        pass
    await sub.unsubscribe()
    return ids


async def test_late_data_revises_the_anomaly_in_place_and_can_explain_it_away(tenant):
    await history_with_spike(tenant, 32)
    before = {a.scope: a for a in await listed(tenant)}
    await tenant.send(32, (SPIKE, SPIKE), spike_day("500"))
    after = {a.scope: a for a in await listed(tenant)}
    assert {s: a.id for s, a in after.items()} == {s: a.id for s, a in before.items()}
    assert float(after[ACCOUNT].actual.amount) == float(before[ACCOUNT].actual.amount) + 200
    assert after[ACCOUNT].update_time.ToDatetime() > before[ACCOUNT].update_time.ToDatetime()
    await tenant.send(32, (SPIKE, SPIKE), normal_day(SPIKE))
    assert await listed(tenant) == []


async def test_dismissed_anomaly_records_who_and_why_and_is_not_raised_again(tenant):
    await history_with_spike(tenant, 33)
    account = next(a for a in await listed(tenant) if a.scope == ACCOUNT)
    dismissed = (
        await tenant.stubs().anomalies.DismissAnomaly(
            pb.DismissAnomalyRequest(anomaly_id=account.id, reason="Planned migration")
        )
    ).anomaly
    assert dismissed.status == pb.ANOMALY_STATUS_DISMISSED
    assert (dismissed.dismiss_reason, dismissed.dismissed_by) == (
        "Planned migration",
        "user:member",
    )
    assert dismissed.HasField("dismiss_time")
    await tenant.send(33, (SPIKE, SPIKE), spike_day("900"))
    again = await listed(tenant, status=pb.ANOMALY_STATUS_DISMISSED)
    assert [(a.id, a.actual.amount) for a in again] == [(account.id, account.actual.amount)]
    active = await listed(tenant, status=pb.ANOMALY_STATUS_ACTIVE)
    assert [a.scope for a in active] == [SERVICE]


async def test_minimum_impact_per_org_keeps_small_spikes_out(tenant):
    stubs = tenant.stubs()
    defaults = (await stubs.anomalies.GetAnomalySettings(pb.GetAnomalySettingsRequest())).settings
    assert (defaults.min_impact_amount, defaults.min_impact_percent) == ("10", "10")
    await stubs.anomalies.UpdateAnomalySettings(
        pb.UpdateAnomalySettingsRequest(
            settings=pb.AnomalySettings(min_impact_amount="1000"),
            update_mask=FieldMask(paths=["min_impact_amount"]),
        )
    )
    settings = (await stubs.anomalies.GetAnomalySettings(pb.GetAnomalySettingsRequest())).settings
    assert (settings.min_impact_amount, settings.min_impact_percent) == ("1000", "10")
    await history_with_spike(tenant, 34)
    assert await listed(tenant) == []


async def test_list_filters_by_account_provider_and_days(tenant, clock):
    clock.day = date(2025, 6, 20)
    await history_with_spike(tenant, 35)
    assert {a.account_id for a in await listed(tenant, account_ids=[35])} == {35}
    assert await listed(tenant, account_ids=[36]) == []
    assert await listed(tenant, provider=2) == []
    assert len(await listed(tenant, provider=1)) == 2
    assert await listed(tenant, days=7) == []
    page = await tenant.stubs().anomalies.ListAnomalies(pb.ListAnomaliesRequest(page_size=1))
    rest = await tenant.stubs().anomalies.ListAnomalies(
        pb.ListAnomaliesRequest(page_size=1, page_token=page.next_page_token)
    )
    assert len(page.anomalies) == len(rest.anomalies) == 1
    assert rest.next_page_token == ""
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await listed(tenant, days=400)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
