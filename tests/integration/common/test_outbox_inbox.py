"""The outbox never loses an event and the inbox never applies one twice, with real NATS."""

import asyncio
import socket
import uuid

import pytest
from google.protobuf import wrappers_pb2
from sqlalchemy import text

from services.common.inbox import InboxConsumer, Subscription
from services.common.messaging import Namespace, StreamSpec, connect, delete_streams, ensure_streams
from services.common.outbox import MSG_ID, OutboxRelay, add_event
from services.common.server import prepare_database
from tests.support.kit_service import apply_effect
from tools import devstack

SUBJECT = "costgrid.kit.happened.v1"


@pytest.fixture(scope="module")
async def db(settings):
    database = await prepare_database(settings, "gateway")
    async with database.transaction() as session:
        await session.execute(
            text(
                "CREATE TABLE IF NOT EXISTS kit_effects (event_id text PRIMARY KEY, applied int NOT NULL)"
            )
        )
    yield database
    await database.dispose()


@pytest.fixture
async def messaging(settings):
    conn = await connect(settings.nats_url, "kit-test", Namespace(settings.namespace))
    yield conn
    await conn.close()


async def _commit_event(db, value: str) -> uuid.UUID:
    async with db.transaction() as session:
        return await add_event(
            session, SUBJECT, wrappers_pb2.StringValue(value=value), org_id="org-1"
        )


async def _published(db, event_id) -> bool:
    async with db.transaction() as session:
        return (
            await session.execute(
                text("SELECT published_at IS NOT NULL FROM outbox WHERE id = :i"), {"i": event_id}
            )
        ).scalar_one()


async def _applied(db, event_id) -> int:
    async with db.transaction() as session:
        return (
            await session.execute(
                text("SELECT applied FROM kit_effects WHERE event_id = :e"), {"e": str(event_id)}
            )
        ).scalar_one_or_none() or 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def _drain(consumer: InboxConsumer, messaging, durable: str, stream: str, rounds: int = 3):
    psub = await messaging.js.pull_subscribe_bind(durable, stream=stream)
    results = []
    for _ in range(rounds):
        try:
            for msg in await psub.fetch(10, timeout=1):
                results.append(await consumer.handle(msg))
        except TimeoutError:
            pass
    return results


async def test_event_committed_while_nats_is_down_is_published_once_it_is_back(
    db, tmp_path, settings
):
    port = _free_port()
    url = devstack.start_private_nats(tmp_path, port)
    private = await connect(url, "kit-outage", Namespace(settings.namespace))
    await ensure_streams(private)
    stop = asyncio.Event()
    relay = OutboxRelay(db, private, poll_seconds=0.05)
    relay_task = asyncio.create_task(relay.run(stop))
    try:
        devstack.stop_private_nats(tmp_path)
        event_id = await _commit_event(db, "during-outage")
        await asyncio.sleep(1.0)
        assert not await _published(db, event_id)

        devstack.start_private_nats(tmp_path, port)
        for _ in range(200):
            if await _published(db, event_id):
                break
            await asyncio.sleep(0.1)
        assert await _published(db, event_id)
        stream = await private.js.stream_info(private.namespace.stream("COSTGRID_EVENTS"))
        assert stream.state.messages >= 1
    finally:
        stop.set()
        await relay_task
        await delete_streams(private)
        await private.close()
        devstack.stop_private_nats(tmp_path)


async def test_relay_killed_between_publish_and_mark_sent_publishes_again_and_applies_once(
    db, messaging
):
    event_id = await _commit_event(db, "killed-relay")
    crashing = OutboxRelay(db, messaging)

    async def crash() -> None:
        raise RuntimeError("relay killed")

    crashing.after_publish = crash
    with pytest.raises(RuntimeError, match="relay killed"):
        await crashing.publish_pending()
    assert not await _published(db, event_id)

    assert await OutboxRelay(db, messaging).publish_pending() >= 1
    assert await _published(db, event_id)

    durable = f"kit-{uuid.uuid4().hex[:6]}"
    consumer = InboxConsumer(db, messaging, Subscription(durable, SUBJECT, apply_effect))
    await consumer.declare()
    await _drain(consumer, messaging, durable, messaging.namespace.stream("COSTGRID_EVENTS"))
    assert await _applied(db, event_id) == 1


async def test_redelivered_event_changes_nothing_the_second_time(db, messaging):
    # A stream with a tiny duplicate window: JetStream keeps both copies, only the inbox protects.
    spec = StreamSpec(
        "KIT_NODEDUP", ("costgrid.kit.nodedup",), duplicate_window_seconds=0.2, max_age_seconds=60
    )
    await ensure_streams(messaging, (spec,))
    try:
        event_id = str(uuid.uuid4())
        subject = messaging.namespace.subject("costgrid.kit.nodedup")
        for _ in range(2):
            await messaging.js.publish(subject, b"x", headers={MSG_ID: event_id})
            await asyncio.sleep(0.4)
        durable = f"kit-{uuid.uuid4().hex[:6]}"
        consumer = InboxConsumer(
            db, messaging, Subscription(durable, "costgrid.kit.nodedup", apply_effect, stream=spec)
        )
        await consumer.declare()
        results = await _drain(consumer, messaging, durable, messaging.namespace.stream(spec.name))
        assert results == [True, False]
        assert await _applied(db, event_id) == 1
    finally:
        await delete_streams(messaging, (spec,))


async def test_failed_handler_rolls_back_its_effect_and_the_event_is_retried(db, messaging):
    event_id = await _commit_event(db, "flaky")
    await OutboxRelay(db, messaging).publish_pending()
    attempts = []

    async def flaky(session, event):
        if event.id != str(event_id):
            return
        attempts.append(1)
        await apply_effect(session, event)
        if len(attempts) == 1:
            raise RuntimeError("transient")

    durable = f"kit-{uuid.uuid4().hex[:6]}"
    consumer = InboxConsumer(db, messaging, Subscription(durable, SUBJECT, flaky))
    await consumer.declare()
    await _drain(
        consumer, messaging, durable, messaging.namespace.stream("COSTGRID_EVENTS"), rounds=4
    )
    assert len(attempts) == 2
    assert await _applied(db, event_id) == 1
