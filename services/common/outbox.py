"""Transactional outbox: events are rows written with the state change, relayed to JetStream.

The relay publishes with `Nats-Msg-Id` = event id, so a relay that dies between publishing
and marking the row sent re-publishes a duplicate JetStream drops; consumers' inboxes catch
any that arrive after the duplicate window.

Each event also NOTIFYs the schema's outbox channel, which PostgreSQL delivers when the
transaction commits: the relay LISTENs on it and publishes at once, so an idle service does no
database work at all. A notification can be missed (the listening connection drops, the
database restarts), so the relay also looks after every reconnection and, as a last resort,
every `poll_seconds`.
"""

from __future__ import annotations

import asyncio
import contextlib
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

CHANNEL_PREFIX = "costgrid_outbox_"
# PostgreSQL folds identical notifications of one transaction into one, so a transaction that
# adds many events wakes the relay once.
_INSERT = text(
    "WITH added AS (INSERT INTO outbox (id, subject, payload, headers) VALUES (:id, :subject, "
    ":payload, CAST(:headers AS jsonb)) RETURNING 1) "
    f"SELECT pg_notify('{CHANNEL_PREFIX}' || current_schema(), '') FROM added"
)
# While the listening connection is down, the relay looks this often instead.
_UNHEARD_POLL_SECONDS = 1.0


def outbox_channel(schema: str) -> str:
    """The channel a schema's events are announced on (search_path is the service's schema)."""
    return CHANNEL_PREFIX + schema


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
        self, db: Database, messaging: Messaging, poll_seconds: float = 10.0, batch: int = 200
    ) -> None:
        self._db = db
        self._messaging = messaging
        self._poll = poll_seconds
        self._batch = batch
        self._wake = asyncio.Event()
        self.listening = False
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
        listener = asyncio.create_task(self._listen(stop))
        failing = 0.0
        try:
            while not stop.is_set():
                # Cleared before looking, so a commit announced meanwhile is looked at again.
                self._wake.clear()
                try:
                    if await self.publish_pending() >= self._batch:
                        continue  # a full batch: more are likely waiting
                    failing = 0.0
                    wait = self._poll if self.listening else min(self._poll, _UNHEARD_POLL_SECONDS)
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # NATS or the database is down: keep the rows, retry
                    log.warning_limited(
                        "outbox.publish_failed",
                        key=self._db.schema,
                        error=str(exc) or type(exc).__name__,
                    )
                    failing = wait = min(failing * 2 or 0.1, 5.0)
                await _first_of(self._wake, stop, seconds=wait)
        finally:
            listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await listener

    async def _listen(self, stop: asyncio.Event) -> None:
        """Keeps a connection LISTENing on the schema's channel, reconnecting when it drops."""
        channel = outbox_channel(self._db.schema)
        retry = 0.5
        while not stop.is_set():
            connection = None
            lost = asyncio.Event()
            try:
                connection = await self._db.dedicated_connection(f"{self._db.schema} outbox relay")
                connection.add_termination_listener(lambda _conn, lost=lost: lost.set())
                await connection.add_listener(channel, lambda *_args: self._wake.set())
                self.listening, retry = True, 0.5
                self._wake.set()  # whatever was committed while nobody listened
                await _first_of(lost, stop)
                if not stop.is_set():
                    log.warning_limited("outbox.listen_lost", key=channel, channel=channel)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the database is away: the relay polls meanwhile
                log.warning_limited(
                    "outbox.listen_failed",
                    key=self._db.schema,
                    error=str(exc) or type(exc).__name__,
                )
            finally:
                self.listening = False
                if connection is not None:
                    connection.terminate()
            await _first_of(stop, seconds=retry)
            retry = min(retry * 2, max(self._poll, 0.5))


async def _first_of(*events: asyncio.Event, seconds: float | None = None) -> None:
    """Returns when any of the events is set, or after `seconds`."""
    waiters = [asyncio.ensure_future(event.wait()) for event in events]
    try:
        await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
