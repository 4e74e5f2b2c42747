"""The outbox relay sleeps while nothing happens and publishes as soon as an event commits,
also after its listening connection was cut, with real PostgreSQL and NATS."""

import asyncio
import time

import pytest
from google.protobuf import wrappers_pb2
from sqlalchemy import text

from services.common.messaging import Namespace, connect
from services.common.outbox import OutboxRelay, add_event
from services.common.server import prepare_database

SUBJECT = "costgrid.kit.woken.v1"
# Far longer than any wait below: an event published within the test was not found by polling.
FALLBACK_POLL = 60.0


@pytest.fixture(scope="module")
async def db(settings):
    database = await prepare_database(settings, "gateway")
    yield database
    await database.dispose()


@pytest.fixture
async def relay(db, settings):
    messaging = await connect(settings.nats_url, "kit-wakeup", Namespace(settings.namespace))
    relay = OutboxRelay(db, messaging, poll_seconds=FALLBACK_POLL)
    stop = asyncio.Event()
    task = asyncio.create_task(relay.run(stop))
    yield relay
    stop.set()
    await asyncio.wait_for(task, 5)
    await messaging.close()


async def _commit_event(db, value: str):
    async with db.transaction() as session:
        return await add_event(
            session, SUBJECT, wrappers_pb2.StringValue(value=value), org_id="org-1"
        )


async def _seconds_until_published(db, event_id, within: float = 10.0) -> float:
    started = time.monotonic()
    while time.monotonic() - started < within:
        async with db.transaction() as session:
            published = (
                await session.execute(
                    text("SELECT published_at IS NOT NULL FROM outbox WHERE id = :i"),
                    {"i": event_id},
                )
            ).scalar_one()
        if published:
            return time.monotonic() - started
        await asyncio.sleep(0.02)
    raise AssertionError(f"not published within {within}s")


async def _listener_pids(db) -> list[int]:
    async with db.transaction() as session:
        rows = await session.execute(
            text(
                "SELECT pid FROM pg_stat_activity WHERE application_name = 'gateway outbox relay' "
                "AND datname = current_database()"
            )
        )
        return [row.pid for row in rows]


async def _until(probe, within: float = 10.0):
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if value := await probe():
            return value
        await asyncio.sleep(0.05)
    raise AssertionError(f"condition not met within {within}s")


async def test_an_event_committed_while_the_relay_is_idle_is_published_at_once(db, relay):
    await asyncio.sleep(1.0)  # the relay has looked once and is now waiting
    for value in ("first", "second"):
        event_id = await _commit_event(db, value)
        # A loaded 2-core machine answers well within this; the fallback poll takes a minute.
        assert await _seconds_until_published(db, event_id) < 2.0


async def test_a_relay_whose_listening_connection_was_cut_still_publishes(db, relay):
    pids = await _until(lambda: _listener_pids(db))
    async with db.transaction() as session:
        for pid in pids:
            await session.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
    # Committed while nobody listens: found when the relay reconnects (or polls meanwhile).
    missed = await _commit_event(db, "while-cut")
    assert await _seconds_until_published(db, missed) < 5.0

    await _until(lambda: _until_new_listener(db, pids))
    event_id = await _commit_event(db, "after-reconnect")
    assert await _seconds_until_published(db, event_id) < 2.0


async def _until_new_listener(db, old: list[int]) -> bool:
    return bool(set(await _listener_pids(db)) - set(old))
