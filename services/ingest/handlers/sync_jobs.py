"""Sync job use cases: start a job (manual or scheduled), read jobs and their tasks.

Starting a job writes the job, one task per account and one work-queue message per task in
one transaction (the messages go through the outbox), so a committed job always gets its
tasks run, and a job that failed to commit leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.common.caller import current_caller, require_role
from services.common.errors import FailedPrecondition, NotFound
from services.common.idempotency import create_once
from services.common.pagination import decode_token, page_of, page_size
from services.ingest.deps import Deps
from services.ingest.domain.sync import MANUAL, RUNNING, days_back_of, sync_window
from services.ingest.domain.sync_skips import Skipped, partition
from services.ingest.handlers import events
from services.ingest.repository import accounts
from services.ingest.repository import sync_jobs as repo
from services.ingest.repository.accounts import AccountRow
from services.ingest.repository.sync_jobs import JobRow, TaskRow


@dataclass(frozen=True)
class Started:
    job_id: int
    status: str  # RUNNING for a new job; a retry gets the first job's current status
    skipped: list[Skipped]


async def trigger_sync(
    deps: Deps, account_ids: Sequence[int], days_back: int, request_id: str
) -> Started:
    caller = require_role("member")
    days = days_back_of(days_back)
    async with deps.db.transaction() as session:

        async def find(request_id: str) -> Started | None:
            return await replayed_job(session, caller.org_id, request_id)

        async def insert() -> Started | None:
            targets, skipped = await _targets(session, caller.org_id, account_ids)
            job_id = await start_job(
                session,
                caller.org_id,
                targets,
                days,
                MANUAL,
                caller.principal,
                request_id or None,
                skipped,
            )
            return None if job_id is None else Started(job_id, RUNNING, skipped)

        once = await create_once(request_id, find, insert)
    return once.row


async def replayed_job(session: AsyncSession, org_id: str, request_id: str) -> Started | None:
    job_id = await repo.job_by_request(session, org_id, request_id)
    if job_id is None:
        return None
    job = await repo.get_job(session, org_id, job_id)
    assert job is not None
    return Started(job.id, job.status, job.skipped)


async def every_account(
    session: AsyncSession, org_id: str
) -> tuple[list[AccountRow], list[Skipped]]:
    """What a sync of every account syncs, and what it leaves out with the reason."""
    return partition(await accounts.live(session, org_id))


async def _targets(
    session: AsyncSession, org_id: str, account_ids: Sequence[int]
) -> tuple[list[AccountRow], list[Skipped]]:
    if not account_ids:
        rows, skipped = await every_account(session, org_id)
        if not rows:
            left_out = "; ".join(f"{s.account_name}: {s.reason.lower()}" for s in skipped)
            raise FailedPrecondition(
                "this organization has no cloud accounts to sync"
                + (f" (left out: {left_out})" if left_out else ""),
                reason="NO_ACTIVE_ACCOUNTS",
            )
        return rows, skipped
    rows = []
    for account_id in dict.fromkeys(account_ids):
        row = await accounts.get(session, org_id, account_id)
        if row is None:
            raise NotFound(f"cloud account {account_id} not found", account_id=account_id)
        if row.archived:
            raise FailedPrecondition(
                f"cloud account {account_id} is archived and never synced again",
                reason="ACCOUNT_ARCHIVED",
                account_id=account_id,
            )
        if not row.active:
            raise FailedPrecondition(
                f"cloud account {account_id} is inactive; activate it to sync",
                reason="ACCOUNT_INACTIVE",
                account_id=account_id,
            )
        if row.demo:
            raise FailedPrecondition(
                f"cloud account {account_id} holds generated demo data and is never synced",
                reason="DEMO_ACCOUNT",
                account_id=account_id,
            )
        rows.append(row)
    return rows, []


async def start_job(
    session: AsyncSession,
    org_id: str,
    targets: list[AccountRow],
    days_back: int,
    trigger: str,
    requested_by: str,
    request_id: str | None,
    skipped: Sequence[Skipped] = (),
) -> int | None:
    window = sync_window(datetime.now(UTC).date(), days_back)
    job_id = await repo.insert_job(
        session, org_id, trigger, days_back, window, requested_by, request_id, skipped
    )
    if job_id is None:
        return None
    for account in targets:
        task_id = await repo.insert_task(session, job_id, org_id, account.id, window)
        await events.task_queued(session, org_id, task_id)
    return job_id


async def get_job(deps: Deps, job_id: int) -> tuple[JobRow, list[TaskRow]]:
    caller = current_caller()
    async with deps.db.transaction() as session:
        job = await repo.get_job(session, caller.org_id, job_id)
        if job is None:
            raise NotFound(f"sync job {job_id} not found", job_id=job_id)
        tasks = await repo.tasks_of(session, [job.id])
    return job, tasks[job.id]


async def list_jobs(
    deps: Deps, requested_size: int, token: str, account_id: int, status: str | None
) -> tuple[list[tuple[JobRow, list[TaskRow]]], str]:
    caller = current_caller()
    size = page_size(requested_size)
    scope = f"jobs:{caller.org_id}:{account_id}:{status or ''}"
    key = decode_token(token, deps.page_secret, scope)
    before = int(key[0]) if key else None
    async with deps.db.transaction() as session:
        jobs = await repo.page_jobs(session, caller.org_id, before, size + 1, account_id, status)
        jobs, next_token = page_of(jobs, size, lambda job: [job.id], deps.page_secret, scope)
        tasks = await repo.tasks_of(session, [j.id for j in jobs])
    return [(job, tasks[job.id]) for job in jobs], next_token
