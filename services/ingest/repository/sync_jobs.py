"""Every SQL statement about sync jobs and tasks."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from services.ingest.domain.cost_items import DateWindow
from services.ingest.domain.sync import QUEUED, RUNNING, job_status
from services.ingest.domain.sync_skips import Skipped


@dataclass(frozen=True)
class JobRow:
    id: int
    org_id: str
    trigger: str
    days_back: int
    window_start: date
    window_end: date
    status: str
    created_at: datetime
    finished_at: datetime | None
    skipped: list[Skipped] = field(default_factory=list)


@dataclass(frozen=True)
class TaskRow:
    id: int
    job_id: int
    org_id: str
    account_id: int
    account_name: str
    status: str
    window_start: date
    window_end: date
    rows: int
    attempts: int
    error_reason: str | None
    error: str | None
    started_at: datetime | None
    finished_at: datetime | None

    @property
    def window(self) -> DateWindow:
        return DateWindow(self.window_start, self.window_end)


_JOB = (
    "id, org_id, trigger, days_back, window_start, window_end, status, created_at, finished_at, "
    "skipped"
)
_TASK = (
    "t.id, t.job_id, t.org_id, t.account_id, a.name AS account_name, t.status, t.window_start, "
    "t.window_end, t.rows, t.attempts, t.error_reason, t.error, t.started_at, t.finished_at"
)


def _job(r: Any) -> JobRow:
    values = {k: getattr(r, k) for k in JobRow.__dataclass_fields__}
    values["skipped"] = [Skipped(**entry) for entry in r.skipped or []]
    return JobRow(**values)


def _task(r: Any) -> TaskRow:
    return TaskRow(**{k: getattr(r, k) for k in TaskRow.__dataclass_fields__})


async def job_by_request(session: AsyncSession, org_id: str, request_id: str) -> int | None:
    return (
        await session.execute(
            text("SELECT id FROM sync_jobs WHERE org_id = :o AND request_id = :r"),
            {"o": org_id, "r": request_id},
        )
    ).scalar_one_or_none()


async def insert_job(
    session: AsyncSession,
    org_id: str,
    trigger: str,
    days_back: int,
    window: DateWindow,
    requested_by: str,
    request_id: str | None,
    skipped: Sequence[Skipped] = (),
) -> int | None:
    """None when a concurrent retry with the same request_id committed first."""
    return (
        await session.execute(
            text(
                "INSERT INTO sync_jobs (org_id, trigger, days_back, window_start, window_end, "
                "status, requested_by, request_id, skipped) "
                "VALUES (:o, :t, :d, :s, :e, :st, :by, :r, CAST(:sk AS jsonb)) "
                "ON CONFLICT (org_id, request_id) WHERE request_id IS NOT NULL DO NOTHING "
                "RETURNING id"
            ),
            {
                "o": org_id,
                "t": trigger,
                "d": days_back,
                "s": window.start,
                "e": window.end,
                "st": RUNNING,
                "by": requested_by,
                "r": request_id,
                "sk": json.dumps([asdict(entry) for entry in skipped]),
            },
        )
    ).scalar_one_or_none()


async def insert_task(
    session: AsyncSession, job_id: int, org_id: str, account_id: int, window: DateWindow
) -> int:
    task_id: int = (
        await session.execute(
            text(
                "INSERT INTO sync_tasks (job_id, org_id, account_id, status, window_start, "
                "window_end) VALUES (:j, :o, :a, :s, :ws, :we) RETURNING id"
            ),
            {
                "j": job_id,
                "o": org_id,
                "a": account_id,
                "s": QUEUED,
                "ws": window.start,
                "we": window.end,
            },
        )
    ).scalar_one()
    return task_id


async def get_job(session: AsyncSession, org_id: str, job_id: int) -> JobRow | None:
    r = (
        await session.execute(
            text(f"SELECT {_JOB} FROM sync_jobs WHERE org_id = :o AND id = :i"),
            {"o": org_id, "i": job_id},
        )
    ).first()
    return _job(r) if r else None


async def page_jobs(
    session: AsyncSession,
    org_id: str,
    before_id: int | None,
    limit: int,
    account_id: int,
    status: str | None,
) -> list[JobRow]:
    filters = ["org_id = :o"]
    if before_id is not None:
        filters.append("id < :before")
    if status:
        filters.append("status = :st")
    if account_id:
        filters.append(
            "EXISTS (SELECT 1 FROM sync_tasks t WHERE t.job_id = sync_jobs.id AND t.account_id = :a)"
        )
    rows = await session.execute(
        text(
            f"SELECT {_JOB} FROM sync_jobs WHERE {' AND '.join(filters)} ORDER BY id DESC LIMIT :n"
        ),
        {"o": org_id, "before": before_id, "st": status, "a": account_id, "n": limit},
    )
    return [_job(r) for r in rows]


async def tasks_of(session: AsyncSession, job_ids: list[int]) -> dict[int, list[TaskRow]]:
    if not job_ids:
        return {}
    rows = await session.execute(
        text(
            f"SELECT {_TASK} FROM sync_tasks t JOIN cloud_accounts a ON a.id = t.account_id "
            "WHERE t.job_id = ANY(:j) ORDER BY t.job_id, t.account_id"
        ),
        {"j": job_ids},
    )
    tasks: dict[int, list[TaskRow]] = {job_id: [] for job_id in job_ids}
    for r in rows:
        tasks[r.job_id].append(_task(r))
    return tasks


async def get_task(session: AsyncSession, task_id: int) -> TaskRow | None:
    r = (
        await session.execute(
            text(
                f"SELECT {_TASK} FROM sync_tasks t JOIN cloud_accounts a ON a.id = t.account_id "
                "WHERE t.id = :i"
            ),
            {"i": task_id},
        )
    ).first()
    return _task(r) if r else None


async def claim(
    session: AsyncSession, task_id: int, worker: uuid.UUID, stale_seconds: float
) -> bool:
    """Takes a queued task, or one whose worker stopped heartbeating (it died mid-task).
    Raises IntegrityError when another task of the same account is running."""
    result = await session.execute(
        text(
            "UPDATE sync_tasks SET status = 'RUNNING', attempts = attempts + 1, "
            "started_at = now(), claimed_by = :w, heartbeat_at = now() "
            "WHERE id = :i AND (status = 'QUEUED' OR (status = 'RUNNING' AND "
            "heartbeat_at < now() - make_interval(secs => :stale))) RETURNING id"
        ),
        {"i": task_id, "w": worker, "stale": stale_seconds},
    )
    return result.first() is not None


async def lock_owned(session: AsyncSession, task_id: int, worker: uuid.UUID) -> bool:
    """Locks the task row for this transaction if this worker still holds it."""
    result = await session.execute(
        text(
            "SELECT id FROM sync_tasks WHERE id = :i AND claimed_by = :w AND status = 'RUNNING' "
            "FOR UPDATE"
        ),
        {"i": task_id, "w": worker},
    )
    return result.first() is not None


async def heartbeat(session: AsyncSession, task_id: int, worker: uuid.UUID) -> None:
    # SKIP LOCKED: while our own storage transaction holds the row, there is nothing to renew.
    await session.execute(
        text(
            "UPDATE sync_tasks SET heartbeat_at = now() WHERE id IN (SELECT id FROM sync_tasks "
            "WHERE id = :i AND claimed_by = :w FOR UPDATE SKIP LOCKED)"
        ),
        {"i": task_id, "w": worker},
    )


async def finish_task(
    session: AsyncSession,
    task_id: int,
    status: str,
    rows: int,
    window: DateWindow,
    reason: str | None = None,
    error: str | None = None,
) -> None:
    await session.execute(
        text(
            "UPDATE sync_tasks SET status = :s, rows = :r, window_start = :ws, window_end = :we, "
            "error_reason = :reason, error = :e, finished_at = now(), claimed_by = NULL, "
            "heartbeat_at = NULL WHERE id = :i"
        ),
        {
            "s": status,
            "r": rows,
            "ws": window.start,
            "we": window.end,
            "reason": reason,
            "e": error,
            "i": task_id,
        },
    )


async def requeue(
    session: AsyncSession, task_id: int, worker: uuid.UUID, reason: str, error: str
) -> None:
    """Back to QUEUED for a later attempt; the error stays visible meanwhile."""
    await session.execute(
        text(
            "UPDATE sync_tasks SET status = 'QUEUED', claimed_by = NULL, heartbeat_at = NULL, "
            "error_reason = :reason, error = :e WHERE id = :i AND claimed_by = :w"
        ),
        {"i": task_id, "w": worker, "reason": reason, "e": error},
    )


async def settle_job(session: AsyncSession, job_id: int) -> str:
    """Derives the job's status from its tasks. The job row is locked first, so two tasks
    finishing at once cannot both miss each other's result."""
    await session.execute(text("SELECT id FROM sync_jobs WHERE id = :j FOR UPDATE"), {"j": job_id})
    statuses = (
        (
            await session.execute(
                text("SELECT status FROM sync_tasks WHERE job_id = :j"), {"j": job_id}
            )
        )
        .scalars()
        .all()
    )
    status = job_status(statuses)
    await session.execute(
        text(
            "UPDATE sync_jobs SET status = :s, finished_at = CASE WHEN :s = 'RUNNING' THEN NULL "
            "ELSE coalesce(finished_at, now()) END WHERE id = :j"
        ),
        {"s": status, "j": job_id},
    )
    return status
