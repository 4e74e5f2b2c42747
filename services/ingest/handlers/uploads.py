"""Upload use case: a FOCUS file streamed in, stored, checked, and handed to a sync job.

Checks that need no bytes come first (role, account, format, announced size), so a refused
upload costs nothing; then the bytes are written and hashed as they arrive, refused past the
size limit, and checked (checksum, format, FOCUS header) before the job is started. A refused
upload leaves no file and no job behind.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace

from services.common.caller import require_role
from services.common.errors import FailedPrecondition, InvalidArgument, NotFound
from services.common.idempotency import create_once
from services.common.logging import get_logger
from services.ingest.connectors.base import ConnectorError
from services.ingest.deps import Deps
from services.ingest.domain.sync import MANUAL, RUNNING
from services.ingest.domain.uploads import (
    declared_format,
    expected_sha256,
    format_of,
    too_large,
)
from services.ingest.handlers.sync_jobs import Started, replayed_job, start_job
from services.ingest.repository import accounts, uploads
from services.ingest.repository.accounts import AccountRow
from services.ingest.repository.uploads import UploadRow
from services.ingest.sync import upload_files
from services.ingest.sync.upload_files import IncomingFile

log = get_logger(__name__)


@dataclass(frozen=True)
class UploadHeader:
    account_id: int
    content_type: str
    content_encoding: str
    declared_size: int
    sha256: str
    request_id: str


@dataclass(frozen=True)
class Uploaded:
    job_id: int
    status: str
    sha256: str
    size_bytes: int
    format: str


async def upload(deps: Deps, header: UploadHeader, chunks: AsyncIterator[bytes]) -> Uploaded:
    caller = require_role("admin")
    account = await _upload_account(deps, caller.org_id, header.account_id)
    declared = declared_format(header.content_type, header.content_encoding)
    expected = expected_sha256(header.sha256)
    limit = deps.settings.ingest_upload_max_bytes
    if header.declared_size > limit:
        raise too_large(limit)
    incoming = await asyncio.to_thread(IncomingFile, deps.settings.ingest_upload_dir, caller.org_id)
    try:
        fmt = await _receive(incoming, chunks, limit, declared, expected)
        file_name = await asyncio.to_thread(incoming.keep, fmt)
    except BaseException:
        await asyncio.to_thread(incoming.discard)
        raise
    row = UploadRow(0, caller.org_id, account.id, 0, file_name, incoming.sha256, incoming.size, fmt)
    try:
        job_id, status = await _start(deps, account, row, caller.principal, header.request_id)
    except BaseException:
        upload_files.remove(deps.settings.ingest_upload_dir, file_name)
        raise
    log.info("upload.received", account_id=account.id, job_id=job_id, size=incoming.size)
    return Uploaded(job_id, status, incoming.sha256, incoming.size, fmt)


async def _upload_account(deps: Deps, org_id: str, account_id: int) -> AccountRow:
    async with deps.db.transaction() as session:
        account = await accounts.get(session, org_id, account_id)
    if account is None:
        raise NotFound(f"cloud account {account_id} not found", account_id=account_id)
    settings = account.settings
    if account.provider != "FOCUS_FILE" or settings.get("path") or settings.get("s3_prefix"):
        raise FailedPrecondition(
            f"cloud account {account_id} does not take uploads: only a FOCUS_FILE account"
            " without a path or s3_prefix does",
            reason="NOT_AN_UPLOAD_ACCOUNT",
            account_id=account_id,
        )
    if account.archived or not account.active:
        state = "archived" if account.archived else "inactive"
        raise FailedPrecondition(
            f"cloud account {account_id} is {state} and takes no uploads",
            reason=f"ACCOUNT_{state.upper()}",
            account_id=account_id,
        )
    return account


async def _receive(
    incoming: IncomingFile,
    chunks: AsyncIterator[bytes],
    limit: int,
    declared: str | None,
    expected: str,
) -> str:
    async for chunk in chunks:
        if incoming.size + len(chunk) > limit:
            raise too_large(limit)
        await asyncio.to_thread(incoming.write, chunk)
    await asyncio.to_thread(incoming.finish)
    if incoming.size == 0:
        raise InvalidArgument("body", "is empty; send the FOCUS file as the request body")
    if expected and incoming.sha256 != expected:
        raise InvalidArgument(
            "sha256",
            f"the body's SHA-256 is {incoming.sha256}, not {expected}; nothing was kept",
            reason="CHECKSUM_MISMATCH",
        )
    fmt = format_of(declared, incoming.head)
    try:
        await asyncio.to_thread(upload_files.check_header, incoming.path, fmt, "the upload")
    except ConnectorError as err:
        raise InvalidArgument("body", err.message, reason="NOT_A_FOCUS_FILE") from err
    return fmt


async def _start(
    deps: Deps, account: AccountRow, row: UploadRow, principal: str, request_id: str
) -> tuple[int, str]:
    """A retry with the same request_id gets the first job; its own copy is dropped."""
    async with deps.db.transaction() as session:

        async def find(request_id: str) -> Started | None:
            return await replayed_job(session, account.org_id, request_id)

        async def insert() -> Started | None:
            job_id = await start_job(
                session, account.org_id, [account], 1, MANUAL, principal, request_id or None
            )
            if job_id is None:
                return None
            await uploads.insert(session, replace(row, job_id=job_id))
            return Started(job_id, RUNNING, [])

        once = await create_once(request_id, find, insert)
    if not once.created:
        upload_files.remove(deps.settings.ingest_upload_dir, row.file_name)
    return once.row.job_id, once.row.status
