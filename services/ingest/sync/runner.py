"""One sync task, start to commit: read the provider, replace the window, record, announce.

Everything a task changes commits together: the account's line items and rollups for the
window, the task's status, the job's status, `costs.updated` and `sync.completed`. A crash
before the commit changes nothing, and the redelivered task simply does it again.

FOCUS_FILE accounts replace the account's whole history with what the export files hold (an
export is a complete statement of its period, and the sample data is from 2024, far outside
any days_back window); the task's window then becomes the span of days replaced. Upload
accounts import the file uploaded with the job instead (sync/uploads.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial

from sqlalchemy.ext.asyncio import AsyncSession

from services.common.db import Database, raw_connection
from services.common.logging import get_logger
from services.common.threads import iterate_in_thread
from services.ingest.connectors.base import AccountConfig, ConnectorError
from services.ingest.connectors.focus import is_upload_account, iter_focus_batches, iter_sources
from services.ingest.connectors.focus_local import org_folder
from services.ingest.connectors.registry import account_config, build_connector
from services.ingest.deps import Deps
from services.ingest.domain.cost_items import CostLineItem, DateWindow
from services.ingest.domain.sync import FAILED, SUCCEEDED
from services.ingest.handlers import events, secrets
from services.ingest.repository import accounts, cost_storage
from services.ingest.repository import sync_jobs as repo
from services.ingest.repository.accounts import AccountRow
from services.ingest.repository.cost_storage import StoreResult
from services.ingest.repository.sync_jobs import TaskRow
from services.ingest.sync.chunks import (
    QUEUE_CHUNKS,
    Chunk,
    Owner,
    batch_chunks,
    item_chunks,
)
from services.ingest.sync.uploads import upload_import

log = get_logger(__name__)
# Rows per chunk of a FOCUS import: they stream through one COPY statement whatever their
# size, so smaller is only less memory in flight (~15 MB less peak RSS than 8k rows).
FOCUS_BATCH_ROWS = 4096


class TaskUnrunnable(ConnectorError):
    """The task cannot run at all (its account went away); retrying will not help."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class LeaseLost(Exception):
    """Another worker took the task over (this one was presumed dead); drop our work."""


@dataclass(frozen=True)
class Outcome:
    rows: int
    window: DateWindow


def owner_of(account: AccountRow) -> Owner:
    return Owner(account.org_id, account.id, account.provider)


async def load_account(deps: Deps, task: TaskRow) -> AccountRow:
    async with deps.db.transaction() as session:
        account = await accounts.get(session, task.org_id, task.account_id)
    return runnable(account, task.account_id)


def runnable(account: AccountRow | None, account_id: int) -> AccountRow:
    if account is None:
        raise TaskUnrunnable("ACCOUNT_DELETED", f"cloud account {account_id} was deleted")
    if account.archived:
        raise TaskUnrunnable("ACCOUNT_ARCHIVED", f"cloud account {account.id} is archived")
    if not account.active:
        raise TaskUnrunnable("ACCOUNT_INACTIVE", f"cloud account {account.id} is inactive")
    if account.demo:
        raise TaskUnrunnable("DEMO_ACCOUNT", f"cloud account {account.id} holds demo data")
    return account


Producer = Callable[[], Iterator[Chunk]]


def focus_producer(config: AccountConfig, owner: Owner) -> Producer:
    """Every export file of the account, through the vectorized FOCUS reader."""

    def focus() -> Iterator[Chunk]:
        for source in iter_sources(config):
            yield from batch_chunks(iter_focus_batches(source, FOCUS_BATCH_ROWS), owner)

    return focus


def items_producer(
    items: Callable[[], Iterator[CostLineItem]], owner: Owner, window: DateWindow
) -> Producer:
    return lambda: item_chunks(items(), owner, window)


async def store(
    db: Database, account: AccountRow, window: DateWindow | None, produce: Producer
) -> StoreResult:
    """Stores a window (None: the account's whole history) with its `costs.updated`, in a
    transaction of its own: imports outside a sync job (demo data, benchmarks)."""
    if window is not None:
        # New months' partitions in a short transaction of their own: creating one locks the
        # parent table, which must not last for a whole sync.
        async with db.transaction() as session:
            await cost_storage.ensure_partitions(
                await raw_connection(session), cost_storage.months_of(window)
            )
    async with db.transaction() as session:
        result = await store_in(session, account, window, produce)
    return result


async def store_in(
    session: AsyncSession, account: AccountRow, window: DateWindow | None, produce: Producer
) -> StoreResult:
    """Replace-window storage plus `costs.updated`, inside the caller's transaction."""
    owner = owner_of(account)
    conn = await raw_connection(session)
    result = await cost_storage.replace_window(
        conn, owner, window, iterate_in_thread(produce, QUEUE_CHUNKS)
    )
    await accounts.mark_synced(session, account.id)
    if result.window is not None:
        await events.costs_updated(session, owner, account.name, result.window, result.daily)
    return result


async def run_task(deps: Deps, task: TaskRow, worker: uuid.UUID) -> Outcome:
    account = await load_account(deps, task)
    owner = owner_of(account)
    credentials = secrets.unseal(deps.box, account.org_id, account.id, account.credentials_sealed)
    folder = org_folder(deps.settings.ingest_focus_root, account.org_id)
    config = account_config(
        account.provider, account.settings, credentials, account.endpoint, folder
    )
    done_after_commit: Callable[[], None] = lambda: None  # noqa: E731
    if account.provider == "FOCUS_FILE" and is_upload_account(config):
        upload = await upload_import(deps, task, account)
        write, done_after_commit = upload.write, upload.done
    elif account.provider == "FOCUS_FILE":
        produce = focus_producer(config, owner)
        write = partial(store_in, account=account, window=None, produce=produce)
    else:
        connector = build_connector(config)  # a misconfigured account fails here
        produce = items_producer(lambda: connector.fetch(task.window), owner, task.window)
        async with deps.db.transaction() as session:
            await cost_storage.ensure_partitions(
                await raw_connection(session), cost_storage.months_of(task.window)
            )
        write = partial(store_in, account=account, window=task.window, produce=produce)
    async with deps.db.transaction() as session:
        if not await repo.lock_owned(session, task.id, worker):
            raise LeaseLost(f"task {task.id} was taken over by another worker")
        # Held to the commit: a delete or archive of the account waits for this sync, or
        # came first and this sync stores nothing.
        locked = await accounts.get(session, task.org_id, task.account_id, for_update=True)
        runnable(locked, task.account_id)
        result = await write(session)
        done = result.window or task.window
        await repo.finish_task(session, task.id, SUCCEEDED, result.rows, done)
        await repo.settle_job(session, task.job_id)
        await events.sync_completed(session, task.job_id, owner, account.name, done, result.rows)
    done_after_commit()
    log.info("sync.task_succeeded", task_id=task.id, account_id=account.id, rows=result.rows)
    return Outcome(result.rows, done)


async def fail_task(
    deps: Deps, task: TaskRow, worker: uuid.UUID | None, reason: str, message: str
) -> None:
    """Marks the task failed for good and says so on `sync.failed`, in one transaction."""
    async with deps.db.transaction() as session:
        if worker is not None and not await repo.lock_owned(session, task.id, worker):
            return
        account = await accounts.get(session, task.org_id, task.account_id, include_deleted=True)
        assert account is not None  # tasks reference their account, and rows are never removed
        await repo.finish_task(session, task.id, FAILED, 0, task.window, reason, message)
        await repo.settle_job(session, task.job_id)
        await events.sync_failed(
            session, task.job_id, owner_of(account), account.name, task.window, reason, message
        )
    log.warning("sync.task_failed", task_id=task.id, account_id=task.account_id, reason=reason)
