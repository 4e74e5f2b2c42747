"""Idempotent inbox: durable pull consumers that apply each event exactly once.

The event id is recorded in the consumer's own `inbox` table in the same transaction as the
handler's effect; a redelivered event finds its id there and is only acknowledged.
"""

from __future__ import annotations

import asyncio
import builtins
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from google.protobuf.message import Message
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.db import Database
from services.common.heartbeat import in_progress
from services.common.logging import get_logger, org_id_var, trace_id_var
from services.common.messaging import EVENTS_STREAM, Messaging, StreamSpec
from services.common.outages import RETRY_AFTER_SECONDS, dependency_down
from services.common.outbox import EVENT_ORG, EVENT_TIME, EVENT_TRACE, EVENT_TYPE, MSG_ID

log = get_logger(__name__)
M = TypeVar("M", bound=Message)


@dataclass(frozen=True)
class Event:
    id: str
    subject: str  # without the namespace prefix
    type: str
    org_id: str
    occurred_at: str
    trace_id: str
    data: bytes

    def parse(self, message_type: builtins.type[M]) -> M:
        message = message_type()
        message.ParseFromString(self.data)
        return message


Handler = Callable[[AsyncSession, Event], Awaitable[None]]


@dataclass(frozen=True)
class Subscription:
    durable: str  # consumer name, unique per stream
    subject: str  # base subject (wildcards allowed)
    handler: Handler
    stream: StreamSpec = EVENTS_STREAM
    max_deliver: int = 20
    # None: the service's COSTGRID_EVENT_ACK_WAIT_SECONDS.
    ack_wait_seconds: float | None = None
    batch: int = 64
    # Called after a batch's effects committed (e.g. to wake a worker that acts on them).
    after_commit: Callable[[], None] | None = None


class InboxConsumer:
    def __init__(
        self,
        db: Database,
        messaging: Messaging,
        subscription: Subscription,
        ack_wait_seconds: float = 6.0,
    ) -> None:
        self._db = db
        self._messaging = messaging
        self._sub = subscription
        self._ack_wait = subscription.ack_wait_seconds or ack_wait_seconds
        self._psub: JetStreamContext.PullSubscription | None = None

    async def declare(self) -> None:
        ns, sub = self._messaging.namespace, self._sub
        stream = ns.stream(sub.stream.name)
        await self._messaging.js.add_consumer(
            stream,
            ConsumerConfig(
                durable_name=sub.durable,
                filter_subject=ns.subject(sub.subject),
                ack_policy=AckPolicy.EXPLICIT,
                deliver_policy=DeliverPolicy.ALL,
                # Unbounded here: an outage must not use up an event's deliveries; handle()
                # gives up after `max_deliver` attempts that failed on the event itself.
                max_deliver=-1,
                ack_wait=self._ack_wait,
            ),
        )
        self._psub = await self._messaging.js.pull_subscribe_bind(sub.durable, stream=stream)

    async def run(self, stop: asyncio.Event) -> None:
        if self._psub is None:
            await self.declare()
        while not stop.is_set():
            try:
                messages = await self._fetch()
            except TimeoutError:
                continue
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning_limited(
                    "inbox.fetch_failed",
                    key=self._sub.durable,
                    consumer=self._sub.durable,
                    error=str(exc),
                )
                await asyncio.sleep(0.5)
                continue
            async with in_progress(messages, self._ack_wait):
                await self.handle_batch(messages)

    async def _fetch(self) -> list[Msg]:
        """Waits for one event, then takes those already waiting behind it, and no more.

        A fetch for more events than the stream holds waits out its whole timeout on the
        server, which on a quiet stream would delay every event by that timeout; the first
        event's metadata says how many are pending behind it, so the second fetch asks for
        exactly those and returns as soon as they arrive.
        """
        assert self._psub is not None
        first = await self._psub.fetch(1, timeout=1)
        behind = min(first[0].metadata.num_pending, self._sub.batch - 1)
        if behind <= 0:
            return first
        try:
            # Only waits if another replica took them meanwhile.
            more = await self._psub.fetch(behind, timeout=0.1)
        except TimeoutError:
            more = []
        return [*first, *more]

    async def handle_batch(self, messages: list[Msg]) -> None:
        """One transaction for the batch; if any event fails, each is retried on its own so one
        bad event cannot hold up the others."""
        events = [to_event(m, self._messaging) for m in messages]
        if len(messages) > 1 and all(e.id for e in events):
            try:
                async with self._db.transaction() as session:
                    fresh = await record_many(session, self._sub.durable, [e.id for e in events])
                    for event in events:
                        if event.id in fresh:
                            fresh.discard(event.id)  # a batch may hold an event twice
                            await self._sub.handler(session, event)
                self._committed()
                await asyncio.gather(*(m.ack() for m in messages))
                return
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if dependency_down(exc):
                    await self._retry_later(messages, exc)
                    return
                log.warning("inbox.batch_failed", consumer=self._sub.durable, error=str(exc))
        for msg in messages:
            if await self.handle(msg):
                self._committed()

    async def _retry_later(self, messages: list[Msg], exc: Exception) -> None:
        """PostgreSQL or NATS is away: no attempt of the event's own, so never given up on."""
        log.warning_limited(
            "inbox.dependency_unavailable",
            key=self._sub.durable,
            consumer=self._sub.durable,
            dependency=dependency_down(exc),
            error=str(exc)[:300] or type(exc).__name__,
        )
        for msg in messages:
            with contextlib.suppress(Exception):  # unacked, it comes back after the ack wait
                await msg.nak(delay=RETRY_AFTER_SECONDS)

    def _committed(self) -> None:
        if self._sub.after_commit:
            self._sub.after_commit()

    async def handle(self, msg: Msg) -> bool:
        """Applies one message; returns True when its effect was applied now (not a repeat)."""
        event = to_event(msg, self._messaging)
        if not event.id:
            log.error("inbox.event_without_id", consumer=self._sub.durable, subject=msg.subject)
            await msg.term()
            return False
        tokens = (org_id_var.set(event.org_id), trace_id_var.set(event.trace_id))
        try:
            async with self._db.transaction() as session:
                applied = await record(session, self._sub.durable, event.id)
                if applied:
                    await self._sub.handler(session, event)
            await msg.ack()
            return applied
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            attempt = msg.metadata.num_delivered
            if dependency_down(exc):
                await self._retry_later([msg], exc)
            elif attempt >= self._sub.max_deliver:
                log.exception(
                    "inbox.gave_up", consumer=self._sub.durable, event_id=event.id, attempts=attempt
                )
                await msg.term()
            else:
                log.exception(
                    "inbox.handler_failed",
                    consumer=self._sub.durable,
                    event_id=event.id,
                    attempt=attempt,
                )
                await msg.nak(delay=min(0.2 * 2**attempt, 30))
            return False
        finally:
            org_id_var.reset(tokens[0])
            trace_id_var.reset(tokens[1])


async def record(session: AsyncSession, consumer: str, event_id: str) -> bool:
    result = await session.execute(
        text(
            "INSERT INTO inbox (consumer, event_id) VALUES (:c, :e) ON CONFLICT DO NOTHING RETURNING 1"
        ),
        {"c": consumer, "e": event_id},
    )
    return result.first() is not None


async def record_many(session: AsyncSession, consumer: str, event_ids: list[str]) -> set[str]:
    """Records a batch's event ids in one statement; returns those not seen before."""
    result = await session.execute(
        text(
            "INSERT INTO inbox (consumer, event_id) SELECT :c, unnest(CAST(:e AS text[])) "
            "ON CONFLICT DO NOTHING RETURNING event_id"
        ),
        {"c": consumer, "e": event_ids},
    )
    return {row.event_id for row in result}


def to_event(msg: Msg, messaging: Messaging) -> Event:
    headers = msg.headers or {}
    return Event(
        id=headers.get(MSG_ID, ""),
        subject=messaging.namespace.base_subject(msg.subject),
        type=headers.get(EVENT_TYPE, ""),
        org_id=headers.get(EVENT_ORG, ""),
        occurred_at=headers.get(EVENT_TIME, ""),
        trace_id=headers.get(EVENT_TRACE, ""),
        data=msg.data,
    )
