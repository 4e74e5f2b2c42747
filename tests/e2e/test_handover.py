"""Fast hand-over: a process killed (SIGKILL) in the middle of a sync task, a usage batch or an
event leaves it to another replica, which finishes it within 10 s of the kill.

A table lock holds the first process mid-work (its transaction waits on it), so the kill lands
while the message is fetched and unacknowledged; the lock goes with the kill. The seconds are
printed (`-s` shows them) for the issue's closing figures."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import time
from datetime import UTC, datetime

from costgrid.common.v1 import provider_pb2
from costgrid.ingest.v1 import service_pb2 as ingest_pb
from costgrid.metering.v1 import events_pb2 as metering_events
from costgrid.metering.v1 import service_pb2 as metering_pb
from sqlalchemy import text

from services.budgets.bootstrap import definition as budgets_definition
from services.common.caller import Caller
from services.common.messaging import USAGE, Messaging, Namespace, connect
from services.common.server import RunningService, start
from services.common.settings import Settings
from services.metering.bootstrap import definition as metering_definition
from services.metering.settings import MeteringSettings
from tests.integration.metering.conftest import Stub, alloc, current_period, make_plan, make_tenant
from tests.support import budgets_events
from tests.support.grpc_client import channel_as
from tests.support.infra import FOCUS_SAMPLE, focus_path
from tests.support.ingest_service import Client, new_org, running_ingest, wait_job
from tests.support.service_process import free_port, spawn, table_locked, wait_blocked
from tools.run import wait_serving

HAND_OVER_SECONDS = 10.0


async def _until(check, within: float = 30.0) -> float:  # type: ignore[no-untyped-def]
    """Polls `check()` until truthy; returns the monotonic time it first was."""
    deadline = time.monotonic() + within
    while not await check():
        assert time.monotonic() < deadline, "the work was not finished by another replica"
        await asyncio.sleep(0.05)
    return time.monotonic()


async def test_a_sync_task_of_a_killed_ingest_replica_finishes_on_another_within_10s(
    settings: Settings, tmp_path
) -> None:
    port = free_port()
    first = spawn("ingest", settings, tmp_path / "ingest.log", port)
    try:
        await asyncio.to_thread(wait_serving, f"127.0.0.1:{port}", 60)
        org = new_org()
        client = Client(f"127.0.0.1:{port}", settings, Caller(org, "admin", "alice"))
        account = ingest_pb.CloudAccount(
            name="FOCUS",
            provider=provider_pb2.PROVIDER_FOCUS_FILE,
            settings=ingest_pb.CloudAccountSettings(
                focus_file=ingest_pb.FocusFileSettings(path=focus_path(org, FOCUS_SAMPLE))
            ),
        )
        created = await client.accounts.CreateCloudAccount(
            ingest_pb.CreateCloudAccountRequest(cloud_account=account)
        )
        async with table_locked(settings, "ingest.cost_line_items") as lock:
            job = await client.sync.TriggerSync(
                ingest_pb.TriggerSyncRequest(account_ids=[created.cloud_account.id])
            )
            await wait_blocked(lock, "ingest.cost_line_items")
            async with running_ingest(settings) as other:
                first.send_signal(signal.SIGKILL)
                killed = time.monotonic()
                await lock.close()  # the lock goes with the kill, as a dead worker's would
                survivor = Client(other.address, settings, Caller(client.org_id, "admin", "a"))
                done = await wait_job(survivor, job.job_id)
                finished = time.monotonic()
        await client.close()
        await survivor.close()
    finally:
        first.kill()
        first.wait(10)
    print(f"\ningest hand-over: {finished - killed:.1f} s")
    assert done.status == ingest_pb.SYNC_JOB_STATUS_SUCCEEDED
    assert done.tasks[0].attempts == 2
    assert finished - killed < HAND_OVER_SECONDS


async def test_a_costs_event_of_a_killed_budgets_replica_is_applied_by_another_within_10s(
    settings: Settings, tmp_path
) -> None:
    port = free_port()
    first = spawn("budgets", settings, tmp_path / "budgets.log", port)
    messaging = await connect(settings.nats_url, "handover-test", Namespace(settings.namespace))
    try:
        await asyncio.to_thread(wait_serving, f"127.0.0.1:{port}", 60)
        day = datetime.now(UTC).date()
        event = budgets_events.costs_updated(
            new_org(), 7, (day, day), [(day, "EC2", "us-east-1", "12.50")]
        )
        async with table_locked(settings, "budgets.accounts") as lock:
            await budgets_events.publish(messaging, event)
            await wait_blocked(lock, "budgets.accounts")
            other = await start(budgets_definition(), settings)
            first.send_signal(signal.SIGKILL)
            killed = time.monotonic()
            await lock.close()
        try:
            finished = await _until(lambda: _in_inbox(other, event.event_id))
        finally:
            await other.stop(grace=1)
    finally:
        first.kill()
        first.wait(10)
        await messaging.close()
    print(f"\nbudgets hand-over: {finished - killed:.1f} s")
    assert finished - killed < HAND_OVER_SECONDS


async def test_a_usage_batch_of_a_killed_metering_worker_is_applied_by_a_new_crew_within_10s(
    settings: Settings,
) -> None:
    one_worker = MeteringSettings(**settings.model_dump(), metering_usage_workers=1)
    metering = await start(metering_definition(close_interval_seconds=3600), one_worker)
    messaging = await connect(settings.nats_url, "handover-test", Namespace(settings.namespace))
    org = new_org()
    channel = channel_as(metering.address, settings, Caller(org, "admin", "test"))
    try:
        stub = Stub(channel)
        start_at = current_period()[0]
        tenant = await make_tenant(stub, await make_plan(stub), start_at)
        events = [alloc(tenant, "cpu", "2", start_at), alloc(tenant, "cpu", "0", start_at + 3600)]
        async with table_locked(settings, "metering.usage_ledger") as lock:
            await _publish_usage(messaging, org, events)
            await wait_blocked(lock, "metering.usage_ledger")
            (worker,) = [p for p in multiprocessing.active_children() if "usage" in p.name]
            os.kill(worker.pid, signal.SIGKILL)  # type: ignore[arg-type]
            killed = time.monotonic()
            await lock.close()
        finished = await _until(lambda: _cpu_hours(stub, tenant), within=60)
    finally:
        await channel.close()
        await messaging.close()
        await metering.stop(grace=1)
    print(f"\nmetering hand-over: {finished - killed:.1f} s")
    assert finished - killed < HAND_OVER_SECONDS


async def _in_inbox(service: RunningService, event_id: str) -> bool:
    async with service.runtime.db.transaction() as session:
        found = await session.execute(
            text("SELECT 1 FROM inbox WHERE event_id = :e"), {"e": event_id}
        )
        return found.first() is not None


async def _publish_usage(messaging: Messaging, org: str, events: list) -> None:  # type: ignore[type-arg]
    batch = metering_events.UsageBatch(org_id=org, events=events)
    await messaging.js.publish(messaging.namespace.subject(USAGE), batch.SerializeToString())


async def _cpu_hours(stub: Stub, tenant: str) -> bool:
    estimate = await stub.GetCurrentEstimate(
        metering_pb.GetCurrentEstimateRequest(tenant_id=tenant)
    )
    return any(c.meter == "cpu" and c.quantity not in ("", "0") for c in estimate.compute)
