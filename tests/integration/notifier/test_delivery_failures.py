"""Failures at the receiver: what is retried (and when), what is not, and what is given up."""

import asyncio
import socket
import time

from costgrid.notifier.v1 import events_pb2
from costgrid.notifier.v1 import service_pb2 as pb
from nats.js.api import ConsumerConfig, DeliverPolicy

from services.common.messaging import DEAD_LETTERED
from tests.fakes.notifier_http import WebhookReceiver
from tests.integration.notifier.conftest import eventually, rule_for, settled, webhook_channel
from tests.support.notifier_events import budget_crossed, publish


async def _alert(org, bus, receiver) -> str:
    channel = await webhook_channel(org, receiver)
    await rule_for(org, [channel.id])
    return await publish(bus, *budget_crossed(org.id), org.id)


async def test_server_error_is_retried_until_it_succeeds(org, webhook, bus):
    webhook.fail(500)
    await _alert(org, bus, webhook)

    [delivery] = await settled(org, 1)

    assert delivery.status == pb.DELIVERY_STATUS_SUCCEEDED
    assert delivery.attempts == 2 and delivery.last_response_code == 200
    assert len(webhook.by_key) == 1


async def test_429_waits_as_long_as_retry_after_asks(org, webhook, bus):
    webhook.fail(429, retry_after=1)
    await _alert(org, bus, webhook)

    [delivery] = await settled(org, 1)

    assert delivery.status == pb.DELIVERY_STATUS_SUCCEEDED and delivery.attempts == 2
    first, second = webhook.arrivals
    # The configured back-off is at most 0.2 s; only Retry-After explains the wait.
    assert second - first >= 0.95


async def test_hanging_receiver_times_out_and_the_retry_carries_the_same_key(org, webhook, bus):
    webhook.hang(2.5)
    await _alert(org, bus, webhook)

    [delivery] = await settled(org, 1)

    assert delivery.status == pb.DELIVERY_STATUS_SUCCEEDED and delivery.attempts == 2

    # The hung first request completes late at the receiver, after the retry.
    async def both_arrived() -> bool:
        return len(webhook.received) == 2

    await eventually(both_arrived, within=5)
    keys = {r.headers["idempotency-key"] for r in webhook.received}
    assert keys == {delivery.idempotency_key}
    assert len(webhook.by_key) == 1


async def test_client_error_is_not_retried(org, webhook, bus):
    webhook.fail(400)
    await _alert(org, bus, webhook)

    [delivery] = await settled(org, 1)

    assert delivery.status == pb.DELIVERY_STATUS_FAILED
    assert delivery.attempts == 1 and delivery.last_response_code == 400
    assert "HTTP 400" in delivery.last_error
    await asyncio.sleep(0.3)
    assert webhook.attempts == 1


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_refused_connection_is_dead_lettered_after_the_attempts_and_published(
    org, webhook, bus, settings
):
    port = _closed_port()
    created = await org.stub.CreateChannel(
        pb.CreateChannelRequest(
            channel=pb.Channel(
                name="gone",
                type=pb.CHANNEL_TYPE_WEBHOOK,
                config=pb.ChannelConfig(webhook=pb.WebhookConfig(url=f"http://127.0.0.1:{port}/x")),
            )
        )
    )
    rule = await rule_for(org, [created.channel.id])
    event_id = await publish(bus, *budget_crossed(org.id), org.id)

    [delivery] = await settled(org, 1)

    assert delivery.status == pb.DELIVERY_STATUS_DEAD_LETTERED
    assert delivery.attempts == 3 and delivery.last_response_code == 0
    assert "could not connect" in delivery.last_error
    dead = await _dead_letter_for(bus, event_id)
    assert dead.org_id == org.id and dead.delivery_id == delivery.id
    assert dead.rule_id == rule.id and dead.channel_id == created.channel.id
    assert dead.channel_type == pb.CHANNEL_TYPE_WEBHOOK
    assert dead.trigger_type == pb.TRIGGER_TYPE_BUDGET_THRESHOLD and dead.attempts == 3


async def _dead_letter_for(bus, source_event_id: str) -> events_pb2.NotificationDeadLettered:
    subject = bus.namespace.subject(DEAD_LETTERED)
    sub = await bus.js.pull_subscribe(
        subject, config=ConsumerConfig(deliver_policy=DeliverPolicy.ALL)
    )
    try:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                messages = await sub.fetch(50, timeout=0.5)
            except TimeoutError:
                continue
            for msg in messages:
                event = events_pb2.NotificationDeadLettered.FromString(msg.data)
                if event.source_event_id == source_event_id:
                    assert msg.headers["Nats-Msg-Id"] == event.event_id
                    return event
        raise AssertionError("no notifications.dead_lettered event was published")
    finally:
        await sub.unsubscribe()


async def test_a_hanging_channel_does_not_delay_another(org, bus):
    slow, fast = WebhookReceiver("s1").start(), WebhookReceiver("s2").start()
    try:
        slow.hang(3, times=5)
        slow_channel = await webhook_channel(org, slow, name="slow")
        fast_channel = await webhook_channel(org, fast, name="fast")
        await rule_for(org, [slow_channel.id, fast_channel.id])
        published = time.time()
        await publish(bus, *budget_crossed(org.id), org.id)

        assert await asyncio.to_thread(fast.wait_for, 1, 5)
        assert fast.arrivals[0] - published < 0.8  # well before the slow one's 1 s timeout
        assert len(slow.received) == 0
    finally:
        slow.stop()
        fast.stop()
