"""ENFORCED tenants: the first time usage reaches an allowance in a period, say so once.

Checked after every batch that brings samples for ENFORCED tenants, with a fixed number of
queries per batch (not per tenant): notices already sent, plan windows, log totals and P95s.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

import asyncpg
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.messaging import ALLOWANCE_REACHED
from services.common.outbox import add_event
from services.metering.api import convert
from services.metering.domain.meters import LOGS, METRICS
from services.metering.domain.periods import period_bounds
from services.metering.domain.pricing import PlanTerms
from services.metering.domain.rating import AllowanceUse, allowance_uses
from services.metering.handlers.terms import plan_terms
from services.metering.repository import catalog, pg, readings
from services.metering.repository import statements as repo


async def notify_reached(session: AsyncSession, org: str, watched: list[tuple[str, str]]) -> None:
    """`watched`: (tenant, period) pairs of ENFORCED tenants that just got samples."""
    conn = await pg(session)
    for period in sorted({p for _, p in watched}):
        tenants = sorted({t for t, p in watched if p == period})
        done = await repo.notices(conn, org, tenants, period)
        pending = [t for t in tenants if not {(t, METRICS), (t, LOGS)} <= done]
        if pending:
            for tenant_id, use in await _reached(conn, org, pending, period):
                if (tenant_id, use.meter) not in done:
                    await _notify(session, conn, org, tenant_id, period, use)


async def _reached(
    conn: asyncpg.Connection, org: str, tenants: list[str], period: str
) -> list[tuple[str, AllowanceUse]]:
    start, end = period_bounds(period)
    shares = await _plan_shares(conn, org, tenants, start, end)
    logs = await readings.log_totals(conn, org, tenants, start, end)
    series = await readings.p95(conn, org, tenants, period)
    reached = []
    for tenant_id in tenants:
        zero = Decimal(0)
        uses = allowance_uses(
            shares.get(tenant_id, []),
            end - start,
            series.get(tenant_id, zero),
            logs.get(tenant_id, zero),
        )
        reached += [(tenant_id, use) for use in uses.values() if use.reached]
    return reached


async def _plan_shares(
    conn: asyncpg.Connection, org: str, tenants: list[str], start: int, end: int
) -> dict[str, list[tuple[PlanTerms, int]]]:
    """Per tenant: each plan window's plan and the seconds of [start, end) it covers."""
    windows = await catalog.windows(conn, org, tenants)
    plans = await catalog.plans_by_id(conn, org, sorted({w["plan_id"] for w in windows}))
    shares: dict[str, list[tuple[PlanTerms, int]]] = {}
    for i, w in enumerate(windows):
        following = windows[i + 1] if i + 1 < len(windows) else None
        stop = (
            following["start_at"] if following and following["tenant_id"] == w["tenant_id"] else end
        )
        seconds = min(stop, end) - max(w["start_at"], start)
        if seconds > 0:
            shares.setdefault(w["tenant_id"], []).append((plan_terms(plans[w["plan_id"]]), seconds))
    return shares


async def _notify(
    session: AsyncSession,
    conn: asyncpg.Connection,
    org: str,
    tenant_id: str,
    period: str,
    use: AllowanceUse,
) -> None:
    if not await repo.claim_notice(conn, org, tenant_id, period, use.meter):
        return
    tenant = await catalog.tenant(conn, org, tenant_id)
    event_id = uuid.uuid4()
    event = convert.allowance_reached(str(event_id), org, tenant, period, use, datetime.now(UTC))
    await add_event(session, ALLOWANCE_REACHED, event, org, event_id=event_id)
