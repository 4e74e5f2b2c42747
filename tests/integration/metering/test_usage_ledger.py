"""Applied ids live in the ledger and in each writer's memory: writers must agree, always.

Several writers apply usage at once in production: the service's RPC path, its usage workers,
other replicas. Each keeps its own set of applied ids, so these tests drive two sets (and two
consumers) against one database and check that an id is applied once whoever sees it.
"""

import asyncio
import os
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal

import pytest
from costgrid.metering.v1 import events_pb2
from costgrid.metering.v1 import service_pb2 as pb

from services.common.db import Database
from services.common.messaging import USAGE, Messaging, Namespace, connect
from services.metering.api.convert import event_fields
from services.metering.consumers import UsageConsumer
from services.metering.domain.periods import period_bounds, period_of
from services.metering.domain.usage import Events
from services.metering.handlers.seen_ids import SeenIds
from services.metering.handlers.usage import apply_usage, presort, record_usage
from services.metering.repository import pg
from tests.integration.metering.conftest import (
    alloc,
    current_period,
    eventually,
    make_plan,
    make_tenant,
    months_ago,
    record,
)

HOUR = 3600


@pytest.fixture
async def db(metering, settings):
    database = Database.for_service(settings, "metering")
    yield database
    await database.dispose()


async def _tenant(stub) -> tuple[str, int]:
    start = current_period()[0]
    return await make_tenant(stub, await make_plan(stub), start), start


async def _apply(db, seen, org, *events) -> list[str]:
    outcomes = await record_usage(db, seen, {org: Events.of_rows(map(event_fields, events))})
    return [o.outcome for o in outcomes[org]]


async def _cpu_hours(stub, tenant) -> Decimal:
    return await _hours(stub, tenant, "cpu")


async def test_an_id_one_writer_applied_is_a_duplicate_for_another(admin, org, db):
    tenant, start = await _tenant(admin)
    first, second = SeenIds(), SeenIds()
    one = alloc(tenant, "cpu", "2", start + HOUR)
    two = alloc(tenant, "cpu", "0", start + 2 * HOUR)
    assert await _apply(db, first, org, one) == ["ACCEPTED"]
    assert await _apply(db, second, org, one, two) == ["DUPLICATE", "ACCEPTED"]
    # `first` has this period loaded already: it must catch up with what `second` wrote.
    assert await _apply(db, first, org, two, one) == ["DUPLICATE", "DUPLICATE"]
    assert await _cpu_hours(admin, tenant) == 2


async def test_an_id_applied_between_a_writers_sort_and_its_turn_is_a_duplicate(admin, org, db):
    """A worker sorts and folds its batch ahead of its turn; ids another writer applies in
    between must still be found when the turn comes (only what came since is looked at)."""
    tenant, start = await _tenant(admin)
    first, second = SeenIds(), SeenIds()
    old = alloc(tenant, "cpu", "1", start + HOUR, event_id="old")
    assert await _apply(db, first, org, old) == ["ACCEPTED"]
    batch = [
        alloc(tenant, "cpu", str(i), start + (2 + i) * HOUR, event_id=f"b{i}") for i in range(3)
    ]
    events = Events.of_rows(map(event_fields, batch))
    ready = await presort(db, first, {org: events})
    assert await _apply(db, second, org, batch[1]) == ["ACCEPTED"]
    outcomes = await record_usage(db, first, {org: events}, presorted=ready)
    assert [o.outcome for o in outcomes[org]] == ["ACCEPTED", "DUPLICATE", "ACCEPTED"]


async def test_a_batch_that_rolled_back_leaves_its_ids_unapplied(admin, org, db):
    tenant, start = await _tenant(admin)
    seen = SeenIds()
    events = [alloc(tenant, "cpu", "4", start + HOUR), alloc(tenant, "cpu", "0", start + 3 * HOUR)]
    with pytest.raises(RuntimeError):
        async with db.transaction() as session:
            await apply_usage(session, seen, org, Events.of_rows(map(event_fields, events)))
            raise RuntimeError("the unit of work fails after the usage was applied")
    assert await _apply(db, seen, org, *events) == ["ACCEPTED", "ACCEPTED"]
    assert await _cpu_hours(admin, tenant) == 8


async def test_a_period_dropped_from_memory_is_reloaded_from_the_ledger(admin, org, db):
    tenant, start = await _tenant(admin)
    seen = SeenIds(idle_seconds=0)  # every period is dropped as soon as it was used
    event = alloc(tenant, "storage", "10", start + HOUR)
    assert await _apply(db, seen, org, event) == ["ACCEPTED"]
    assert await _apply(db, seen, org, event) == ["DUPLICATE"]


async def test_after_a_restart_ids_loaded_from_the_ledger_are_still_refused(admin, org, db):
    """A new process knows nothing: it loads the period's ids from the ledger, row by row, as
    12-byte digests, and still refuses every id applied before."""
    tenant, start = await _tenant(admin)
    events = [
        alloc(tenant, "cpu", str(i % 3), start + i * 60, event_id=f"before-{i}") for i in range(10)
    ]
    before = SeenIds()
    for chunk in (events[:4], events[4:7], events[7:]):  # a ledger row each
        assert await _apply(db, before, org, *chunk) == ["ACCEPTED"] * len(chunk)
    restarted = SeenIds()
    new = alloc(tenant, "cpu", "1", start + 11 * 60, event_id="after-0")
    outcomes = await _apply(db, restarted, org, events[3], new, events[9], events[0])
    assert outcomes == ["DUPLICATE", "ACCEPTED", "DUPLICATE", "DUPLICATE"]
    loaded = restarted.known(org, [period_of(start)])[period_of(start)]
    assert (len(loaded), loaded.nbytes) == (11, 11 * 12)


async def test_ids_and_clusters_with_control_characters_are_rejected(admin):
    tenant, start = await _tenant(admin)
    results = await record(
        admin,
        alloc(tenant, "cpu", "1", start + HOUR, event_id="line\nbreak"),
        alloc(tenant, "cpu", "1", start + HOUR, cluster="nul\x00"),
        alloc(tenant, "cpu", "1", start + HOUR, event_id="tab\there"),
    )
    assert [r.reject_reason for r in results] == ["INVALID_ID", "INVALID_CLUSTER", "INVALID_ID"]


def _steps(tenant: str, start: int, meter: str, count: int) -> tuple[list, Decimal]:
    """`count` changes six minutes apart, then 0: (the events, their quantity-hours)."""
    changes = [(start + i * 360, str(1 + i % 4)) for i in range(count)]
    changes.append((start + count * 360, "0"))
    events = [
        alloc(tenant, meter, q, at, event_id=f"{meter}-{i}") for i, (at, q) in enumerate(changes)
    ]
    held = sum(Decimal(q) * (changes[i + 1][0] - at) for i, (at, q) in enumerate(changes[:-1]))
    return events, held / HOUR


async def _hours(stub, tenant: str, meter: str) -> Decimal:
    estimate = await stub.GetCurrentEstimate(pb.GetCurrentEstimateRequest(tenant_id=tenant))
    return Decimal(next(c.quantity for c in estimate.compute if c.meter == meter))


@asynccontextmanager
async def _replica(settings, batch: int) -> AsyncIterator[tuple[UsageConsumer, Messaging]]:
    """A second consumer of the durable, as another replica of the service would run."""
    messaging = await connect(
        settings.nats_url, "metering-test-replica", Namespace(settings.namespace)
    )
    replica = UsageConsumer(settings, messaging, batch=batch)
    stop = asyncio.Event()
    running = asyncio.create_task(replica.run(stop))
    try:
        yield replica, messaging
    finally:
        stop.set()
        await asyncio.wait_for(running, timeout=30)
        await messaging.close()


async def _publish(messaging: Messaging, org: str, events: list, per_message: int) -> None:
    subject = messaging.namespace.subject(USAGE)
    for chunk in range(0, len(events), per_message):
        batch = events_pb2.UsageBatch(org_id=org, events=events[chunk : chunk + per_message])
        await messaging.js.publish(subject, batch.SerializeToString())


async def test_two_consumers_with_two_workers_each_rate_a_stream_exactly_once(admin, org, settings):
    """The service's consumer and a second one (another replica) share the durable consumer;
    small fetches spread the messages over both and over each one's workers."""
    tenant, start = await _tenant(admin)
    events, expected = _steps(tenant, start, "cpu", 40)
    async with _replica(settings, batch=3) as (replica, messaging):
        await _publish(messaging, org, events, 2)
        await _publish(messaging, org, events, 7)  # every event again, batched differently

        async def rated() -> bool:
            return await _hours(admin, tenant, "cpu") == expected

        assert await eventually(rated, wait=30) is True
        workers = replica.pids()
        assert len(workers) == 2
    # A stopped consumer leaves no worker behind.
    assert replica.pids() == []
    for pid in workers:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


async def test_a_killed_usage_worker_loses_nothing_and_doubles_nothing(admin, org, settings):
    """A worker dies (SIGKILL): its crew stops, a new crew starts, and every event is still
    applied exactly once."""
    tenant, start = await _tenant(admin)
    events, expected = _steps(tenant, start, "memory", 30)
    async with _replica(settings, batch=2) as (replica, messaging):

        async def started() -> bool:
            return len(replica.pids()) == 2

        assert await eventually(started, wait=30) is True
        os.kill(replica.pids()[0], signal.SIGKILL)
        await _publish(messaging, org, events, 1)

        async def rated() -> bool:
            return await _hours(admin, tenant, "memory") == expected

        assert await eventually(rated, wait=60) is True
        assert replica.crews_started >= 2  # the crew of the dead worker was replaced


async def _ledger_rows(db, org: str, period: str) -> int:
    async with db.transaction() as session:
        conn = await pg(session)
        return await conn.fetchval(
            "SELECT count(*) FROM usage_ledger WHERE org_id = $1 AND period = $2", org, period
        )


async def test_a_period_closed_for_every_tenant_forgets_its_ids(admin, org, db):
    period, now = months_ago(1), current_period()[0] + HOUR
    start = period_bounds(period)[0]
    plan = await make_plan(admin)
    tenants = [await make_tenant(admin, plan, start) for _ in range(2)]
    for i, tenant in enumerate(tenants):
        await record(admin, alloc(tenant, "cpu", "1", start + HOUR, event_id=f"last-month-{i}"))
    await record(admin, alloc(tenants[0], "cpu", "1", now, event_id="this-month"))
    assert await _ledger_rows(db, org, period) == 2

    closing = pb.ClosePeriodRequest(tenant_id=tenants[0], period=period)
    await admin.ClosePeriod(closing)
    assert await _ledger_rows(db, org, period) == 2  # the other tenant can still take usage

    closing.tenant_id = tenants[1]
    await admin.ClosePeriod(closing)
    assert await _ledger_rows(db, org, period) == 0
    assert await _ledger_rows(db, org, period_of(now)) == 1
    # An id of the forgotten period is still never applied twice: its period is closed.
    again = await record(
        admin, alloc(tenants[1], "cpu", "1", start + HOUR, event_id="last-month-1")
    )
    assert again[0].reject_reason == "PERIOD_CLOSED"


async def test_closing_drops_history_no_late_change_can_need(admin, org, db):
    """Of the chunks ending in closed time only the last per key stays, and a late change
    after the close still finds its predecessor there."""
    closed, open_ = months_ago(2), months_ago(1)
    start, (open_start, open_end) = period_bounds(closed)[0], period_bounds(open_)
    tenant = await make_tenant(admin, await make_plan(admin), start)
    for at, quantity in (
        (start + HOUR, "2"),
        (start + 5 * HOUR, "4"),
        (open_start + 10 * HOUR, "1"),
    ):
        await record(admin, alloc(tenant, "cpu", quantity, at, event_id=f"cpu-{at}"))

    async def chunks() -> list[int]:
        async with db.transaction() as session:
            conn = await pg(session)
            rows = await conn.fetch(
                "SELECT last_at FROM allocation_chunks WHERE org_id = $1 ORDER BY last_at", org
            )
            return [row[0] for row in rows]

    assert await chunks() == [start + HOUR, start + 5 * HOUR, open_start + 10 * HOUR]
    await admin.ClosePeriod(pb.ClosePeriodRequest(tenant_id=tenant, period=closed))
    assert await chunks() == [start + 5 * HOUR, open_start + 10 * HOUR]

    late = await record(admin, alloc(tenant, "cpu", "8", open_start + 2 * HOUR, event_id="late"))
    assert late[0].outcome == pb.USAGE_EVENT_OUTCOME_ACCEPTED
    usage = await admin.GetUsage(pb.GetUsageRequest(tenant_id=tenant, period=open_))
    cpu = next(total for total in usage.totals if total.meter == "cpu")
    # 4 held from the closed month until the late 8, then 1 to the end of the month.
    expected = 4 * 2 + 8 * 8 + 1 * Decimal(open_end - open_start - 10 * HOUR) / HOUR
    assert Decimal(cpu.quantity) == expected
