"""Sync jobs end to end: TriggerSync -> work queue -> connector -> storage -> events."""

from __future__ import annotations

import asyncio
import shutil
from decimal import Decimal
from pathlib import Path

import grpc
import pytest
from costgrid.common.v1 import provider_pb2
from costgrid.ingest.v1 import events_pb2
from costgrid.ingest.v1 import service_pb2 as pb
from sqlalchemy import text

from services.common.caller import Caller
from services.common.messaging import COSTS_UPDATED, Namespace, connect
from services.common.outbox import EVENT_ORG
from tests.fakes.aws_fake import AwsFake, json_error
from tests.support.infra import FOCUS_SAMPLE, focus_folder, focus_path
from tests.support.ingest_service import Client, event_tap, new_org, running_ingest, wait_job

SAMPLE = FOCUS_SAMPLE
SAMPLE_LINES = SAMPLE.read_text().splitlines(keepends=True)
README_TOTALS = {
    "AWS": Decimal("18.00663861840"),
    "Microsoft": Decimal("1.97651418586"),
    "Oracle": Decimal("0.53707392473"),
}


@pytest.fixture(scope="module")
async def service(settings):
    async with running_ingest(settings) as running:
        yield running


@pytest.fixture
async def admin(service, settings):
    client = Client(service.address, settings, Caller(new_org(), "admin", "alice"))
    yield client
    await client.close()


@pytest.fixture
async def messaging(settings):
    conn = await connect(settings.nats_url, "ingest-test", Namespace(settings.namespace))
    yield conn
    await conn.close()


async def focus_account(client: Client, path: Path, name: str = "FOCUS") -> int:
    account = pb.CloudAccount(
        name=name,
        provider=provider_pb2.PROVIDER_FOCUS_FILE,
        settings=pb.CloudAccountSettings(
            focus_file=pb.FocusFileSettings(path=focus_path(client.org_id, path))
        ),
    )
    request = pb.CreateCloudAccountRequest(cloud_account=account)
    return (await client.accounts.CreateCloudAccount(request)).cloud_account.id


async def sync(client: Client, *account_ids: int, days_back: int = 0) -> pb.SyncJob:
    answer = await client.sync.TriggerSync(
        pb.TriggerSyncRequest(account_ids=list(account_ids), days_back=days_back)
    )
    assert answer.status == pb.SYNC_JOB_STATUS_RUNNING
    return await wait_job(client, answer.job_id)


async def totals_by_provider_name(service, org_id: str, account_id: int) -> dict[str, Decimal]:
    async with service.runtime.db.transaction() as session:
        rows = await session.execute(
            text(
                "SELECT provider_name, sum(billed_cost) FROM cost_line_items "
                "WHERE org_id = :o AND account_id = :a GROUP BY provider_name"
            ),
            {"o": org_id, "a": account_id},
        )
        return {name: total for name, total in rows}


async def rollup_total(service, org_id: str, account_id: int) -> Decimal:
    async with service.runtime.db.transaction() as session:
        return (
            await session.execute(
                text(
                    "SELECT coalesce(sum(amount), 0) FROM daily_rollups "
                    "WHERE org_id = :o AND account_id = :a"
                ),
                {"o": org_id, "a": account_id},
            )
        ).scalar_one()


async def test_focus_sample_imports_to_exactly_the_readme_totals(service, admin):
    account_id = await focus_account(admin, SAMPLE)

    job = await sync(admin, account_id)

    assert job.status == pb.SYNC_JOB_STATUS_SUCCEEDED
    (task,) = job.tasks
    assert (task.status, task.rows, task.error) == (pb.SYNC_TASK_STATUS_SUCCEEDED, 1000, "")
    assert task.window.start_date.startswith("2024-09")
    assert await totals_by_provider_name(service, admin.org_id, account_id) == README_TOTALS
    assert await rollup_total(service, admin.org_id, account_id) == sum(README_TOTALS.values())
    async with service.runtime.db.transaction() as session:
        partition = (
            await session.execute(text("SELECT to_regclass('cost_line_items_2024_09') IS NOT NULL"))
        ).scalar_one()
    assert partition


async def test_resync_of_the_same_file_does_not_double_count(service, admin):
    account_id = await focus_account(admin, SAMPLE)

    await sync(admin, account_id)
    again = await sync(admin, account_id)

    assert again.status == pb.SYNC_JOB_STATUS_SUCCEEDED
    assert await totals_by_provider_name(service, admin.org_id, account_id) == README_TOTALS
    assert await rollup_total(service, admin.org_id, account_id) == sum(README_TOTALS.values())


async def test_resync_drops_rows_the_source_no_longer_reports(service, admin):
    export = focus_folder(admin.org_id) / "export.csv"
    shutil.copy(SAMPLE, export)
    account_id = await focus_account(admin, export)
    await sync(admin, account_id)
    lines = SAMPLE_LINES
    kept = [lines[0], *(line for line in lines[1:] if ',"Oracle",' not in line)]
    await asyncio.to_thread(export.write_text, "".join(kept))

    job = await sync(admin, account_id)

    assert job.tasks[0].rows == 993
    totals = await totals_by_provider_name(service, admin.org_id, account_id)
    assert totals == {k: v for k, v in README_TOTALS.items() if k != "Oracle"}
    expected = README_TOTALS["AWS"] + README_TOTALS["Microsoft"]
    assert await rollup_total(service, admin.org_id, account_id) == expected


@pytest.fixture
def denied_aws():
    fake = AwsFake().start()
    fake.reply_always(
        "GetCostAndUsage", json_error("AccessDeniedException", "User: x is not authorized")
    )
    yield fake
    fake.stop()


async def test_one_failing_account_does_not_fail_the_other(service, admin, denied_aws):
    good = await focus_account(admin, SAMPLE)
    account = pb.CloudAccount(
        name="Denied AWS",
        provider=provider_pb2.PROVIDER_AWS,
        settings=pb.CloudAccountSettings(aws=pb.AwsSettings()),
        endpoint=denied_aws.url,
    )
    creds = pb.CloudAccountCredentials(
        aws=pb.AwsCredentials(access_key_id="AKID", secret_access_key="s")
    )
    bad = (
        await admin.accounts.CreateCloudAccount(
            pb.CreateCloudAccountRequest(cloud_account=account, credentials=creds)
        )
    ).cloud_account.id

    job = await sync(admin)  # every active account

    assert job.status == pb.SYNC_JOB_STATUS_PARTIALLY_FAILED
    by_account = {t.account_id: t for t in job.tasks}
    assert by_account[good].status == pb.SYNC_TASK_STATUS_SUCCEEDED
    assert by_account[bad].status == pb.SYNC_TASK_STATUS_FAILED
    assert "ce:GetCostAndUsage" in by_account[bad].error
    assert await totals_by_provider_name(service, admin.org_id, good) == README_TOTALS


@pytest.mark.parametrize("days_back", [-1, 366, 1000])
async def test_days_back_outside_1_to_365_is_invalid_and_starts_nothing(admin, days_back):
    await focus_account(admin, SAMPLE)
    with pytest.raises(grpc.RpcError) as caught:
        await admin.sync.TriggerSync(pb.TriggerSyncRequest(days_back=days_back))
    jobs = await admin.sync.ListSyncJobs(pb.ListSyncJobsRequest())

    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "days_back" in caught.value.details()
    assert list(jobs.sync_jobs) == []


async def test_days_back_zero_means_seven_days(admin):
    account_id = await focus_account(admin, SAMPLE)
    job = await sync(admin, account_id, days_back=0)
    assert job.days_back == 7


async def test_costs_updated_is_published_once_per_window_with_daily_totals(
    service, admin, messaging
):
    account_id = await focus_account(admin, SAMPLE)
    async with event_tap(messaging, COSTS_UPDATED) as tap:
        await sync(admin, account_id)
        events = []
        deadline = asyncio.get_running_loop().time() + 10
        while asyncio.get_running_loop().time() < deadline and not events:
            try:
                for msg in await tap.fetch(50, timeout=1):
                    if msg.headers.get(EVENT_ORG) == admin.org_id:
                        events.append(events_pb2.CostsUpdated.FromString(msg.data))
            except TimeoutError:
                pass

    assert len(events) == 1
    (event,) = events
    assert (event.account_id, event.provider) == (account_id, provider_pb2.PROVIDER_FOCUS_FILE)
    assert event.window_start.startswith("2024-09") and event.window_end.startswith("2024-")
    total = sum(Decimal(c.amount.amount) for c in event.daily_costs)
    assert total == sum(README_TOTALS.values())
    async with service.runtime.db.transaction() as session:
        per_day = dict(
            (
                await session.execute(
                    text(
                        "SELECT charge_day::text, sum(billed_cost) FROM cost_line_items "
                        "WHERE org_id = :o AND account_id = :a GROUP BY charge_day"
                    ),
                    {"o": admin.org_id, "a": account_id},
                )
            ).all()
        )
    event_days: dict[str, Decimal] = {}
    for cost in event.daily_costs:
        event_days[cost.date] = event_days.get(cost.date, Decimal(0)) + Decimal(cost.amount.amount)
    assert event_days == per_day


async def test_two_jobs_for_one_account_run_one_after_the_other_and_both_succeed(service, admin):
    account_id = await focus_account(admin, SAMPLE)
    first = await admin.sync.TriggerSync(pb.TriggerSyncRequest(account_ids=[account_id]))
    second = await admin.sync.TriggerSync(pb.TriggerSyncRequest(account_ids=[account_id]))

    jobs = [await wait_job(admin, first.job_id), await wait_job(admin, second.job_id)]

    assert [j.status for j in jobs] == [pb.SYNC_JOB_STATUS_SUCCEEDED] * 2
    assert await totals_by_provider_name(service, admin.org_id, account_id) == README_TOTALS


async def test_trigger_retried_with_the_same_request_id_starts_one_job(admin):
    account_id = await focus_account(admin, SAMPLE)
    request = pb.TriggerSyncRequest(account_ids=[account_id], request_id="sync-1")
    first = await admin.sync.TriggerSync(request)
    again = await admin.sync.TriggerSync(request)
    await wait_job(admin, first.job_id)

    listed = await admin.sync.ListSyncJobs(pb.ListSyncJobsRequest())
    assert again.job_id == first.job_id
    assert [j.id for j in listed.sync_jobs] == [first.job_id]


async def test_list_sync_jobs_pages_newest_first_and_filters_by_account(admin):
    one = await focus_account(admin, SAMPLE, "one")
    two = await focus_account(admin, SAMPLE, "two")
    ids = [(await sync(admin, acc)).id for acc in (one, two, one)]

    seen, token = [], ""
    while True:
        page = await admin.sync.ListSyncJobs(pb.ListSyncJobsRequest(page_size=2, page_token=token))
        seen += [j.id for j in page.sync_jobs]
        token = page.next_page_token
        if not token:
            break
    only_two = await admin.sync.ListSyncJobs(pb.ListSyncJobsRequest(account_id=two))

    assert seen == ids[::-1]
    assert [j.id for j in only_two.sync_jobs] == [ids[1]]
    assert only_two.sync_jobs[0].tasks[0].account_name == "two"


async def test_viewer_cannot_trigger_a_sync(service, settings):
    viewer = Client(service.address, settings, Caller(new_org(), "viewer", "v"))
    try:
        with pytest.raises(grpc.RpcError) as caught:
            await viewer.sync.TriggerSync(pb.TriggerSyncRequest())
    finally:
        await viewer.close()
    assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED


async def test_failed_resync_leaves_the_previous_data_untouched(service, admin):
    export = focus_folder(admin.org_id) / "export.csv"
    await asyncio.to_thread(shutil.copy, SAMPLE, export)
    account_id = await focus_account(admin, export)
    await sync(admin, account_id)
    header = SAMPLE_LINES[0].rstrip("\n").split(",")
    bad_row = ["NULL"] * len(header)
    bad_row[header.index('"BilledCost"')] = "not-a-number"
    await asyncio.to_thread(export.write_text, "".join(SAMPLE_LINES) + ",".join(bad_row) + "\n")

    job = await sync(admin, account_id)

    assert job.status == pb.SYNC_JOB_STATUS_FAILED
    assert "BilledCost" in job.tasks[0].error
    assert await totals_by_provider_name(service, admin.org_id, account_id) == README_TOTALS
