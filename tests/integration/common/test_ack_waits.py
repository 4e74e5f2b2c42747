"""Durable consumers keep the config they were created with: a start with a shorter ack wait
(and unbounded server-side redeliveries) updates the ones earlier versions left behind."""

import uuid

from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from services.common.inbox import InboxConsumer, Subscription
from services.common.messaging import (
    EVENTS_STREAM,
    USAGE,
    USAGE_STREAM,
    Namespace,
    connect,
)
from services.common.server import prepare_database
from services.metering.consumers import UsageConsumer
from services.metering.workers.usage import DURABLE as USAGE_DURABLE
from tests.support.kit_service import apply_effect

SUBJECT = "costgrid.kit.happened.v1"


async def _old_consumer(messaging, stream: str, durable: str, subject: str) -> None:
    """What the earlier versions declared: a 60 s ack wait and 20 deliveries at most."""
    await messaging.js.add_consumer(
        stream,
        ConsumerConfig(
            durable_name=durable,
            filter_subject=messaging.namespace.subject(subject),
            ack_policy=AckPolicy.EXPLICIT,
            deliver_policy=DeliverPolicy.ALL,
            max_deliver=20,
            ack_wait=60,
        ),
    )


async def test_an_inbox_consumer_left_with_a_long_ack_wait_gets_the_short_one(settings):
    messaging = await connect(settings.nats_url, "ack-wait-test", Namespace(settings.namespace))
    db = await prepare_database(settings, "gateway")
    try:
        stream, durable = (
            messaging.namespace.stream(EVENTS_STREAM.name),
            f"kit-{uuid.uuid4().hex[:6]}",
        )
        await _old_consumer(messaging, stream, durable, SUBJECT)

        await InboxConsumer(db, messaging, Subscription(durable, SUBJECT, apply_effect)).declare()

        config = (await messaging.js.consumer_info(stream, durable)).config
        assert config.ack_wait == settings.event_ack_wait_seconds == 6
        assert config.max_deliver == -1
    finally:
        await db.dispose()
        await messaging.close()


async def test_the_usage_consumer_left_with_a_long_ack_wait_gets_the_short_one(settings):
    messaging = await connect(settings.nats_url, "ack-wait-test", Namespace(settings.namespace))
    try:
        stream = messaging.namespace.stream(USAGE_STREAM.name)
        await _old_consumer(messaging, stream, USAGE_DURABLE, USAGE)

        await UsageConsumer(settings, messaging).declare()

        config = (await messaging.js.consumer_info(stream, USAGE_DURABLE)).config
        assert config.ack_wait == 6
        assert config.max_deliver == -1
    finally:
        await messaging.js.delete_consumer(stream, USAGE_DURABLE)
        await messaging.close()
