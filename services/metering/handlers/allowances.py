"""ENFORCED tenants: the first time usage reaches an allowance in a period, say so once."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.common.messaging import ALLOWANCE_REACHED
from services.common.outbox import add_event
from services.metering import convert
from services.metering.domain.meters import LOGS, METRICS
from services.metering.domain.periods import period_bounds
from services.metering.domain.rating import allowances
from services.metering.handlers.terms import load_tenant, usage_of
from services.metering.repository import pg
from services.metering.repository import statements as repo


async def notify_reached(session: AsyncSession, org: str, watched: list[tuple[str, str]]) -> None:
    """`watched`: (tenant, period) pairs of ENFORCED tenants that just got samples."""
    conn = await pg(session)
    for tenant_id, period in watched:
        done = await repo.notices(conn, org, [tenant_id], period)
        if {(tenant_id, METRICS), (tenant_id, LOGS)} <= done:
            continue
        view = await load_tenant(conn, org, tenant_id)
        start, end = period_bounds(period)
        usage = await usage_of(conn, org, tenant_id, period, allocations=False)
        for meter, use in allowances(view.spans(period), end - start, usage).items():
            if (tenant_id, meter) in done or not use.reached:
                continue
            if await repo.claim_notice(conn, org, tenant_id, period, meter):
                event_id = uuid.uuid4()
                event = convert.allowance_reached(
                    str(event_id), org, view.row, period, use, datetime.now(UTC)
                )
                await add_event(session, ALLOWANCE_REACHED, event, org, event_id=event_id)
