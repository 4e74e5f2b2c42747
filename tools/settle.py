"""Waits until every event the suite has produced has been consumed: no service's outbox holds
an unpublished event and no durable consumer has a message pending or unacked.

`make run` announces "Costgrid is up" only after this, so the demo data has reached every
service that answers from it (budgets' read model, invoicing's drafts) before a newcomer asks."""

from __future__ import annotations

import asyncio
import time

import asyncpg
from sqlalchemy import make_url

from services.common.messaging import Messaging, Namespace, connect, consumer_backlog
from services.common.settings import SERVICES, Settings


async def backlog(conn: asyncpg.Connection, messaging: Messaging) -> dict[str, int]:
    """Unpublished outbox rows per service and undelivered or unacked messages per consumer."""
    found: dict[str, int] = {}
    for service in SERVICES:
        found[f"outbox:{service}"] = await conn.fetchval(
            f'SELECT count(*) FROM "{service}".outbox WHERE published_at IS NULL'
        )
    for name, count in (await consumer_backlog(messaging)).items():
        found[f"consumer:{name}"] = count
    return found


async def wait_settled(
    settings: Settings, limit_seconds: float = 180.0, quiet: float = 2.0
) -> None:
    """Settled for `quiet` seconds on end: one event's handler may emit the next event."""
    url = make_url(settings.database_url).set(drivername="postgresql").render_as_string(False)
    namespace = Namespace(settings.namespace)
    conn = await asyncpg.connect(url)
    messaging = await connect(settings.nats_url, "costgrid-settle", namespace)
    try:
        deadline = time.monotonic() + limit_seconds
        settled_since: float | None = None
        while True:
            pending = {k: v for k, v in (await backlog(conn, messaging)).items() if v}
            now = time.monotonic()
            if pending:
                settled_since = None
            elif settled_since is None:
                settled_since = now
            elif now - settled_since >= quiet:
                return
            if now > deadline:
                raise TimeoutError(f"events still pending after {limit_seconds:.0f}s: {pending}")
            await asyncio.sleep(0.5)
    finally:
        await messaging.close()
        await conn.close()
