"""Each (event, channel) is delivered once: redeliveries, overlapping rules, filters, cooldowns
and other organizations never add a send."""

import asyncio

from costgrid.budgets.v1 import service_pb2 as budgets_pb
from costgrid.notifier.v1 import service_pb2 as pb

from tests.integration.notifier.conftest import (
    deliveries,
    rule_for,
    settled,
    webhook_channel,
)
from tests.support.notifier_events import (
    allowance_reached,
    anomaly,
    budget_crossed,
    invoice_overdue,
    publish,
    sync_failed,
)


async def test_redelivered_event_sends_nothing_again(org, webhook, bus, notifier):
    channel = await webhook_channel(org, webhook)
    await rule_for(org, [channel.id])
    event_id = await publish(bus, *budget_crossed(org.id), org.id)
    await settled(org, 1)

    # Forget the durable consumer's progress: the restarted notifier gets every event again.
    stream = bus.namespace.stream("COSTGRID_EVENTS")
    await notifier.stop()
    await bus.js.delete_consumer(stream, "notifier-budgets-threshold_crossed")
    await notifier.start()
    await asyncio.sleep(1.0)

    [delivery] = await deliveries(org)
    assert delivery.event_id == event_id and delivery.attempts == 1
    assert webhook.attempts == 1


async def test_two_rules_targeting_one_channel_send_once(org, webhook, bus):
    channel = await webhook_channel(org, webhook)
    await rule_for(org, [channel.id])
    await rule_for(org, [channel.id, channel.id])
    await publish(bus, *budget_crossed(org.id), org.id)

    await settled(org, 1)
    await asyncio.sleep(0.3)

    assert len(await deliveries(org)) == 1
    assert webhook.attempts == 1


async def test_filters_choose_which_events_match(org, webhook, bus):
    channel = await webhook_channel(org, webhook)
    await rule_for(
        org,
        [channel.id],
        rule_filter=pb.RuleFilter(
            budget_levels=[budgets_pb.BUDGET_ALERT_LEVEL_CRITICAL], budget_ids=[7]
        ),
    )
    await rule_for(
        org,
        [channel.id],
        trigger=pb.TRIGGER_TYPE_ANOMALY_DETECTED,
        rule_filter=pb.RuleFilter(min_severity=budgets_pb.ANOMALY_SEVERITY_MEDIUM, account_ids=[3]),
    )
    await publish(bus, *budget_crossed(org.id, budget_id=7, level="WARNING"), org.id)
    await publish(bus, *budget_crossed(org.id, budget_id=8, level="CRITICAL"), org.id)
    await publish(bus, *anomaly(org.id, account_id=3, severity="LOW"), org.id)
    await publish(bus, *anomaly(org.id, account_id=4, severity="HIGH"), org.id)
    await publish(bus, *sync_failed(org.id), org.id)  # no rule for this trigger
    wanted_budget = await publish(bus, *budget_crossed(org.id, budget_id=7), org.id)
    wanted_anomaly = await publish(bus, *anomaly(org.id, account_id=3, severity="MEDIUM"), org.id)

    found = await settled(org, 2)
    await asyncio.sleep(0.5)

    assert {d.event_id for d in await deliveries(org)} == {wanted_budget, wanted_anomaly}
    assert {d.trigger_type for d in found} == {
        pb.TRIGGER_TYPE_BUDGET_THRESHOLD,
        pb.TRIGGER_TYPE_ANOMALY_DETECTED,
    }


async def test_every_trigger_type_is_delivered(org, webhook, bus):
    channel = await webhook_channel(org, webhook)
    for trigger in (
        pb.TRIGGER_TYPE_SYNC_FAILED,
        pb.TRIGGER_TYPE_INVOICE_OVERDUE,
        pb.TRIGGER_TYPE_ALLOWANCE_REACHED,
    ):
        await rule_for(org, [channel.id], trigger=trigger)
    for subject, message in (
        sync_failed(org.id),
        invoice_overdue(org.id),
        allowance_reached(org.id),
    ):
        await publish(bus, subject, message, org.id)

    found = await settled(org, 3)

    assert all(d.status == pb.DELIVERY_STATUS_SUCCEEDED for d in found)
    titles = sorted(p["title"] for p in webhook.by_key.values())
    assert titles == [
        "Acme Ltd reached its metrics_series allowance for 2026-03",
        "Invoice INV-2026-0012 to Acme Ltd is 14 days overdue",
        "Sync failed for prod-aws (AWS): PROVIDER_AUTH_FAILED",
    ]


async def test_cooldown_suppresses_repeats_for_the_same_subject(org, webhook, bus):
    channel = await webhook_channel(org, webhook)
    await rule_for(org, [channel.id], cooldown=3600)
    first = await publish(bus, *budget_crossed(org.id, budget_id=7), org.id)
    await settled(org, 1)
    repeat = await publish(bus, *budget_crossed(org.id, budget_id=7, level="WARNING"), org.id)
    other = await publish(bus, *budget_crossed(org.id, budget_id=8), org.id)

    found = await settled(org, 3)

    status = {d.event_id: d.status for d in found}
    assert status == {
        first: pb.DELIVERY_STATUS_SUCCEEDED,
        repeat: pb.DELIVERY_STATUS_SUPPRESSED,
        other: pb.DELIVERY_STATUS_SUCCEEDED,
    }
    assert len(webhook.by_key) == 2


async def test_disabled_rule_sends_nothing(org, webhook, bus):
    channel = await webhook_channel(org, webhook)
    rule = await rule_for(org, [channel.id])
    await org.stub.UpdateRule(
        pb.UpdateRuleRequest(
            rule=pb.Rule(id=rule.id, enabled=False), update_mask={"paths": ["enabled"]}
        )
    )
    await publish(bus, *budget_crossed(org.id), org.id)
    await asyncio.sleep(0.6)
    assert await deliveries(org) == []
    assert webhook.attempts == 0


async def test_another_orgs_event_does_not_reach_this_orgs_channels(org, make_org, webhook, bus):
    other = make_org()
    channel = await webhook_channel(org, webhook)
    await rule_for(org, [channel.id])
    await publish(bus, *budget_crossed(other.id), other.id)
    mine = await publish(bus, *budget_crossed(org.id), org.id)

    [delivery] = await settled(org, 1)

    assert delivery.event_id == mine
    assert await deliveries(other) == []
    assert webhook.attempts == 1
