"""An alert reaches a webhook receiver signed, with its idempotency key, exactly once, in the
REST API's JSON."""

import json
from decimal import Decimal

from costgrid.notifier.v1 import service_pb2 as pb

from tests.integration.notifier.conftest import rule_for, settled, webhook_channel
from tests.support.notifier_events import anomaly, budget_crossed, publish


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
    body = json.loads(received.body, parse_float=Decimal)
    assert body["event_id"] == event_id and body["trigger_type"] == "budget_threshold"
    assert body["idempotency_key"] == delivery.idempotency_key
    assert body["facts"]["Spent"] == "10,512.35 USD"


async def test_webhook_data_speaks_the_rest_apis_language(org, webhook, bus):
    channel = await webhook_channel(org, webhook)
    await rule_for(org, [channel.id])
    await publish(bus, *budget_crossed(org.id, budget_id=7), org.id)

    await settled(org, 1)

    [received] = webhook.received
    assert b'"spent":{"amount":10512.3456,"currency":"USD"}' in received.body
    data = json.loads(received.body, parse_float=Decimal)["data"]
    assert (data["budget_id"], data["level"], data["basis"]) == (7, "critical", "actual")
    assert data["amount"] == {"amount": 10000, "currency": "USD"}
    assert data["percent"] == Decimal("105.12")
    assert data["period"] == {"start_date": "2026-03-01", "end_date": "2026-03-31"}


async def test_anomaly_data_has_lowercase_enums_numeric_ids_and_amounts(org, webhook, bus):
    channel = await webhook_channel(org, webhook)
    await rule_for(org, [channel.id], trigger=pb.TRIGGER_TYPE_ANOMALY_DETECTED)
    await publish(bus, *anomaly(org.id, account_id=3), org.id)

    await settled(org, 1)

    [received] = webhook.received
    body = json.loads(received.body, parse_float=Decimal)
    found = body["data"]["anomaly"]
    assert body["trigger_type"] == "anomaly_detected"
    assert (found["id"], found["account_id"]) == (99, 3)
    assert (found["severity"], found["provider"], found["scope"]) == ("high", "aws", "service")
    assert found["actual"] == {"amount": Decimal("480.5"), "currency": "USD"}
    assert found["impact_percent"] == Decimal("243.2")
