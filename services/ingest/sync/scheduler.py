"""Scheduled syncs: every org with active accounts gets a SCHEDULED job every interval.

Each replica polls; `sync_schedules` holds each org's next due time and is advanced with one
conditional upsert, so when several replicas find an org due at once exactly one wins and
starts the job. An org's first scheduled sync is due as soon as it has an active account.
Demo accounts (generated data) are never part of a scheduled sync.
"""

from __future__ import annotations

import asyncio

from services.common.logging import get_logger
from services.ingest.deps import Deps
from services.ingest.domain.sync import SCHEDULED
from services.ingest.handlers.sync_jobs import every_account, start_job
from services.ingest.repository import accounts, schedules

log = get_logger(__name__)


async def run_due(deps: Deps) -> list[int]:
    """Starts the jobs that are due now; returns their ids."""
    async with deps.db.transaction() as session:
        orgs = await accounts.orgs_with_syncable_accounts(session)
    started = []
    for org_id in orgs:
        async with deps.db.transaction() as session:
            if not await schedules.take_if_due(
                session, org_id, deps.settings.ingest_sync_interval_seconds
            ):
                continue
            targets, skipped = await every_account(session, org_id)
            if not targets:
                continue
            job_id = await start_job(
                session,
                org_id,
                targets,
                deps.settings.ingest_sync_days_back,
                SCHEDULED,
                "scheduler",
                None,
                skipped,
            )
            await schedules.set_last_job(session, org_id, job_id)
        log.info("sync.scheduled", org_id=org_id, job_id=job_id, accounts=len(targets))
        if job_id is not None:
            started.append(job_id)
    return started


class Scheduler:
    def __init__(self, deps: Deps) -> None:
        self._deps = deps

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            # Wait first: a restart (or a test) should not fire every org's sync at once.
            with_timeout = asyncio.wait_for(
                stop.wait(), self._deps.settings.ingest_scheduler_poll_seconds
            )
            try:
                await with_timeout
                return
            except TimeoutError:
                pass
            try:
                await run_due(self._deps)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning_limited("sync.schedule_failed", error=str(exc) or type(exc).__name__)
