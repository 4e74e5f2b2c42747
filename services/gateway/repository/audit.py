"""The gateway's SQL for the audit log."""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from services.gateway.domain.audit import AuditEvent


async def insert_events(session: AsyncSession, events: Sequence[AuditEvent]) -> None:
    if not events:
        return
    await session.execute(
        text(
            "INSERT INTO audit_events (occurred_at, org_id, actor, action, outcome,"
            " client_address, detail) VALUES (:time, :org, :actor, :action, :outcome,"
            " :address, CAST(:detail AS jsonb))"
        ),
        [
            {
                "time": event.occurred_at,
                "org": event.org_id,
                "actor": event.actor,
                "action": event.action,
                "outcome": event.outcome,
                "address": event.client_address,
                "detail": json.dumps(event.detail),
            }
            for event in events
        ],
    )
