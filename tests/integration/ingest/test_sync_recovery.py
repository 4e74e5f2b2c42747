"""Sync tasks survive crashes and collisions: redelivery, takeover, one sync per account."""

from __future__ import annotations

import asyncio
import uuid
from decimal import Decimal

import pytest
from costgrid.common.v1 import provider_pb2
from costgrid.ingest.v1 import service_pb2 as pb
from google.protobuf import wrappers_pb2
from sqlalchemy import text

from services.common.caller import Caller
from services.common.messaging import SYNC_TASKS
from services.ingest.bootstrap import deps_of
from services.ingest.repository import accounts as repository_accounts
from services.ingest.sync.scheduler import run_due
from tests.support.infra import FOCUS_SAMPLE, focus_path
from tests.support.ingest_service import Client, new_org, running_ingest, wait_job

SAMPLE = FOCUS_SAMPLE
SAMPLE_TOTAL = Decimal("20.52022672899")


@pytest.fixture(scope="module")
async def service(settings):
    async with running_ingest(settings) as running:
        yield running


@pytest.fixture
async def admin(service, settings):
    client = Client(service.address, settings, Caller(new_org(), "admin", "alice"))
    yield client
    await client.close()


async def focus_account(client: Client) -> int:
    account = pb.CloudAccount(
        name="FOCUS",
        provider=provider_pb2.PROVIDER_FOCUS_FILE,
        settings=pb.CloudAccountSettings(
            focus_file=pb.FocusFileSettings(path=focus_path(client.org_id, SAMPLE))
        ),
    )
    request = pb.CreateCloudAccountRequest(cloud_account=account)
    return (await client.accounts.CreateCloudAccount(request)).cloud_account.id


async def sql(service, statement: str, **params):
    async with service.runtime.db.transaction() as session:
        return (await session.execute(text(statement), params)).all()


async def stored_total(service, org_id: str, account_id: int) -> Decimal:
    (row,) = await sql(
        service,
        "SELECT (SELECT coalesce(sum(billed_cost), 0) FROM cost_line_items "
        "WHERE org_id = :o AND account_id = :a), (SELECT coalesce(sum(amount), 0) "
        "FROM daily_rollups WHERE org_id = :o AND account_id = :a)",
        o=org_id,
        a=account_id,
    )
    assert row[0] == row[1]
    return row[0]


async def test_task_redelivered_after_its_worker_died_is_taken_over_without_double_counting(
    service, admin
):
    account_id = await focus_account(admin)
    job_id = (await admin.sync.TriggerSync(pb.TriggerSyncRequest(account_ids=[account_id]))).job_id
    await wait_job(admin, job_id)
    # What a worker that died mid-task leaves behind: RUNNING, its lease, a stale heartbeat.
    (task,) = await sql(service, "SELECT id FROM sync_tasks WHERE job_id = :j", j=job_id)
    await sql(
        service,
        "UPDATE sync_tasks SET status = 'RUNNING', claimed_by = :w, finished_at = NULL, "
        "heartbeat_at = now() - interval '1 hour' WHERE id = :t RETURNING id",
        w=uuid.uuid4(),
        t=task.id,
    )
    await sql(
        service, "UPDATE sync_jobs SET status = 'RUNNING' WHERE id = :j RETURNING id", j=job_id
    )
    messaging = service.runtime.messaging
    await messaging.js.publish(
        messaging.namespace.subject(SYNC_TASKS),
        wrappers_pb2.Int64Value(value=task.id).SerializeToString(),
    )

    job = await wait_job(admin, job_id)

    assert job.status == pb.SYNC_JOB_STATUS_SUCCEEDED
    assert job.tasks[0].attempts == 2
    assert await stored_total(service, admin.org_id, account_id) == SAMPLE_TOTAL


async def test_task_waits_while_its_account_is_being_synced_and_then_runs(service, admin):
    account_id = await focus_account(admin)
    (other_job,) = await sql(
        service,
        "INSERT INTO sync_jobs (org_id, trigger, days_back, window_start, window_end, status) "
        "VALUES (:o, 'MANUAL', 7, '2024-09-01', '2024-09-30', 'RUNNING') RETURNING id",
        o=admin.org_id,
    )
    (busy,) = await sql(
        service,
        "INSERT INTO sync_tasks (job_id, org_id, account_id, status, window_start, window_end, "
        "claimed_by, heartbeat_at) VALUES (:j, :o, :a, 'RUNNING', '2024-09-01', '2024-09-30', "
        ":w, now() + interval '1 hour') RETURNING id",
        j=other_job.id,
        o=admin.org_id,
        a=account_id,
        w=uuid.uuid4(),
    )
    job_id = (await admin.sync.TriggerSync(pb.TriggerSyncRequest(account_ids=[account_id]))).job_id
    await asyncio.sleep(1.0)  # several busy retries

    waiting = (await admin.sync.GetSyncJob(pb.GetSyncJobRequest(job_id=job_id))).sync_job
    assert waiting.status == pb.SYNC_JOB_STATUS_RUNNING
    assert waiting.tasks[0].status == pb.SYNC_TASK_STATUS_QUEUED
    await sql(
        service, "UPDATE sync_tasks SET status = 'FAILED' WHERE id = :t RETURNING id", t=busy.id
    )

    job = await wait_job(admin, job_id)
    assert job.status == pb.SYNC_JOB_STATUS_SUCCEEDED
    assert await stored_total(service, admin.org_id, account_id) == SAMPLE_TOTAL


async def test_scheduler_starts_one_scheduled_job_per_due_org_skipping_demo_accounts(
    service, admin
):
    deps = deps_of(service.runtime)
    real = await focus_account(admin)
    async with deps.db.transaction() as session:
        await repository_accounts.insert(
            session, admin.org_id, "Demo", "AWS", {}, "", True, None, demo=True
        )

    # Two replicas polling at the same moment: only one wins the org.
    results = await asyncio.gather(run_due(deps), run_due(deps))
    ours = [
        j
        for j in (job for started in results for job in started)
        if await sql(
            service, "SELECT 1 FROM sync_jobs WHERE id = :j AND org_id = :o", j=j, o=admin.org_id
        )
    ]
    assert len(ours) == 1
    job = await wait_job(admin, ours[0])
    assert job.trigger == pb.SYNC_TRIGGER_SCHEDULED
    assert [t.account_id for t in job.tasks] == [real]
    assert job.status == pb.SYNC_JOB_STATUS_SUCCEEDED

    again = await run_due(deps)  # not due for another interval
    assert not await sql(
        service,
        "SELECT 1 FROM sync_jobs WHERE id = ANY(:ids) AND org_id = :o",
        ids=again,
        o=admin.org_id,
    )
