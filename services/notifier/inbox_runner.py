"""Runs the notifier's inbox consumers a batch at a time.

The kit's consumer applies each event in its own transaction. Alerts need no order, so this
runner applies a whole fetched batch in one transaction (each event still recorded in the
inbox by the kit's `record`, so each is applied once) and, should that fail, falls back to
the kit's one-event `handle` for each, so one bad event cannot hold up the others. It wakes the
delivery worker as soon as the batch committed. A candidate for the kit.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from nats.aio.msg import Msg
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.db import Database
from services.common.inbox import Event, InboxConsumer, Subscription, record, to_event
from services.common.logging import get_logger
from services.common.messaging import Messaging

log = get_logger(__name__)


class BatchInbox:
    def __init__(
        self,
        db: Database,
        messaging: Messaging,
        subscription: Subscription,
        on_applied: Callable[[], None],
    ) -> None:
        self._db = db
        self._messaging = messaging
        self._consumer = InboxConsumer(db, messaging, subscription)
        self._sub = subscription
        self._handler: Callable[[AsyncSession, Event], Awaitable[None]] = subscription.handler
        self._on_applied = on_applied

    async def apply_batch(self, messages: list[Msg]) -> None:
        events = [to_event(m, self._messaging) for m in messages]
        if any(not e.id for e in events):
            raise ValueError("an event without an id goes through the kit's checks")
        async with self._db.transaction() as session:
            for event in events:
                if await record(session, self._sub.durable, event.id):
                    await self._handler(session, event)
        self._on_applied()
        await asyncio.gather(*(m.ack() for m in messages))

    async def _fetch(self, psub: Any) -> list[Msg]:
        """Waits for one event, then takes what else is already there.

        A plain `fetch(batch, timeout)` keeps collecting until the batch is full or the timeout
        ends, which on a quiet stream delays every alert by up to the timeout.
        """
        first = await psub.fetch(1, timeout=5)
        try:
            more = await psub.fetch(self._sub.batch - 1, timeout=0.02)
        except TimeoutError:
            more = []
        return [*first, *more]

    async def run(self, stop: asyncio.Event) -> None:
        await self._consumer.declare()
        psub = self._consumer._psub  # bound by declare(); the kit exposes no accessor
        assert psub is not None
        while not stop.is_set():
            try:
                messages = await self._fetch(psub)
            except TimeoutError:
                continue
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("inbox.fetch_failed", consumer=self._sub.durable, error=str(exc))
                await asyncio.sleep(0.5)
                continue
            try:
                await self.apply_batch(messages)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("inbox.batch_failed", consumer=self._sub.durable, error=str(exc))
                for msg in messages:  # one at a time, with the kit's retry and give-up rules
                    if await self._consumer.handle(msg):
                        self._on_applied()
