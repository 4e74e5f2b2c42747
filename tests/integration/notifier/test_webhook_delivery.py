"""An alert reaches a webhook receiver signed, with its idempotency key, exactly once."""

import json

from costgrid.notifier.v1 import service_pb2 as pb

from tests.integration.notifier.conftest import rule_for, settled, webhook_channel
from tests.support.notifier_events import budget_crossed, publish


async def test_budget_alert_reaches_the_webhook_signed_with_its_key_figures(org, webhook, bus):
    channel = await webhook_channel(org, webhook)
    await rule_for(org, [channel.id])
    event_id = await publish(bus, *budget_crossed(org.id), org.id)

    [delivery] = await settled(org, 1)

    assert delivery.status == pb.DELIVERY_STATUS_SUCCEEDED
    assert delivery.attempts == 1 and delivery.last_response_code == 200
    assert delivery.event_id == event_id
    [received] = webhook.received
    assert received.headers["idempotency-key"] == delivery.idempotency_key
    assert received.headers["authorization"] == "Bearer hook-token"
    assert received.headers["x-team"] == "finops"
    body = json.loads(received.body)
    assert body["event_id"] == event_id and body["type"] == "BUDGET_THRESHOLD"
    assert body["facts"]["Spent"] == "10,512.35 USD"
    assert body["data"]["spent"]["amount"] == "10512.3456"
