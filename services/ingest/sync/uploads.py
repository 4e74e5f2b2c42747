"""The sync task of an upload account: import the file uploaded with the task's job.

An upload replaces exactly the days it holds (cost_storage.replace_days), so the same file
uploaded twice is stored once, and a month's export does not erase another month's. A task
of such an account without an upload (a scheduled or manual sync) has nothing to pull and
changes nothing. The file is removed once its import has committed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from services.common.db import raw_connection
from services.common.threads import iterate_in_thread
from services.ingest.connectors.focus import iter_focus_batches
from services.ingest.deps import Deps
from services.ingest.handlers import events
from services.ingest.repository import accounts, cost_storage, uploads
from services.ingest.repository.accounts import AccountRow
from services.ingest.repository.cost_storage import StoreResult
from services.ingest.repository.sync_jobs import TaskRow
from services.ingest.sync import upload_files
from services.ingest.sync.chunks import QUEUE_CHUNKS, Owner, batch_chunks

BATCH_ROWS = 8192


@dataclass(frozen=True)
class UploadImport:
    write: Callable[[AsyncSession], Awaitable[StoreResult]]
    done: Callable[[], None]  # after the commit


async def upload_import(deps: Deps, task: TaskRow, account: AccountRow) -> UploadImport:
    async with deps.db.transaction() as session:
        upload = await uploads.of_task(session, task.org_id, task.job_id, account.id)
    if upload is None:
        return UploadImport(write=_nothing, done=lambda: None)
    directory = deps.settings.ingest_upload_dir
    label = f"uploaded file {upload.sha256[:12]}"
    source = upload_files.source(directory, upload.file_name, upload.format, label)
    owner = Owner(account.org_id, account.id, account.provider)

    async def write(session: AsyncSession) -> StoreResult:
        chunks = iterate_in_thread(
            lambda: batch_chunks(iter_focus_batches(source, BATCH_ROWS), owner), QUEUE_CHUNKS
        )
        result = await cost_storage.replace_days(await raw_connection(session), owner, chunks)
        await accounts.mark_synced(session, account.id)
        await uploads.mark_imported(session, upload.id)
        if result.window is not None:
            await events.costs_updated(session, owner, account.name, result.window, result.daily)
        return result

    return UploadImport(write=write, done=lambda: upload_files.remove(directory, upload.file_name))


async def _nothing(session: AsyncSession) -> StoreResult:
    return StoreResult()
