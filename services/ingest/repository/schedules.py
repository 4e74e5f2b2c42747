"""Every SQL statement about scheduled syncs: each org's next due time in `sync_schedules`."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession


async def take_if_due(session: AsyncSession, org_id: str, interval_seconds: float) -> bool:
    """Advances the org's next run by the interval if it is due (or new); one conditional
    upsert, so of several replicas finding the org due at once exactly one gets True."""
    result = await session.execute(
        text(
            "INSERT INTO sync_schedules (org_id, next_run_at) "
            "VALUES (:o, now() + make_interval(secs => :s)) "
            "ON CONFLICT (org_id) DO UPDATE SET next_run_at = EXCLUDED.next_run_at "
            "WHERE sync_schedules.next_run_at <= now() RETURNING org_id"
        ),
        {"o": org_id, "s": interval_seconds},
    )
    return result.first() is not None


async def set_last_job(session: AsyncSession, org_id: str, job_id: int | None) -> None:
    await session.execute(
        text("UPDATE sync_schedules SET last_job_id = :j WHERE org_id = :o"),
        {"j": job_id, "o": org_id},
    )
