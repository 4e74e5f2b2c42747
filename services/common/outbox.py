"""Transactional outbox: events are rows written with the state change, relayed to JetStream.

The relay publishes with `Nats-Msg-Id` = event id, so a relay that dies between publishing
and marking the row sent re-publishes a duplicate JetStream drops; consumers' inboxes catch
any that arrive after the duplicate window.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from google.protobuf.message import Message
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.db import Database
from services.common.logging import get_logger, trace_id_var
from services.common.messaging import Messaging

log = get_logger(__name__)

EVENT_TYPE = "Costgrid-Event-Type"
EVENT_ORG = "Costgrid-Org"
EVENT_TIME = "Costgrid-Occurred-At"
EVENT_TRACE = "Costgrid-Trace-Id"
MSG_ID = "Nats-Msg-Id"

_INSERT = text(
    "INSERT INTO outbox (id, subject, payload, headers) VALUES (:id, :subject, :payload, "
    "CAST(:headers AS jsonb))"
)


async def add_event(
    session: AsyncSession,
    subject: str,
    message: Message,
    org_id: str,
    event_id: uuid.UUID | None = None,
) -> uuid.UUID:
    """Adds an event to the caller's transaction; it is published only if that commits."""
    event_id = event_id or uuid.uuid4()
    headers = {
        EVENT_TYPE: message.DESCRIPTOR.full_name,
        EVENT_ORG: org_id,
        EVENT_TIME: datetime.now(UTC).isoformat(),
        EVENT_TRACE: trace_id_var.get() or uuid.uuid4().hex,
    }
    await session.execute(
        _INSERT,
        {
            "id": event_id,
            "subject": subject,
            "payload": message.SerializeToString(),
            "headers": json.dumps(headers),
        },
    )
    return event_id


class OutboxRelay:
    def __init__(
        self, db: Database, messaging: Messaging, poll_seconds: float = 0.05, batch: int = 200
    ) -> None:
        self._db = db
        self._messaging = messaging
        self._poll = poll_seconds
        self._batch = batch
        # Test hook: runs after publishing and before the rows are marked sent.
        self.after_publish: Callable[[], Awaitable[None]] | None = None

    async def publish_pending(self) -> int:
        async with self._db.transaction() as session:
            rows = (
                await session.execute(
                    text(
                        "SELECT id, subject, payload, headers FROM outbox WHERE published_at IS NULL "
                        "ORDER BY seq LIMIT :n FOR UPDATE SKIP LOCKED"
                    ),
                    {"n": self._batch},
                )
            ).all()
            if not rows:
                return 0
            ns = self._messaging.namespace
            acks = [
                await self._messaging.js.publish(
                    ns.subject(row.subject),
                    bytes(row.payload),
                    headers={**row.headers, MSG_ID: str(row.id)},
                    timeout=5,
                )
                for row in rows
            ]
            if self.after_publish:
                await self.after_publish()
            await session.execute(
                text("UPDATE outbox SET published_at = now() WHERE id = ANY(:ids)"),
                {"ids": [row.id for row in rows]},
            )
        log.debug(
            "outbox.published", count=len(rows), duplicates=sum(a.duplicate or 0 for a in acks)
        )
        return len(rows)

    async def run(self, stop: asyncio.Event) -> None:
        backoff = self._poll
        while not stop.is_set():
            try:
                published = await self.publish_pending()
                backoff = self._poll
                if published:
                    continue
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # NATS or the database is down: keep the rows, retry later
                log.warning_limited(
                    "outbox.publish_failed",
                    key=self._db.schema,
                    error=str(exc) or type(exc).__name__,
                )
                backoff = min(backoff * 2 or 0.1, 5.0)
            try:
                await asyncio.wait_for(stop.wait(), timeout=backoff)
            except TimeoutError:
                pass
